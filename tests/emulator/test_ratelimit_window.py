"""The emulator's admission rule is Omni's: N per key in any 60 seconds, a window, not a bucket."""

from __future__ import annotations

from omni_pulumi.emulator.ratelimit import RateLimiter


class FakeEmulatorClock:
    def __init__(self) -> None:
        self.time = 0.0

    def now(self) -> float:
        return self.time

    def to_real_seconds(self, emulated: float) -> float:
        return emulated


def test_an_idle_key_may_send_the_whole_window_at_once_then_waits_for_the_first_to_leave():
    clock = FakeEmulatorClock()
    limit = RateLimiter(60, clock, record=True)
    assert [limit.admit("k") for _ in range(60)] == [None] * 60
    assert limit.admit("k") == 60.0  # refused: Retry-After is the wait for the first to leave
    clock.time = 59.5
    assert limit.admit("k") == 1.0
    clock.time = 60.0  # the first 60 left the window [0, 60): 60 more may go
    assert [limit.admit("k") for _ in range(60)] == [None] * 60
    assert limit.admit("k") == 60.0
    assert len(limit.admissions) == 120


def test_keys_have_their_own_windows():
    clock = FakeEmulatorClock()
    limit = RateLimiter(2, clock)
    assert [limit.admit("a"), limit.admit("a"), limit.admit("b")] == [None, None, None]
    assert limit.admit("a") is not None
    assert limit.admissions is None  # not recording


def test_no_window_of_60_seconds_ever_holds_more_than_the_limit():
    clock = FakeEmulatorClock()
    limit = RateLimiter(5, clock, record=True)
    for step in range(2000):
        clock.time = step * 0.37
        limit.admit("k")
    times = [t for _, t in limit.admissions]
    assert all(times[i + 5] - times[i] >= 60 for i in range(len(times) - 5))
