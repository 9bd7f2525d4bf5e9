"""A request budget per Omni API key: spend the key's minute, then send as the window frees.

Omni admits 60 requests per key in any 60 seconds (500 on request) and answers 429 beyond that.
The fastest a client can go under that rule is to start up to the limit at once from an idle key
and then start each further request the moment the request 60 requests earlier leaves the window:
C calls from an idle key take (⌈C/60⌉ - 1) minutes. Pacing evenly (one a second) instead would
waste up to a minute on every stack of fewer than 60 calls, so the limiter keeps the window only.

The window is the key's, not the process's: Pulumi runs about ten operations in parallel threads of
one provider host, and starts a new host for every ``up``, ``refresh`` and ``destroy``, so the
record of recent starts lives in a :mod:`omni_pulumi.budget` shared by every process on the
machine, in wall-clock time (``clock.now()``).

A 429 although the window had room means Omni counts stricter than documented (or another tool
shares the key): the key then switches to paced sending, one request every ``60 / rate`` seconds
on top of the window, for the rest of this process, and says so once on stderr.

Each caller reserves its start time under the budget's lock and then sleeps outside it, so callers
are served in arrival order and nobody holds the lock while it waits. When the answer comes back,
the request's entry is moved to that moment (:meth:`RateLimiter.settle`): Omni counted the request
somewhere between its start and its answer, so the answer's time is the one bound the client
knows for sure, and a window counted from it never reopens early, however long a loaded machine
took to put the request on the wire. A caller that reserved while an older request had no answer
yet looks at the window again when it wakes (:meth:`RateLimiter.wait_for`).
"""

from __future__ import annotations

import hashlib
import math
import threading

from omni_pulumi.budget import Budget, MemoryBudget, Record, budget_for
from omni_pulumi.clock import SYSTEM_CLOCK, Clock
from omni_pulumi.diagnostics import warn

WINDOW_SECONDS = 60.0

#: Kept between the answer to a window's first request and the start that would reopen it. Entries
#: are dated by the answer (see :meth:`RateLimiter.settle`), an upper bound on when Omni counted the
#: request, so the guard covers clock granularity only. (Dated by their start with a 0.25 s guard,
#: the benchmark on a loaded machine still met a 429 at the window's edge now and then: a request
#: can leave the process later than the limiter recorded.)
WINDOW_GUARD_SECONDS = 0.1

#: A recorded start further ahead than this is a wall clock that jumped back: it is dropped.
FUTURE_LIMIT_SECONDS = 600.0

#: Entries kept per key at most (500 a minute is Omni's highest documented limit).
MAX_ENTRIES = 2000


