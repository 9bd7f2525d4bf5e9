"""Fixtures that make stacks of the examples' programs, through either engine."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from omni_pulumi.testing.harness import HarnessStack
from omni_pulumi.testing.pulumi_cli import CliStack, require_pulumi_cli

from .support import API_KEY, EXAMPLE_SECRETS, PASSPHRASE, Example, Stack, StackFactory


@pytest.fixture(scope="session")
def pulumi_cli() -> Path:
    return require_pulumi_cli()


@pytest.fixture(params=["harness", pytest.param("cli", marks=pytest.mark.engine)])
def engine(request: pytest.FixtureRequest) -> str:
    """Which engine runs the example: the engine-protocol harness, or the real Pulumi CLI."""
    if request.param == "cli":
        request.getfixturevalue("pulumi_cli")
    return request.param


@pytest.fixture
def example_stack(
    engine: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[StackFactory]:
    """Make a stack of an example, pointed at an emulator, with the example's stack file.

    ``example_stack(example, stack, base_url, config=..., secret_config=...)``: ``config`` and
    ``secret_config`` add to (and win over) the stack file; ``omni:baseUrl`` and ``omni:apiKey``
    always point at the test's emulator, whose unlimited rate ``omni:requestsPerMinute`` follows.
    """
    made: list[Any] = []

    def make(
        example: Example,
        stack: str,
        base_url: str,
        *,
        config: Mapping[str, Any] | None = None,
        secret_config: Mapping[str, Any] | None = None,
    ) -> Stack:
        # The emulator has no rate limit to respect: pacing would only slow the test down.
        config = {**(config or {}), "omni:baseUrl": base_url, "omni:requestsPerMinute": 0}
        secret_config = {**(secret_config or {}), "omni:apiKey": API_KEY}
        common = dict(project=example.project, stack=stack)
        if engine == "cli":
            work_dir = tmp_path / f"{example.name}-{stack}"
            work_dir.mkdir()
            if example.stack_file(stack).exists():
                shutil.copy(example.stack_file(stack), work_dir)
            made.append(
                CliStack(
                    example.program(),
                    **common,
                    config=config,
                    secret_config=secret_config,
                    env={"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE},
                    work_dir=work_dir,
                    cli=request.getfixturevalue("pulumi_cli"),
                )
            )
        else:
            plain, secret_keys = example.stack_config(stack)
            placeholders = EXAMPLE_SECRETS.get(example.name, {}).get(stack, {})
            missing = secret_keys - set(placeholders)
            assert not missing, f"EXAMPLE_SECRETS lacks {sorted(missing)} of {example.name}/{stack}"
            made.append(
                HarnessStack(
                    example.program(),
                    **common,
                    config={**plain, **config},
                    secret_config={**placeholders, **secret_config},
                    state_file=tmp_path / f"{example.name}-{stack}.json",
                )
            )
        return made[-1]

    yield make
    for stack in made:
        stack.close()
