"""Omni's limit of N requests a minute per API key, as a sliding window on the emulator clock.

Strict, as Omni documents it: a request is admitted when fewer than N requests of its key were
admitted in the 60 emulated seconds before it (a request admitted at t leaves the window at
t + 60), so no 60-second window ever holds more than N. Not a token bucket: an idle key may send
N at once, and the N+1st waits for the first to leave.
"""

from __future__ import annotations

import math
import threading
from collections import defaultdict, deque

from .clock import Clock

WINDOW_SECONDS = 60.0


class RateLimiter:
    def __init__(self, per_minute: int, clock: Clock, *, record: bool = False) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._lock = threading.Lock()
        self._seen: dict[str, deque[float]] = defaultdict(deque)
        #: Every admission as (key, emulated time), when recording (benchmarks compute floors).
        self.admissions: list[tuple[str, float]] | None = [] if record else None

    def admit(self, key: str) -> float | None:
        """Count the request, or refuse it: returns the real seconds to wait, rounded up.

        Retry-After is given in whole real seconds (at least 1), as HTTP's delay-seconds is an
        integer; with ``time_scale`` > 1 a client may therefore wait a little longer than needed.
        """
        if self.per_minute <= 0:
            return None
        now = self.clock.now()
        with self._lock:
            seen = self._seen[key]
            while seen and seen[0] <= now - WINDOW_SECONDS:
                seen.popleft()
            if len(seen) < self.per_minute:
                seen.append(now)
                if self.admissions is not None:
                    self.admissions.append((key, now))
                return None
            wait = self.clock.to_real_seconds(seen[0] + WINDOW_SECONDS - now)
        return float(max(1, math.ceil(wait)))

    def reset(self) -> None:
        with self._lock:
            self._seen.clear()
