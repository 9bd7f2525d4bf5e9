"""Time, behind a seam: the rate limiter and the retry loop wait through a :class:`Clock`.

Tests pass a :class:`FakeClock` so that a minute of backoff or queueing costs no real time;
production code uses :data:`SYSTEM_CLOCK`.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    """What the client needs to know about time."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (only differences are meaningful)."""

    def sleep(self, seconds: float) -> None:
        """Block the calling thread for ``seconds``."""

    def now(self) -> datetime:
        """Wall-clock time, timezone-aware, to compare with HTTP dates (``Retry-After``)."""


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def now(self) -> datetime:
        return datetime.now(timezone.utc)


SYSTEM_CLOCK: Clock = SystemClock()


class FakeClock:
    """A clock for tests: ``sleep`` advances time at once and is recorded, nothing really waits.

    Lets tests of the rate limiter, retries and ``Retry-After`` run a minute of waiting in
    microseconds, and lets the lifecycle engine's tests do the same through an injected client.
    """

    def __init__(self, start: float = 1000.0, wall: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._time = start
        self._wall = wall or datetime(2026, 7, 22, 12, 0, 0, tzinfo=timezone.utc)
        self._start = start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        with self._lock:
            return self._time

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self._time += max(0.0, seconds)

    def now(self) -> datetime:
        with self._lock:
            return self._wall + timedelta(seconds=self._time - self._start)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._time += seconds
