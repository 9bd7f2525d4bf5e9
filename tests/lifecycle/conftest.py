"""The lifecycle suite: every resource through the engine-protocol harness against the emulator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from omni_pulumi.client import OmniClient
from omni_pulumi.emulator import Emulator
from omni_pulumi.testing.harness import HarnessStack

from .scenarios import World

API_KEY = "lifecycle-org-key"


@pytest.fixture
def world() -> Iterator[World]:
    with Emulator(api_key=API_KEY, rate_limit=0) as emulator:
        emulator.job_polls_in_progress = 0  # schema refresh jobs finish at their first poll
        users = [emulator.seed_user(f"user{i}@example.com") for i in range(3)]
        client = OmniClient(emulator.base_url, API_KEY, requests_per_minute=0)
        yield World(emulator=emulator, client=client, users=users)


@pytest.fixture
def stack(world: World, tmp_path) -> Iterator[Callable[[Callable[[], None]], HarnessStack]]:
    """Make a harness stack pointed at the world's emulator, closed after the test."""
    made: list[HarnessStack] = []

    def make(program: Callable[[], None], **kwargs: Any) -> HarnessStack:
        made.append(
            HarnessStack(
                program,
                # The emulator's rate limit is off, so the provider need not pace itself either:
                # pacing is the unit tests' and the benchmark's subject, not this suite's.
                config={"omni:baseUrl": world.emulator.base_url, "omni:requestsPerMinute": "0"},
                secret_config={"omni:apiKey": API_KEY},
                state_file=tmp_path / f"state-{len(made)}.json",
                **kwargs,
            )
        )
        return made[-1]

    yield make
    for each in made:
        each.close()