class RateLimiter:
    """The sliding window of one key, over a (possibly shared) :class:`~omni_pulumi.budget.Budget`."""

    def __init__(
        self,
        requests_per_minute: float,
        *,
        window_seconds: float = WINDOW_SECONDS,
        clock: Clock = SYSTEM_CLOCK,
        budget: Budget | None = None,
        label: str = "the API key",
    ) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._window = window_seconds
        self._budget: Budget = budget if budget is not None else MemoryBudget()
        self.label = label
        #: True after a 429 despite the window: requests are also spaced ``interval`` apart.
        self.paced = False
        self._configure(requests_per_minute)

    def _configure(self, requests_per_minute: float) -> None:
        if requests_per_minute < 1:
            raise ValueError("requests_per_minute must be at least 1 (0 disables the limiter)")
        self.requests_per_minute = float(requests_per_minute)
        #: Starts allowed in any window.
        self.limit = math.floor(requests_per_minute * self._window / WINDOW_SECONDS) or 1
        #: Seconds between starts once paced.
        self.interval = WINDOW_SECONDS / requests_per_minute

    def reconfigure(self, requests_per_minute: float) -> None:
        """Change the rate in place (the latest client's setting wins; see :func:`limiter_for`)."""
        with self._lock:
            if float(requests_per_minute) != self.requests_per_minute:
                self._configure(requests_per_minute)

    # -- the rule --------------------------------------------------------------------------------

    def _wall(self) -> float:
        return self._clock.now().timestamp()

    def _prune(self, record: Record, now: float) -> None:
        oldest = now - self._window - WINDOW_GUARD_SECONDS
        horizon = now + FUTURE_LIMIT_SECONDS
        if any(s <= oldest or s > horizon for s in record.starts):
            record.starts = [s for s in record.starts if oldest < s <= horizon]
        del record.starts[:-MAX_ENTRIES]
        if record.not_before > horizon:
            record.not_before = 0.0

    def _earliest(self, record: Record, now: float) -> float:
        """The first wall-clock time a new request may start, given the key's record."""
        self._prune(record, now)
        start = max(now, record.not_before)
        starts = record.starts
        if starts:
            start = max(start, starts[-1])  # arrival order, across threads and processes
            if self.paced:
                start = max(start, starts[-1] + self.interval)
        if len(starts) >= self.limit:
            start = max(start, starts[-self.limit] + self._window + WINDOW_GUARD_SECONDS)
        return start

    # -- callers ---------------------------------------------------------------------------------

    def peek(self) -> tuple[float, int]:
        """``(seconds until a start could be had, starts in the window)``, claiming nothing."""

        def look(record: Record) -> tuple[float, int]:
            now = self._wall()
            return self._earliest(record, now) - now, len(record.starts)

        return self._budget.transact(look)

    def reserve(self) -> tuple[float, float]:
        """Claim the next start: ``(its wall-clock time, seconds the caller must wait for it)``."""

        def claim(record: Record) -> tuple[float, float]:
            now = self._wall()
            start = self._earliest(record, now)
            record.starts.append(start)
            return start, start - now

        return self._budget.transact(claim)

    def _move(self, stamp: float, to: float) -> float:
        """Re-date the entry ``stamp`` to ``to``; returns the entry's date now."""

        def move(record: Record) -> None:
            if stamp in record.starts:
                record.starts.remove(stamp)
                record.starts.append(to)
                record.starts.sort()

        self._budget.transact(move)
        return to

    def wait_for(self, start: float, wait: float) -> float:
        """Sleep until a reserved start, then look at the window again; returns the entry's date.

        The reservation counted the window as it was: an older request still waiting for its
        answer was dated by its start then, and its answer has since moved it later
        (:meth:`settle`). So on waking, the caller waits again if the window, as answered now,
        has no room yet, and dates its own entry by when it really starts.
        """
        stamp = start
        while wait > 0:
            self._clock.sleep(wait)
            stamp, wait = self._budget.transact(
                lambda record, own=stamp: self._recheck(record, own)
            )
        return stamp

    def _recheck(self, record: Record, own: float) -> tuple[float, float]:
        """Re-date ``own`` to the first moment the window, without it, has room (now, or later)."""
        now = self._wall()
        others = list(record.starts)
        if own in others:
            others.remove(own)
        started = [s for s in others if s <= now]  # answered, in flight, or starting now
        due = now
        if len(started) >= self.limit:
            due = max(now, started[-self.limit] + self._window + WINDOW_GUARD_SECONDS)
        record.starts = sorted([*others, due])
        return due, due - now

    def settle(self, stamp: float) -> None:
        """The request recorded at ``stamp`` has its answer: date its entry by now.

        Omni counted the request when it arrived, at the latest now; the start the limiter
        recorded can be earlier than the arrival by however long the process took to send it.
        """
        now = self._wall()
        if now > stamp:
            self._move(stamp, now)

    def acquire(self) -> float:
        """Wait for this caller's turn; returns the seconds waited."""
        start, wait = self.reserve()
        self.wait_for(start, wait)
        return max(0.0, wait)

    def hold_for(self, seconds: float) -> None:
        """Start no request with this key for ``seconds`` (Omni answered 429 with a wait)."""

        def hold(record: Record) -> None:
            record.not_before = max(record.not_before, self._wall() + seconds)

        self._budget.transact(hold)

    def refused(self, label: str = "") -> bool:
        """Omni answered 429: pace this key from now on. True (and one warning) the first time.

        ``label`` is how the caller's key pool names the key ("API key 2 of 3"): one limiter
        serves every client of a key in the process, whichever named it first.
        """
        with self._lock:
            if self.paced:
                return False
            self.paced = True
        label = label or self.label
        warn(
            f"Omni refused a request with {label} (429 Too Many Requests) although it had "
            f"started at most {self.limit} in the last {self._window:g} s: Omni counts more "
            f"strictly than documented, or another tool uses the key. Requests with "
            f"{label} are now paced evenly, one every {self.interval:g} s, for the rest of "
            f"this operation"
        )
        return True


_registry: dict[tuple[str, str, Clock], RateLimiter] = {}
_registry_lock = threading.Lock()


def key_fingerprint(api_key: str) -> str:
    """A stable stand-in for a key in process-wide tables, so the tables never hold the key."""
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def limiter_for(
    base_url: str,
    api_key: str,
    requests_per_minute: float,
    clock: Clock = SYSTEM_CLOCK,
    *,
    label: str = "the API key",
) -> RateLimiter | None:
    """The one limiter of this process for (instance, key); ``None`` when the limit is off (0).

    Its budget is the key's shared file (:func:`omni_pulumi.budget.budget_for`), so limiters of
    other processes for the same key see the same window. Clients that ask for different rates for
    the same key share one limiter at the latest rate: Omni counts per key, so two budgets for one
    key would add up to more than Omni allows. The clock is part of the registry key only so that
    tests with fake clocks never share a limiter with real time.
    """
    if requests_per_minute <= 0:
        return None
    registry_key = (base_url, key_fingerprint(api_key), clock)
    with _registry_lock:
        limiter = _registry.get(registry_key)
        if limiter is None:
            limiter = RateLimiter(
                requests_per_minute,
                clock=clock,
                budget=budget_for(base_url, api_key, label=label),
                label=label,
            )
            _registry[registry_key] = limiter
        else:
            limiter.reconfigure(requests_per_minute)
        return limiter
