"""Fixtures for every test directory."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from omni_pulumi.listcache import LISTS


@pytest.fixture(autouse=True)
def _fresh_list_cache() -> Iterator[None]:
    """Each test is its own operation: a list cached by an earlier test (same client, same
    settings) must not answer this one's reads. Under a real engine each operation is a new
    provider host, so the cache never spans operations there either."""
    LISTS.clear()
    yield
    LISTS.clear()
