"""Time, behind a seam: the rate limiter and the retry loop wait through a :class:`Clock`.

Tests pass a fake clock so that a minute of backoff or queueing costs no real time; production code
uses :data:`SYSTEM_CLOCK`.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
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
