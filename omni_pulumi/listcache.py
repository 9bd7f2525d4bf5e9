"""One list answer shared by every resource of a kind, for a few seconds.

Some Omni objects have no GET by id (folders, connection environments, dbt environments): a read
lists them and picks one out. A refresh of N such objects would list N times, and with Omni's 60
requests a minute that is what a user waits for. Reads of one kind arrive together (the engine reads
every resource of a stack in one burst), so the first read lists and the others within
:data:`DEFAULT_TTL_SECONDS` take the same answer: a refresh costs the list's pages, not N times them.

The time-to-live is short on purpose: it covers one burst of reads and never the next operation, so a
refresh still sees what changed in Omni since the last one. A write of a kind through the provider
drops that kind's cached lists at once (:func:`invalidated_by_writes`), so the provider never reads
back an answer older than its own change, and a list fetched while a write ran is not kept.

Entries are held per client (weakly: a client that goes away takes its entries along) and keyed by
(kind, path, query), so two instances or two keys never share an answer. Concurrent misses of one
key wait for the first fetch instead of all listing at once.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from omni_pulumi.clock import SYSTEM_CLOCK, Clock

if TYPE_CHECKING:
    from omni_pulumi.client import OmniClient

#: Long enough for one burst of reads (a refresh reads a kind's resources within seconds of each
#: other once the list is in hand), short enough that the next operation always lists again.
DEFAULT_TTL_SECONDS = 10.0

Records = list[dict[str, Any]]
_Key = tuple[str, str, tuple[tuple[str, str], ...]]


@dataclass
class _Slot:
    """One cached list, and the lock that lets one thread fetch it while the others wait."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    records: Records | None = None
    fetched_at: float = 0.0
    generation: int = 0


class ListCache:
    """Lists of Omni objects, shared between reads for ``ttl`` seconds of ``clock``."""

    def __init__(self, ttl: float = DEFAULT_TTL_SECONDS, clock: Clock = SYSTEM_CLOCK) -> None:
        self.ttl = ttl
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
    ) -> Records:
        """The list at ``path`` with ``params``, from the cache while fresh, else from ``fetch``.

        Errors of ``fetch`` propagate and nothing is cached, so a failed list is asked again.
        """
        key: _Key = (kind, path, tuple(sorted((k, str(v)) for k, v in (params or {}).items())))
        with self._lock:
            slot = self._slots.setdefault(client, {}).setdefault(key, _Slot())
        with slot.lock:
            generation = self._generation(kind)
            if (
                slot.records is not None
                and slot.generation == generation
                and self.clock.monotonic() - slot.fetched_at < self.ttl
            ):
                return slot.records
            started = self.clock.monotonic()
            records = fetch()
            if self._generation(kind) == generation:
                slot.records, slot.fetched_at, slot.generation = records, started, generation
            else:
                slot.records = None
            return records

    def invalidate(self, kind: str) -> None:
        """Forget every cached list of ``kind`` (the provider wrote one of its objects)."""
        with self._lock:
            self._generations[kind] = self._generations.get(kind, 0) + 1

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

_Spec = TypeVar("_Spec", bound=type)


def invalidated_by_writes(spec_class: _Spec) -> _Spec:
    """Class decorator for a spec that reads through :data:`LISTS`: its create, update and delete
    drop the kind's cached lists once they end, whether they succeeded, failed or left the outcome
    unknown, so the next read (a read-back, a search after an unanswered create) lists again."""
    kind = spec_class.type_name  # type: ignore[attr-defined]
    for name in ("create", "update", "delete"):
        method = spec_class.__dict__.get(name)
        if method is None:
            continue

        @functools.wraps(method)
        def write(*args: Any, _method: Callable[..., Any] = method, **kwargs: Any) -> Any:
            try:
                return _method(*args, **kwargs)
            finally:
                LISTS.invalidate(kind)

        setattr(spec_class, name, write)
    return spec_class
