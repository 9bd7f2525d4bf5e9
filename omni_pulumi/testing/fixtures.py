"""Pytest fixtures for the engine-protocol harness.

Use them from a ``conftest.py``::

    from omni_pulumi.testing.fixtures import harness_stack_factory  # noqa: F401

then ``stack = harness_stack_factory(program, config={...})`` in a test. Every stack gets its own
state file under ``tmp_path`` and its provider host is stopped when the test ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .harness import HarnessStack
from .harness.program import Program


@pytest.fixture
def harness_stack_factory(tmp_path: Path) -> Iterator[Callable[..., HarnessStack]]:
    """Make :class:`HarnessStack` objects (same arguments) that are closed after the test."""
    stacks: list[HarnessStack] = []

    def make(program: Program, **kwargs: Any) -> HarnessStack:
        kwargs.setdefault("state_file", tmp_path / f"state-{len(stacks)}.json")
        stack = HarnessStack(program, **kwargs)
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.close()


@pytest.fixture
def omni_stack_factory(
    harness_stack_factory: Callable[..., HarnessStack],
) -> Callable[..., HarnessStack]:
    """Make a stack pointed at an Omni API (an ``Emulator``'s ``base_url``, usually):
    ``omni_stack_factory(program, base_url=emu.base_url, api_key=key, config={...})`` sets
    ``omni:baseUrl`` and the secret ``omni:apiKey`` like ``pulumi config set [--secret]`` would."""

    def make(program: Program, *, base_url: str, api_key: str, **kwargs: Any) -> HarnessStack:
        kwargs["config"] = {"omni:baseUrl": base_url, **kwargs.get("config", {})}
        kwargs["secret_config"] = {"omni:apiKey": api_key, **kwargs.get("secret_config", {})}
        return harness_stack_factory(program, **kwargs)

    return make
