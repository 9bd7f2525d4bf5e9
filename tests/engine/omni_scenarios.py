"""The lifecycle suite's scenarios (``tests/lifecycle``), made usable by the real-engine tests.

The scenarios describe each resource once; this module gives them what they expect around them (a
seeded emulator as their :class:`World`) and the programs built from them, so the engine tests run
the same data through ``pulumi`` that the lifecycle suite runs through the harness.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from omni_pulumi.client import OmniClient
from omni_pulumi.emulator import Emulator

# The lifecycle package imports as `lifecycle.*`, as pytest names it when it collects it (its
# nearest directory without an __init__.py is tests/).
_TESTS = str(Path(__file__).resolve().parents[1])
if _TESTS not in sys.path:
    sys.path.append(_TESTS)

from lifecycle.scenarios import SCENARIOS, Scenario, World  # noqa: E402

__all__ = [
    "API_KEY",
    "SCENARIOS",
    "SUBJECT",
    "Scenario",
    "World",
    "find_resource",
    "omni_world",
    "program",
]

API_KEY = "engine-org-key"
#: The scenario's resource under test; dependencies have other names.
SUBJECT = "subject"


@contextmanager
def omni_world(api_key: str = API_KEY) -> Iterator[World]:
    """A fresh emulator with three users, as the lifecycle suite seeds it."""
    with Emulator(api_key=api_key, rate_limit=0) as emulator:
        emulator.job_polls_in_progress = 0  # schema refresh jobs finish at their first poll
        users = [emulator.seed_user(f"user{i}@example.com") for i in range(3)]
        client = OmniClient(emulator.base_url, api_key, requests_per_minute=0)
        yield World(emulator=emulator, client=client, users=users)


def program(scenario: Scenario, world: World, *overrides: Callable[..., dict[str, Any]]):
    """The scenario's program: its dependencies and the subject, arguments overridden in order."""

    def run() -> None:
        deps = scenario.deps(world)
        args = scenario.args(world, deps)
        for override in overrides:
            args.update(override(world, deps))
        scenario.resource(SUBJECT, **args)

    return run


def find_resource(state: dict[str, Any], name: str = SUBJECT) -> dict[str, Any] | None:
    """The exported state's entry for the resource named ``name``."""
    for resource in state["deployment"].get("resources") or []:
        if resource["urn"].endswith(f"::{name}"):
            return resource
    return None
