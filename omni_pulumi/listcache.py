"""One list answer shared by every resource of a kind, for a few seconds.

A refresh reads every resource of a stack in one operation; for each kind Omni can list
(:meth:`omni_pulumi.spec.ResourceSpec.refresh`), and for the kinds Omni offers only as lists
(connection environments, dbt environments), the first read lists and the others take the same
answer: a refresh costs the list's pages, not a call per object, which at Omni's 60 requests a
minute is what a user waits for.

A burst ends when no read of the key came for :data:`DEFAULT_TTL_SECONDS`, and an answer never
serves longer than :data:`MAX_AGE_SECONDS` however busy the burst: a refresh paced at 60 requests a
minute reads a kind's objects spread over minutes, interleaved with other kinds, so a fixed
time-to-live of seconds would list again and again within one refresh. Nothing is served across
operations: under the engine (and the harness) each operation runs in a new provider process, so
refresh sees what changed in Omni since the last one. A write of a kind through
the provider
drops that kind's cached lists at once (the lifecycle engine calls :meth:`ListCache.invalidate`), so the provider never reads
back an answer older than its own change, and a list fetched while a write ran is not kept.

Entries are held per client (weakly: a client that goes away takes its entries along) and keyed by
(kind, path, query), so two instances or two keys never share an answer. Concurrent misses of one
key wait for the first fetch instead of all listing at once.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from omni_pulumi.clock import SYSTEM_CLOCK, Clock

if TYPE_CHECKING:
    from omni_pulumi.client import OmniClient

#: A burst of reads ends after this many seconds without a read of the key: longer than the
#: longest wait of the rate limiter (a key's whole window, 60 s), so that a refresh waiting for
#: Omni's window in the middle of a kind's reads still takes one list answer for all of them
#: (with 10 s, a refresh of 100 resources right after `up` listed four kinds twice).
DEFAULT_TTL_SECONDS = 75.0
#: No answer serves longer than this, however busy the burst. Under the engine the operation's
#: process bounds an answer's life anyway; this guards a provider used in one long-lived process.
MAX_AGE_SECONDS = 600.0

#: A list's records, or ``None`` for "this instance has no such list" (also kept, so that a
#: refresh asks once per operation).
Records = list[dict[str, Any]] | None
_Key = tuple[str, str, tuple[tuple[str, str], ...]]


@dataclass
class _Slot:
    """One cached list, and the lock that lets one thread fetch it while the others wait."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    filled: bool = False
    records: Records = None
    fetched_at: float = 0.0
    used_at: float = 0.0
    generation: int = 0
    #: Kept valid by :meth:`ListCache.extend`: only creates' look-ups take it, never a read.
    extended: bool = False


class ListCache:
    """Lists of Omni objects, shared between reads no more than ``ttl`` seconds apart, for at
    most ``max_age`` seconds of ``clock``."""

    def __init__(
        self,
        ttl: float = DEFAULT_TTL_SECONDS,
        max_age: float = MAX_AGE_SECONDS,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.ttl = ttl
        self.max_age = max_age
        self.clock = clock
        self._lock = threading.Lock()
        self._slots: weakref.WeakKeyDictionary[OmniClient, dict[_Key, _Slot]] = (
            weakref.WeakKeyDictionary()
        )
        #: Bumped by every write of a kind; a fetch that overlapped one is not kept.
        self._generations: dict[str, int] = {}

    def records(
        self,
        client: OmniClient,
        kind: str,
        path: str,
        params: Mapping[str, Any] | None,
        fetch: Callable[[], Records],
        *,
        for_create: bool = False,
    ) -> Records:
        """The list at ``path`` with ``params``, from the cache while fresh, else from ``fetch``.

        A list kept valid across the provider's own creates (:meth:`extend`) serves only the
        look-ups of other creates (``for_create``): a read, such as the refresh that may follow
        in the same long-lived host, lists afresh and sees what changed by hand.

        Errors of ``fetch`` propagate and nothing is cached, so a failed list is asked again.
        """
        key: _Key = (kind, path, tuple(sorted((k, str(v)) for k, v in (params or {}).items())))
        with self._lock:
            slot = self._slots.setdefault(client, {}).setdefault(key, _Slot())
        with slot.lock:
            generation = self._generation(kind)
            now = self.clock.monotonic()
            if (
                slot.filled
                and slot.generation == generation
                and now - slot.used_at < self.ttl
                and now - slot.fetched_at < self.max_age
                and (for_create or not slot.extended)
            ):
                slot.used_at = now
                return slot.records
            records = fetch()
            if self._generation(kind) == generation:
                slot.records, slot.generation, slot.filled = records, generation, True
                slot.fetched_at = slot.used_at = now
                slot.extended = False
            else:
                slot.records, slot.filled = None, False
            return records

    def invalidate(self, kind: str) -> int:
        """Forget every cached list of ``kind`` (the provider wrote one of its objects); return the
        write's generation, for :meth:`extend`."""
        with self._lock:
            self._generations[kind] = self._generations.get(kind, 0) + 1
            return self._generations[kind]

    def extend(
        self,
        client: OmniClient,
        kind: str,
        path: str,
        params: Mapping[str, Any] | None,
        record: dict[str, Any],
        generation: int,
    ) -> bool:
        """Keep a cached list valid across the create of ``generation``, with its new record.

        Only when that create was the one write of the kind since the list was fetched: then the
        list plus the record is what Omni holds, and a burst of creates (each looking for its name
        first, as folders do) lists once instead of once per object. Otherwise nothing changes.
        """
        key: _Key = (kind, path, tuple(sorted((k, str(v)) for k, v in (params or {}).items())))
        with self._lock:
            slot = self._slots.get(client, {}).get(key)
        if slot is None:
            return False
        with slot.lock:
            if (
                slot.records is None
                or self._generation(kind) != generation
                or slot.generation != generation - 1
            ):
                return False
            slot.records = [*slot.records, dict(record)]
            slot.generation = generation
            slot.extended = True
            return True

    def clear(self) -> None:
        """Forget everything (tests, and a provider host that starts over)."""
        with self._lock:
            self._slots.clear()
            self._generations.clear()

    def _generation(self, kind: str) -> int:
        with self._lock:
            return self._generations.get(kind, 0)


#: The provider host's one cache: every resource of a kind shares it.
LISTS = ListCache()
