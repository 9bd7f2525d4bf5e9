"""Fixtures for the harness tests: a toy store and stacks whose host can import the toy provider."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import harness_toy
import pytest

from omni_pulumi.testing.fixtures import harness_stack_factory, omni_stack_factory  # noqa: F401
from omni_pulumi.testing.harness import HarnessStack

HERE = Path(__file__).resolve().parent
API_KEY = harness_toy.API_KEY


@pytest.fixture
def toy_store(tmp_path: Path) -> Path:
    return harness_toy.new_store(tmp_path / "toy-store.json", API_KEY)


@pytest.fixture
def toy_stack(
    harness_stack_factory: Callable[..., HarnessStack],  # noqa: F811
    toy_store: Path,
) -> Callable[..., HarnessStack]:
    """``toy_stack(program, **kw)``: a stack configured for the toy store."""

    def make(program, **kwargs) -> HarnessStack:
        kwargs.setdefault("project", "demo")
        kwargs["config"] = {"toy:storePath": str(toy_store), **kwargs.get("config", {})}
        kwargs["secret_config"] = {"toy:apiKey": API_KEY, **kwargs.get("secret_config", {})}
        kwargs.setdefault("python_path", [HERE])
        return harness_stack_factory(program, **kwargs)

    return make
