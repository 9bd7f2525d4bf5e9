"""The shared list cache: one list answers a burst of reads, and never outlives it or a write."""

from __future__ import annotations

import threading

import pytest
import requests

from omni_pulumi import listcache
from omni_pulumi.client import OmniClient
from omni_pulumi.clock import FakeClock
from omni_pulumi.errors import OmniServerError
from omni_pulumi.listcache import ListCache
from omni_pulumi.resources.connection_environment import ConnectionEnvironmentSpec
from omni_pulumi.resources.dbt_environment import DbtEnvironmentSpec
from omni_pulumi.resources.folder import FolderSpec
from tests.unit.conftest import BASE_URL, configured

ENVS = f"{BASE_URL}/api/v1/connection-environments"
FOLDERS = f"{BASE_URL}/api/v1/folders"
BASE = "550e8400-e29b-41d4-a716-446655440000"
IDS = [f"9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c{n:02d}" for n in range(10)]
CONNS = [f"6f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a{n:02d}" for n in range(10)]


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    """The provider's cache on a clock the test moves by hand."""
    fake = FakeClock()
    monkeypatch.setattr(listcache.LISTS, "clock", fake)
    return fake


def environments() -> dict:
    return {
        "connectionEnvironments": [
            {"id": id_, "baseConnectionId": BASE, "connectionId": conn, "userAttributeValues": []}
            for id_, conn in zip(IDS, CONNS, strict=True)
        ]
    }


def state(n: int) -> dict:
    return {
        "base_connection_id": BASE,
        "environment_connection_id": CONNS[n],
        "user_attribute_values": [],
    }


def list_calls(api, url: str) -> int:
    return sum(1 for c in api.calls if c.request.method == "GET" and c.request.url.startswith(url))


def test_a_refresh_of_ten_environments_lists_once(api, clock):
    api.get(ENVS, json=environments())
    provider = configured(ConnectionEnvironmentSpec())

    results = [provider.read(IDS[n], state(n)) for n in range(10)]

    assert [r.id for r in results] == IDS
    assert [r.outs["environment_connection_id"] for r in results] == CONNS
    assert list_calls(api, ENVS) == 1


def test_a_read_after_a_quiet_time_to_live_lists_again_and_sees_the_change(api, clock):
    api.get(ENVS, json=environments())
    provider = configured(ConnectionEnvironmentSpec())
    assert provider.read(IDS[0], state(0)).id == IDS[0]

    clock.advance(listcache.DEFAULT_TTL_SECONDS - 0.5)
    assert provider.read(IDS[1], state(1)).id == IDS[1]  # the same burst
    assert list_calls(api, ENVS) == 1

    api.replace("GET", ENVS, json={"connectionEnvironments": []})  # deleted outside Pulumi
    clock.advance(listcache.DEFAULT_TTL_SECONDS)  # no read for a time-to-live: the burst ended
    assert provider.read(IDS[0], state(0)).id == ""
    assert list_calls(api, ENVS) == 2


def test_a_busy_burst_lists_again_after_the_maximum_age(api, clock):
    api.get(ENVS, json=environments())
    provider = configured(ConnectionEnvironmentSpec())
    step = listcache.DEFAULT_TTL_SECONDS / 2
    reads = int(listcache.MAX_AGE_SECONDS / step)

    for n in range(reads):
        provider.read(IDS[n % 10], state(n % 10))
        clock.advance(step)
    assert list_calls(api, ENVS) == 1

    provider.read(IDS[0], state(0))
    assert list_calls(api, ENVS) == 2


@pytest.mark.parametrize("write", ["create", "update", "delete"])
def test_a_write_of_the_kind_drops_its_cached_list(api, clock, write):
    api.get(ENVS, json=environments())
    provider = configured(ConnectionEnvironmentSpec())
    provider.read(IDS[0], state(0))
    new_env = {"id": IDS[0], "baseConnectionId": BASE, "connectionId": CONNS[0]}
    api.post(ENVS, status=201, json={"connectionEnvironments": [new_env]})
    api.put(f"{ENVS}/{IDS[0]}", json={})
    api.delete(f"{ENVS}/{IDS[0]}", status=204)

    if write == "create":
        provider.create({**state(0), "adopt_id": None})
    elif write == "update":
        provider.update(IDS[0], state(0), {**state(0), "user_attribute_values": ["dev"]})
    else:
        provider.delete(IDS[0], state(0))
    provider.read(IDS[0], state(0))

    assert list_calls(api, ENVS) == 2
    api.assert_all_requests_are_fired = False


