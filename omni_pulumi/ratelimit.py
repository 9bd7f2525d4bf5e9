"""A process-wide request budget per Omni API key.

Omni allows 60 requests a minute per API key and answers 429 beyond that. Pulumi runs many resource
operations in parallel threads of one provider host process, so the budget is shared state of the
process: every :class:`~omni_pulumi.client.OmniClient` for the same instance and key draws from one
:class:`RateLimiter`, and threads queue for their turn instead of collecting 429s.

Two rules decide when a request may start, and a request waits for both:

* a token bucket refilled at ``requests_per_minute / 60`` per second that holds at most ``burst``
  tokens, so after a pause a few requests go at once (a ``pulumi up`` usually starts with a handful
  of parallel reads) and afterwards requests are spaced evenly;
* a sliding window: at most ``requests_per_minute`` starts in any 60 seconds. The bucket alone would
  allow ``burst`` extra requests in the minute that follows a pause; the window removes them, so the
  per-minute rate holds over every window, not only on average.

Each caller reserves its start time under a lock and then sleeps outside it, so callers are served
in arrival order and no thread holds the lock while it waits.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import deque

from omni_pulumi.clock import SYSTEM_CLOCK, Clock

#: Requests that may start at once after an idle pause. Small against Omni's 60 a minute, so a burst
#: never eats much of the minute's budget, and big enough for the first parallel reads of a run.
DEFAULT_BURST = 5

WINDOW_SECONDS = 60.0

#: Kept between a window's first start and the start that would reopen it. Omni counts a request
#: when it arrives, and a request started exactly one window later can arrive a few milliseconds
#: "early" by Omni's clock: the benchmark saw that as occasional 429s at 100 and 300 resources.
WINDOW_GUARD_SECONDS = 0.25


class RateLimiter:
    """Token bucket plus sliding window; see the module docstring for why both."""

    def __init__(
        self,
        requests_per_minute: float,
        *,
        burst: int | None = None,
        window_seconds: float = WINDOW_SECONDS,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._window = window_seconds
        self._configure(requests_per_minute, burst)
        self._tokens = float(self._burst)
        self._updated = clock.monotonic()
        self._next_free = self._updated
        self._starts: deque[float] = deque(maxlen=self._limit)

    def _configure(self, requests_per_minute: float, burst: int | None) -> None:
        if requests_per_minute < 1:
            raise ValueError("requests_per_minute must be at least 1 (0 disables the limiter)")
        self.requests_per_minute = float(requests_per_minute)
        self._limit = math.floor(requests_per_minute * self._window / WINDOW_SECONDS) or 1
        self._rate = requests_per_minute / WINDOW_SECONDS  # tokens a second
        self._burst = max(1, min(DEFAULT_BURST if burst is None else burst, self._limit))

    def reconfigure(self, requests_per_minute: float) -> None:
        """Change the rate in place (the latest client's setting wins; see :func:`limiter_for`)."""
        with self._lock:
            if float(requests_per_minute) == self.requests_per_minute:
                return
            self._configure(requests_per_minute, None)
            self._tokens = min(self._tokens, float(self._burst))
            self._starts = deque(self._starts, maxlen=self._limit)

    def reserve(self) -> float:
        """Claim the next start time and return how many seconds the caller must wait for it."""
        with self._lock:
            now = self._clock.monotonic()
            start = max(now, self._next_free)
            tokens = min(float(self._burst), self._tokens + (start - self._updated) * self._rate)
            if tokens < 1.0:
                start += (1.0 - tokens) / self._rate
                tokens = 1.0
            if len(self._starts) == self._limit:
                earliest = self._starts[0] + self._window + WINDOW_GUARD_SECONDS
                if earliest > start:
                    tokens = min(float(self._burst), tokens + (earliest - start) * self._rate)
                    start = earliest
            self._tokens = tokens - 1.0
            self._updated = start
            self._next_free = start
            self._starts.append(start)
            return start - now

    def acquire(self) -> float:
        """Wait for this caller's turn; returns the seconds waited."""
        wait = self.reserve()
        if wait > 0:
            self._clock.sleep(wait)
        return wait

    def hold_until(self, monotonic_time: float) -> None:
        """Start no request before ``monotonic_time`` (Omni answered 429 with ``Retry-After``)."""
        with self._lock:
            if monotonic_time > self._next_free:
                self._tokens = min(
                    float(self._burst),
                    self._tokens + (monotonic_time - self._updated) * self._rate,
                )
                self._updated = monotonic_time
                self._next_free = monotonic_time


_registry: dict[tuple[str, str, Clock], RateLimiter] = {}
_registry_lock = threading.Lock()


def key_fingerprint(api_key: str) -> str:
    """A stable stand-in for a key in process-wide tables, so the tables never hold the key."""
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def limiter_for(
    base_url: str, api_key: str, requests_per_minute: float, clock: Clock = SYSTEM_CLOCK
) -> RateLimiter | None:
    """The one limiter of this process for (instance, key); ``None`` when the limit is off (0).

    Clients that ask for different rates for the same key share one limiter at the latest rate:
    Omni counts per key, so two budgets for one key would add up to more than Omni allows. The clock
    is part of the registry key only so that tests with fake clocks never share a limiter with real
    time; in a provider host every client uses the system clock.
    """
    if requests_per_minute <= 0:
        return None
    registry_key = (base_url, key_fingerprint(api_key), clock)
    with _registry_lock:
        limiter = _registry.get(registry_key)
        if limiter is None:
            limiter = RateLimiter(requests_per_minute, clock=clock)
            _registry[registry_key] = limiter
        else:
            limiter.reconfigure(requests_per_minute)
        return limiter
