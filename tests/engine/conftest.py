"""Fixtures for tests that run programs through the real Pulumi CLI (marker ``engine``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from omni_pulumi.testing.pulumi_cli import CliStack, find_pulumi_cli, require_pulumi_cli

#: Building the CLI from cold takes minutes; the test that triggers the build may take that long.
BUILD_TIMEOUT = 1800


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give the first engine test time for the one-off build when no CLI exists yet."""
    engine = [item for item in items if item.get_closest_marker("engine")]
    if engine and not find_pulumi_cli(build=False).available:
        engine[0].add_marker(pytest.mark.timeout(BUILD_TIMEOUT))


@pytest.fixture(scope="session")
def pulumi_cli() -> Path:
    """The directory of the pinned ``pulumi``; builds it once if needed (without it: skip, or fail
    under CI)."""
    return require_pulumi_cli()


@pytest.fixture
def toy_store(tmp_path: Path) -> Path:
    """The JSON file the toy provider keeps its widgets in."""
    return tmp_path / "toy-store.json"


@pytest.fixture
def make_stack(
    pulumi_cli: Path, toy_store: Path, tmp_path: Path
) -> Iterator[Callable[..., CliStack]]:
    """Make stacks of inline programs whose toy provider writes to ``toy_store``."""
    stacks: list[CliStack] = []

    def make(program: Callable[[], None], **kwargs: Any) -> CliStack:
        env = {"TOY_STORE": str(toy_store), **kwargs.pop("env", {})}
        stack = CliStack(
            program,
            env=env,
            cli=pulumi_cli,
            work_dir=kwargs.pop("work_dir", tmp_path / f"stack-{len(stacks)}"),
            **kwargs,
        )
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.close()
