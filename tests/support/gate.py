"""What a green run covered, and the parts that may not go missing under CI.

Under CI (``CI=true``) the engine tests (marker ``engine``), the contract tests (marker
``contract``) and the per-request spec check of the emulator tests must all run: a missing or
wrong-version Pulumi CLI, a missing OpenAPI document or a spec check that is off fails the run with
one line saying why. Elsewhere they skip, saying how to enable them. ``tests/conftest.py`` feeds
:data:`TALLY` from pytest's reports and prints :func:`coverage_line` at the end of every run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import NoReturn

import pytest


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def unavailable(what: str, reason: str) -> NoReturn:
    """Fail under CI, skip elsewhere; ``reason`` says why and how to get ``what``."""
    if on_ci():
        pytest.fail(f"CI=true and {what} cannot run: {reason}", pytrace=False)
    pytest.skip(f"{what}: {reason}")


@dataclass
class Counts:
    run: int = 0
    skipped: int = 0
    #: Errored before the test body ran (e.g. a fixture failing under CI).
    errored: int = 0

    def text(self) -> str:
        extra = f", {self.errored} errored" if self.errored else ""
        return f"{self.run} run, {self.skipped} skipped{extra}"


@dataclass
class Tally:
    engine: Counts = field(default_factory=Counts)
    contract: Counts = field(default_factory=Counts)
    #: Emulator exchanges validated against the spec, and emulator tests whose exchanges were not.
    spec_checked_exchanges: int = 0
    spec_unchecked_tests: int = 0
    spec_off_reason: str | None = None

    def record(self, report: pytest.TestReport) -> None:
        """Count one report. Everything counted travels in the report's ``user_properties``, so
        the tally is the same whether the tests ran here or in pytest-xdist workers."""
        properties = report.user_properties
        if report.when == "teardown":  # once per test, with what its fixtures noted
            for key, value in properties:
                if key == SPEC_CHECKED:
                    self.spec_checked_exchanges += value
                elif key == SPEC_OFF:
                    self.spec_unchecked_tests += 1
                    self.spec_off_reason = value
        categories = dict(properties).get("gate", [])
        for name in categories:
            counts: Counts = getattr(self, name)
            if report.skipped:
                counts.skipped += 1
            elif report.when == "call":
                counts.run += 1
            elif report.when == "setup" and report.failed:
                counts.errored += 1

    def spec_check(self) -> str:
        if self.spec_unchecked_tests:
            return (
                f"spec check off for {self.spec_unchecked_tests} emulator tests "
                f"({self.spec_off_reason})"
            )
        return f"spec check on ({self.spec_checked_exchanges} exchanges checked)"

    def problems_under_ci(self) -> list[str]:
        """Why this run must not count as green under CI (empty when nothing went missing)."""
        found = []
        if self.engine.skipped:
            found.append(f"{self.engine.skipped} engine tests skipped")
        if self.contract.skipped:
            found.append(f"{self.contract.skipped} contract tests skipped")
        if self.spec_unchecked_tests:
            found.append(f"the spec check was off ({self.spec_off_reason})")
        return found


TALLY = Tally()
#: ``user_properties`` keys the spec check notes on a test (see :func:`spec_checked`).
SPEC_CHECKED, SPEC_OFF = "spec_checked_exchanges", "spec_check_off"


def spec_checked(item: pytest.Item, exchanges: int) -> None:
    """Note on the test that ``exchanges`` emulator exchanges were checked against the spec."""
    item.user_properties.append((SPEC_CHECKED, exchanges))


def spec_off(item: pytest.Item, reason: str) -> None:
    """Note on the test that its emulator ran without the spec check, and why."""
    item.user_properties.append((SPEC_OFF, reason))


#: Markers whose tests are counted in the coverage line.
CATEGORIES = ("engine", "contract")


def coverage_line() -> str:
    return (
        f"coverage: engine tests {TALLY.engine.text()}; "
        f"contract tests {TALLY.contract.text()}; {TALLY.spec_check()}"
    )
