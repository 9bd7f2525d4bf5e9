"""The key's window: spend it at once, then as it frees; the 429 switch; sharing across threads."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import responses

from omni_pulumi import ratelimit
from omni_pulumi.budget import MemoryBudget, Record
from omni_pulumi.client import OmniClient
from omni_pulumi.clock import FakeClock
from omni_pulumi.ratelimit import (
    FUTURE_LIMIT_SECONDS,
    WINDOW_GUARD_SECONDS,
    RateLimiter,
    limiter_for,
)

BASE = "https://acme.omniapp.co"
EPOCH = datetime(2026, 7, 22, 12, 0, 0, tzinfo=timezone.utc)


class PerThreadClock:
    """Each thread has its own time, advanced only by its own sleeps.

    With this clock a thread's time after ``acquire()`` is exactly the start time the limiter gave
    it (HTTP calls take no time), so concurrent tests are exact instead of racing a shared clock.
    """

    def __init__(self, start: float = 0.0) -> None:
        self._start = start
        self._local = threading.local()

    def monotonic(self) -> float:
        return getattr(self._local, "time", self._start)

    def sleep(self, seconds: float) -> None:
        self._local.time = self.monotonic() + max(0.0, seconds)

    def now(self) -> datetime:
        return EPOCH + timedelta(seconds=self.monotonic())


def most_in_any_window(times: list[float], window: float) -> int:
    """The largest number of start times inside any half-open window [t, t + window)."""
    times = sorted(times)
    best, first = 0, 0
    for last, t in enumerate(times):
        while t - times[first] >= window - 1e-9:
            first += 1
        best = max(best, last - first + 1)
    return best


def fresh_key() -> str:
    return f"key-{uuid.uuid4()}"


def floor_seconds(calls: int, limit: int = 60) -> float:
    """Omni's floor for ``calls`` from an idle key: (⌈C/limit⌉ - 1) minutes, plus our guards."""
    minutes = -(-calls // limit) - 1
    return minutes * (60 + WINDOW_GUARD_SECONDS)


def starts_of(limiter: RateLimiter, clock: FakeClock, n: int) -> list[float]:
    out = []
    for _ in range(n):
        limiter.acquire()
        out.append(clock.monotonic())
    return out


def test_an_idle_key_spends_its_whole_window_at_once():
    clock = FakeClock()
    limiter = RateLimiter(60, clock=clock)
    waits = [limiter.acquire() for _ in range(60)]
    assert waits == [0] * 60
    # The 61st waits for the 1st to leave the window (and the guard), not one second.
    assert limiter.acquire() == pytest.approx(60 + WINDOW_GUARD_SECONDS)


@pytest.mark.parametrize("calls", [1, 59, 60, 61, 150, 300])
def test_calls_from_an_idle_key_take_omnis_floor(calls):
    clock = FakeClock()
    begin = clock.monotonic()
    starts = starts_of(RateLimiter(60, clock=clock), clock, calls)
    assert starts[-1] - begin == pytest.approx(floor_seconds(calls))
    assert most_in_any_window(starts, 60.0) == min(calls, 60)


def test_then_it_sends_as_the_window_frees():
    clock = FakeClock()
    limiter = RateLimiter(60, clock=clock)
    for _ in range(10):
        limiter.acquire()
        clock.advance(3.0)  # 10 requests, 3 s apart, then 60 more at once
    begin = clock.monotonic()
    starts = starts_of(limiter, clock, 60)
    assert starts[49] == begin  # 50 fit into the window now
    # the other 10 follow the first 10 out of the window, 3 s apart
    assert [s - begin for s in starts[50:]] == pytest.approx(
        [60 + WINDOW_GUARD_SECONDS - 30 + 3 * i for i in range(10)]
    )


def test_never_more_than_the_limit_in_any_60_seconds_even_after_idle_pauses():
    clock = FakeClock()
    limiter = RateLimiter(60, clock=clock)
    starts = []
    for round_ in range(6):
        starts += starts_of(limiter, clock, 70)
        clock.advance(7.0 * round_)
    assert len(starts) == 420
    assert most_in_any_window(starts, 60.0) == 60


def test_a_raised_limit_is_spent_the_same_way():
    clock = FakeClock()
    begin = clock.monotonic()
    starts = starts_of(RateLimiter(500, clock=clock), clock, 1200)
    assert starts[499] == begin
    assert starts[-1] - begin == pytest.approx(floor_seconds(1200, 500))
    assert most_in_any_window(starts, 60.0) == 500


def test_hold_for_pauses_every_caller():
    clock = FakeClock()
    limiter = RateLimiter(60, clock=clock)
    limiter.hold_for(30)
    assert limiter.acquire() == pytest.approx(30)


def test_a_429_switches_the_key_to_paced_sending_and_says_so_once(capsys):
    clock = FakeClock()
    limiter = RateLimiter(60, clock=clock)
    starts_of(limiter, clock, 5)
    assert limiter.refused() is True
    assert limiter.refused() is False
    begin = clock.monotonic()
    paced = starts_of(limiter, clock, 4)
    assert [s - begin for s in paced] == pytest.approx([1.0, 2.0, 3.0, 4.0])
    err = capsys.readouterr()
    assert err.out == ""
    assert err.err.count("omni-pulumi: Omni refused a request") == 1
    assert "paced evenly, one every 1 s" in err.err


def test_paced_sending_still_keeps_the_window():
    clock = FakeClock()
    limiter = RateLimiter(120, clock=clock)  # paced at 0.5 s: 120 a minute fit exactly
    limiter.refused()
    starts = starts_of(limiter, clock, 400)
    assert most_in_any_window(starts, 60.0) <= 120


def test_a_late_wake_up_moves_the_record_to_the_real_start():
    class LateClock(FakeClock):
        def sleep(self, seconds: float) -> None:
            super().sleep(seconds + 2.0)  # a loaded machine wakes the thread 2 s late

    clock = LateClock()
    budget = MemoryBudget()
    limiter = RateLimiter(60, clock=clock, budget=budget)
    starts_of(limiter, clock, 61)
    record = budget.transact(Record.copy)
    first = EPOCH.timestamp() + 0.0  # FakeClock's wall time starts at EPOCH
    assert record.starts[-1] == pytest.approx(first + 60 + WINDOW_GUARD_SECONDS + 2.0)


def test_starts_far_in_the_future_are_a_clock_that_jumped_back_and_are_dropped():
    clock = FakeClock()
    now = clock.now().timestamp()
    budget = MemoryBudget(Record([now + FUTURE_LIMIT_SECONDS + 100] * 60, not_before=now + 1e6))
    assert RateLimiter(60, clock=clock, budget=budget).acquire() == 0


def test_threads_sharing_one_limiter_stay_within_the_window():
    clock = PerThreadClock()
    limiter = RateLimiter(60, clock=clock)
    starts: list[float] = []
    lock = threading.Lock()

    def worker():
        for _ in range(25):
            limiter.acquire()
            with lock:
                starts.append(clock.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(starts) == 250
    assert most_in_any_window(starts, 60.0) == 60
    assert max(starts) == pytest.approx(floor_seconds(250))


def test_clients_of_one_key_share_the_budget_across_threads():
    """Ten parallel Pulumi operations through separate clients queue on one key's budget."""
    clock = PerThreadClock()
    key = fresh_key()
    received: list[float] = []
    lock = threading.Lock()

    def record(request):
        with lock:
            received.append(clock.monotonic())
        return (200, {}, '{"ok": true}')

    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, f"{BASE}/api/v1/labels", callback=record)

        def worker():
            client = OmniClient(BASE, key, requests_per_minute=60, clock=clock)
            for _ in range(15):
                client.get("/api/v1/labels")

        threads = [threading.Thread(target=worker) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert len(received) == 150
    assert most_in_any_window(received, 60.0) == 60


def test_a_429_with_retry_after_holds_back_every_thread_using_the_key():
    """Thread A is refused with Retry-After: 30; thread B, asking meanwhile, waits those 30 s too."""
    b_done = threading.Event()

    class Clock(PerThreadClock):
        def sleep(self, seconds):
            if threading.current_thread().name == "A":
                b_done.wait(timeout=60)  # A's backoff lasts until B has made its request
            super().sleep(seconds)

    clock = Clock()
    key = fresh_key()
    refused = threading.Event()
    sent_at: dict[str, float] = {}

    def labels(request):
        if not refused.is_set():
            refused.set()
            return (429, {"Retry-After": "30"}, "")
        return (200, {}, "[]")

    def folders(request):
        sent_at["B"] = clock.monotonic()
        return (200, {}, "[]")

    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, f"{BASE}/api/v1/labels", callback=labels)
        mock.add_callback(responses.GET, f"{BASE}/api/v1/folders", callback=folders)
        first = threading.Thread(
            target=lambda: OmniClient(BASE, key, clock=clock).get("/api/v1/labels"), name="A"
        )
        first.start()
        assert refused.wait(timeout=10)
        # Poll until A has told the shared limiter about the 429 (it then sleeps until b_done).
        limiter = limiter_for(BASE, key, 60, clock)
        deadline = time.monotonic() + 5
        while not limiter.paced and time.monotonic() < deadline:
            time.sleep(0.001)
        try:
            OmniClient(BASE, key, clock=clock).get("/api/v1/folders")
        finally:
            b_done.set()
            first.join(timeout=10)
    # B's own clock had not moved, yet its request waited for the 30 s Omni asked A to wait.
    assert sent_at["B"] >= 30


def test_the_registry_shares_per_instance_and_key_and_never_holds_the_key():
    clock = FakeClock()
    key = fresh_key()
    one = limiter_for(BASE, key, 60, clock)
    assert limiter_for(BASE, key, 60, clock) is one
    assert limiter_for(BASE, fresh_key(), 60, clock) is not one
    assert limiter_for("https://other.omniapp.co", key, 60, clock) is not one
    assert key not in repr(ratelimit._registry)


def test_the_latest_rate_for_a_key_wins():
    clock = FakeClock()
    key = fresh_key()
    limiter = limiter_for(BASE, key, 60, clock)
    assert limiter_for(BASE, key, 500, clock) is limiter
    assert limiter.requests_per_minute == 500
    assert limiter.limit == 500


def test_zero_turns_the_limit_off():
    assert limiter_for(BASE, fresh_key(), 0) is None


def test_a_rate_below_one_a_minute_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        RateLimiter(0.5)


def test_the_window_counts_from_each_answer_so_a_slow_send_never_reopens_it_early():
    """Omni counts a request when it arrives, which can be well after the limiter's start on a
    loaded machine: the client dates each request by its answer, the latest Omni can have counted
    it, so the 61st request waits a minute from the first one's answer, not from its start."""
    clock = FakeClock()
    arrivals: list[float] = []

    def answer(_request):
        if not arrivals:
            clock.advance(2.0)  # the first request reaches Omni 2 s after its start
        arrivals.append(clock.monotonic())
        return (200, {}, "[]")

    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, f"{BASE}/api/v1/labels", callback=answer)
        client = OmniClient(BASE, fresh_key(), clock=clock)
        for _ in range(61):
            client.get("/api/v1/labels")
    assert most_in_any_window(arrivals, 60) == 60
    assert arrivals[60] - arrivals[0] == pytest.approx(60 + WINDOW_GUARD_SECONDS)


def test_a_start_reserved_while_an_older_request_had_no_answer_waits_for_that_answer():
    """Pulumi runs several requests at once: the 61st can be reserved while the 1st is still in
    flight, dated by its start then. When the 1st's answer comes later, the 61st, on waking,
    waits for the window as answered, not as it was when it reserved."""
    clock = FakeClock()
    limiter = RateLimiter(2, clock=clock)  # two requests in any 60 s
    first, _ = limiter.reserve()  # in flight: no answer yet
    second, _ = limiter.reserve()
    clock.advance(1)
    limiter.settle(second)  # answered at t+1
    third, wait = limiter.reserve()
    assert wait == pytest.approx(59 + WINDOW_GUARD_SECONDS)  # counted from the first's start
    clock.advance(2)
    limiter.settle(first)  # the first's answer came at t+3: Omni may have counted it then
    began = limiter.wait_for(third, wait - 2)
    # Dated by answers, the window holds t+1 and t+3: the third starts when t+1 leaves it, a
    # second later than reserved (when the first's start, t, seemed to leave it).
    assert began - first == pytest.approx(1 + 60 + WINDOW_GUARD_SECONDS)
    assert began - third == pytest.approx(1)