def test_a_failed_write_drops_the_list_too(api, clock):
    api.get(ENVS, json=environments())
    api.delete(f"{ENVS}/{IDS[0]}", status=500, json={"detail": "boom"})
    provider = configured(ConnectionEnvironmentSpec())
    provider.read(IDS[0], state(0))

    with pytest.raises(Exception, match="boom"):
        provider.delete(IDS[0], state(0))
    provider.read(IDS[0], state(0))

    assert list_calls(api, ENVS) == 2


def test_a_write_of_another_kind_keeps_the_list(api, clock):
    api.get(ENVS, json=environments())
    api.delete(f"{FOLDERS}/{IDS[0]}", status=204)
    envs = configured(ConnectionEnvironmentSpec())
    envs.read(IDS[0], state(0))

    configured(FolderSpec()).delete(IDS[0], {"name": "Finance"})
    envs.read(IDS[1], state(1))

    assert list_calls(api, ENVS) == 1


def test_dbt_environments_are_listed_once_per_connection(api, clock):
    record = {"id": IDS[0], "name": "prod", "targetSchema": "analytics", "variables": []}
    page = {"records": [record], "pageInfo": {"hasNextPage": False, "nextCursor": None}}
    for conn in CONNS[:2]:
        api.get(f"{BASE_URL}/api/v1/connections/{conn}/dbt/environments", json=page)
    provider = configured(DbtEnvironmentSpec())

    for _ in range(3):
        for conn in CONNS[:2]:
            assert provider.read(f"{conn}/{IDS[0]}", {"variables": []}).id == f"{conn}/{IDS[0]}"

    assert list_calls(api, f"{BASE_URL}/api/v1/connections/") == 2


# -- the cache alone ----------------------------------------------------------------------------


def client(base_url: str = BASE_URL) -> OmniClient:
    return OmniClient(base_url, "key", requests_per_minute=0, session=requests.Session())


def test_clients_and_queries_never_share_an_answer():
    cache = ListCache(clock=FakeClock())
    one, two = client(), client("https://other.omniapp.co")
    answers = iter([[{"n": 1}], [{"n": 2}], [{"n": 3}]])

    first = cache.records(one, "Folder", "/api/v1/folders", {"scope": "a"}, lambda: next(answers))
    other = cache.records(two, "Folder", "/api/v1/folders", {"scope": "a"}, lambda: next(answers))
    query = cache.records(one, "Folder", "/api/v1/folders", {"scope": "b"}, lambda: next(answers))

    assert (first, other, query) == ([{"n": 1}], [{"n": 2}], [{"n": 3}])


def test_a_failed_list_is_not_kept():
    cache = ListCache(clock=FakeClock())
    api = client()

    def fail():
        raise OmniServerError(503, "GET", "/api/v1/folders", "unavailable")

    with pytest.raises(OmniServerError):
        cache.records(api, "Folder", "/api/v1/folders", None, fail)
    assert cache.records(api, "Folder", "/api/v1/folders", None, lambda: [{"ok": 1}]) == [{"ok": 1}]


def test_a_list_fetched_while_a_write_ran_is_not_kept():
    cache = ListCache(clock=FakeClock())
    api = client()

    def fetch_during_a_write():
        cache.invalidate("Folder")  # another thread's write ends while this list is in flight
        return [{"before": "the write"}]

    cache.records(api, "Folder", "/api/v1/folders", None, fetch_during_a_write)
    assert cache.records(api, "Folder", "/api/v1/folders", None, lambda: [{"after": 1}]) == [
        {"after": 1}
    ]


def test_concurrent_reads_wait_for_one_list():
    cache = ListCache(clock=FakeClock())
    api = client()
    fetches: list[int] = []
    started, release = threading.Event(), threading.Event()

    def fetch():
        fetches.append(1)
        started.set()
        release.wait(timeout=10)
        return [{"id": "x"}]

    results: list[list] = []

    def read() -> None:
        results.append(cache.records(api, "Folder", "/p", None, fetch))

    threads = [threading.Thread(target=read) for _ in range(8)]
    threads[0].start()
    assert started.wait(timeout=10)
    for thread in threads[1:]:
        thread.start()  # these arrive while the first list is still in flight
    release.set()
    for thread in threads:
        thread.join(timeout=10)

    assert results == [[{"id": "x"}]] * 8
    assert fetches == [1]
