"""Fixtures for every test directory."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from omni_pulumi.budget import CACHE_DIR_ENV
from omni_pulumi.listcache import LISTS


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
