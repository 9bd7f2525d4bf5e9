"""Fixtures and hooks for every test directory.

The hooks keep the run honest: every run ends with one coverage line (engine tests, contract tests,
spec check), and under CI (``CI=true``) a run that skipped engine or contract tests, or ran
emulator tests without the spec check, fails (see ``tests/support/gate.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from omni_pulumi.budget import CACHE_DIR_ENV
from omni_pulumi.listcache import LISTS
from tests.support import gate


@pytest.fixture(autouse=True)
def _own_request_budget(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    """Each test has its own rate-limit budget files (and provider hosts it starts inherit them):
    fake clocks all start at the same wall time, so a shared file would carry one test's spending
    into the next, and no test may write to the user's cache."""
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path_factory.mktemp("omni-cache")))


@pytest.fixture(autouse=True)
def _fresh_list_cache() -> Iterator[None]:
    """Each test is its own operation: a list cached by an earlier test (same client, same
    settings) must not answer this one's reads. Under a real engine each operation is a new
    provider host, so the cache never spans operations there either."""
    LISTS.clear()
    yield
    LISTS.clear()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.user_properties.append(
            ("gate", [c for c in gate.CATEGORIES if item.get_closest_marker(c)])
        )


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    gate.TALLY.record(report)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if gate.on_ci() and exitstatus == pytest.ExitCode.OK and gate.TALLY.problems_under_ci():
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_unconfigure(config: pytest.Config) -> None:
    """The run's last lines, after pytest's own summary, whether tests failed or not."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or config.option.collectonly:
        return
    problems = gate.TALLY.problems_under_ci()
    if gate.on_ci() and problems:
        reporter.write_line(
            "CI=true: this run does not count as green: " + "; ".join(problems), red=True
        )
    reporter.write_line(gate.coverage_line())
