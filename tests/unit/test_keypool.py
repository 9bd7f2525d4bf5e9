"""Several keys of one organization: each its own window, each request to the freest key."""

from __future__ import annotations

import uuid

import pytest
import responses

from omni_pulumi.client import OmniClient
from omni_pulumi.clock import FakeClock
from omni_pulumi.keypool import KeyPool
from omni_pulumi.ratelimit import WINDOW_GUARD_SECONDS

BASE = "https://acme.omniapp.co"


def keys(n: int) -> list[str]:
    return [f"key-{i}-{uuid.uuid4()}" for i in range(n)]


def sent_with(pool: KeyPool, clock: FakeClock, n: int) -> list[tuple[str, float]]:
    out = []
    for _ in range(n):
        slot = pool.acquire().slot
        out.append((slot.label, clock.monotonic()))
    return out


@pytest.mark.parametrize("count", [1, 2, 4])
def test_k_keys_start_k_windows_at_once(count):
    clock = FakeClock()
    begin = clock.monotonic()
    pool = KeyPool(BASE, keys(count), 60, clock)
    sent = sent_with(pool, clock, 60 * count + 1)
    assert all(t == begin for _, t in sent[:-1])
    assert sent[-1][1] - begin == pytest.approx(60 + WINDOW_GUARD_SECONDS)
    # spread evenly: every key took exactly its window
    for slot in pool.slots:
        assert sum(1 for label, _ in sent[:-1] if label == slot.label) == 60


def test_300_calls_over_4_keys_take_one_minute_where_one_key_takes_four():
    clock = FakeClock()
    begin = clock.monotonic()
    sent_with(KeyPool(BASE, keys(4), 60, clock), clock, 300)
    assert clock.monotonic() - begin == pytest.approx(60 + WINDOW_GUARD_SECONDS)


def test_a_request_goes_to_the_key_whose_window_frees_first():
    clock = FakeClock()
    a, b = keys(2)
    pool = KeyPool(BASE, [a, b], 60, clock)
    first, second = pool.slots
    for _ in range(60):
        first.limiter.acquire()  # key 1's window fills at t=0
    clock.advance(10)
    for _ in range(60):
        second.limiter.acquire()  # key 2's at t=10
    slot = pool.acquire().slot
    assert slot is first
    assert clock.monotonic() == pytest.approx(1000 + 60 + WINDOW_GUARD_SECONDS)


def test_a_429_on_one_key_sends_the_retry_to_another_at_once(capsys):
    clock = FakeClock()
    a, b = keys(2)
    used: list[str] = []

    def answer(request):
        used.append(request.headers["Authorization"])
        if len(used) == 1:
            return (429, {"Retry-After": "30"}, "")
        return (200, {}, "[]")

    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, f"{BASE}/api/v1/labels", callback=answer)
        client = OmniClient(BASE, [a, b], clock=clock)
        begin = clock.monotonic()
        client.get("/api/v1/labels")
    assert used == [f"Bearer {a}", f"Bearer {b}"]
    assert clock.monotonic() == begin  # nobody waited the 30 s: key 2 was free
    err = capsys.readouterr().err
    assert "API key 1 of 2 (429" in err and a not in err and b not in err


def test_unlimited_keys_take_turns():
    pool = KeyPool(BASE, keys(3), 0, FakeClock())
    assert [pool.acquire().slot.label for _ in range(4)] == [
        "API key 1 of 3",
        "API key 2 of 3",
        "API key 3 of 3",
        "API key 1 of 3",
    ]


def test_an_error_message_never_shows_any_of_the_keys():
    a, b = keys(2)
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, f"{BASE}/api/v1/labels", status=401, body=f"bad token {a} {b}")
        client = OmniClient(BASE, [a, b], requests_per_minute=0)
        with pytest.raises(Exception) as caught:
            client.get("/api/v1/labels")
    assert a not in str(caught.value) and b not in str(caught.value)


def test_unlimited_keys_still_back_off_after_a_429():
    clock = FakeClock()
    answers = iter([(429, {"Retry-After": "7"}, ""), (200, {}, "[]")])
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, f"{BASE}/api/v1/labels", callback=lambda r: next(answers))
        OmniClient(BASE, keys(2), requests_per_minute=0, clock=clock).get("/api/v1/labels")
    assert clock.sleeps == [7.0]
