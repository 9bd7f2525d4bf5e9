"""Several API keys of one organization, each with its own window; a request takes the freest.

Omni's limit is per key, and Omni's docs suggest several keys for throughput: with k keys a stack
may start k times as many requests in a minute. Every request goes to the key whose window frees
first (among keys free now, the one that started fewest requests in its window), so a burst
spreads over all keys and a 429 on one key sends the retries to the others.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import requests

from omni_pulumi.clock import Clock
from omni_pulumi.ratelimit import RateLimiter, limiter_for


class BearerAuth(requests.auth.AuthBase):
    """Bearer auth as a requests auth object, so a ``~/.netrc`` entry can never replace the key."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "BearerAuth(***)"


@dataclass(frozen=True)
class Slot:
    """The key a request goes out with: its auth and its limiter (``None`` when unlimited)."""

    auth: BearerAuth
    limiter: RateLimiter | None
    #: "the API key" or "API key 2 of 3": how messages name the key.
    label: str

    def __repr__(self) -> str:
        return f"Slot({self.label})"


@dataclass(frozen=True)
class Turn:
    """One request's claim on a key: the slot, and the date its limiter recorded (if limited)."""

    slot: Slot
    stamp: float | None = None


class KeyPool:
    """The keys of one client and the rule that picks one for each request."""

    def __init__(
        self,
        base_url: str,
        api_keys: Sequence[str],
        requests_per_minute: float,
        clock: Clock,
    ) -> None:
        if not api_keys:
            raise ValueError("at least one API key is needed")
        self._lock = threading.Lock()
        self._turns = itertools.count()
        self.slots: list[Slot] = []
        for index, key in enumerate(api_keys):
            label = (
                "the API key" if len(api_keys) == 1 else f"API key {index + 1} of {len(api_keys)}"
            )
            limiter = limiter_for(base_url, key, requests_per_minute, clock, label=label)
            self.slots.append(Slot(BearerAuth(key), limiter, label))

    def __repr__(self) -> str:
        return f"KeyPool({len(self.slots)} keys)"

    def acquire(self) -> Turn:
        """Wait for the key whose window frees first, and claim it for one request."""
        with self._lock:
            turn = next(self._turns)
            if self.slots[0].limiter is None:  # unlimited: take turns
                return Turn(self.slots[turn % len(self.slots)])
            best = (
                min(
                    range(len(self.slots)),
                    key=lambda i: (*self.slots[i].limiter.peek(), (i - turn) % len(self.slots)),  # type: ignore[union-attr]
                )
                if len(self.slots) > 1
                else 0
            )
            slot = self.slots[best]
            assert slot.limiter is not None
            start, wait = slot.limiter.reserve()
        return Turn(slot, slot.limiter.wait_for(start, wait))

    def settle(self, turn: Turn) -> None:
        """The request of ``turn`` has its answer (or failed): its window counts from now."""
        if turn.slot.limiter is not None and turn.stamp is not None:
            turn.slot.limiter.settle(turn.stamp)

    def refused(self, slot: Slot, retry_after: float) -> None:
        """Omni answered 429 to ``slot``'s key: hold that key, and pace it from now on."""
        if slot.limiter is not None:
            slot.limiter.hold_for(retry_after)
            slot.limiter.refused(slot.label)
