"""What an API key spent in the last minute, kept where every provider process can see it.

The Pulumi engine starts a new provider host for every ``up``, ``preview``, ``refresh`` and
``destroy``, and parallel stacks on one CI runner run their own hosts side by side. Omni counts
requests per key, whoever sends them, so a budget held in one process's memory lets the next
operation spend a minute that the previous one already spent, and Omni refuses the excess. The
record of a key's recent request starts therefore lives in a small file per key in the user's
cache directory, read and rewritten under an exclusive ``fcntl.flock`` by whichever process
wants to start a request.

Why ``fcntl.flock`` rather than a library such as ``filelock``: the lock is released by the kernel
when the holder exits or is killed, so a crashed provider host never leaves a stale lock behind;
it needs no second lock file and no new dependency in the provider host. Its one gap is Windows,
where the budget stays per process (the limiter still holds within each operation).

The file holds wall-clock times (``clock.now()``): monotonic clocks of different processes do not
compare. It never holds the key: its name is a salted hash of the instance address and the key.
A file that cannot be opened or written degrades the budget to this process (said once on
stderr); a file whose content cannot be read is started afresh (also said once), since the lock
is held and nothing in it could be trusted anyway.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from omni_pulumi.diagnostics import warn

try:  # pragma: no cover - the import itself is what differs between platforms
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger("omni_pulumi")

#: Where the cache lives, when set (tests point it at a temporary directory).
CACHE_DIR_ENV = "OMNI_PULUMI_CACHE_DIR"
#: The record's format; a file of another version is started afresh.
RECORD_VERSION = 1

T = TypeVar("T")


def cache_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """``$OMNI_PULUMI_CACHE_DIR``, else ``${XDG_CACHE_HOME:-~/.cache}/omni-pulumi``."""
    explicit = environ.get(CACHE_DIR_ENV, "").strip()
    if explicit:
        return Path(explicit)
    xdg = environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg) if xdg else Path.home() / ".cache") / "omni-pulumi"


def budget_fingerprint(base_url: str, api_key: str) -> str:
    """A file name for (instance, key) that reveals neither.

    The instance is part of it because one key string can be valid for several emulators in tests
    (each on its own port), and those must not share a budget; for Omni a key belongs to one
    instance anyway.
    """
    digest = hashlib.sha256(b"omni-pulumi rate budget v1\0")
    digest.update(base_url.encode("utf-8") + b"\0" + api_key.encode("utf-8"))
    return digest.hexdigest()[:32]


@dataclass
class Record:
    """One key's recent request starts (wall-clock seconds, ascending) and a pause Omni asked for."""

    starts: list[float] = field(default_factory=list)
    #: No request before this wall-clock time (Omni answered 429 with ``Retry-After``).
    not_before: float = 0.0

    def copy(self) -> Record:
        return Record(list(self.starts), self.not_before)

    def to_json(self) -> bytes:
        body = {"version": RECORD_VERSION, "starts": self.starts, "not_before": self.not_before}
        return json.dumps(body, separators=(",", ":")).encode("ascii")

    @classmethod
    def from_json(cls, raw: bytes) -> Record:
        """Parse a record; raises ``ValueError`` for anything but a well-formed one."""
        body = json.loads(raw.decode("ascii"))
        if not isinstance(body, dict) or body.get("version") != RECORD_VERSION:
            raise ValueError("not a version 1 record")
        starts, not_before = body.get("starts"), body.get("not_before", 0.0)
        if not isinstance(starts, list) or not all(
            isinstance(s, (int, float)) and not isinstance(s, bool) for s in starts
        ):
            raise ValueError("starts is not a list of numbers")
        if not isinstance(not_before, (int, float)) or isinstance(not_before, bool):
            raise ValueError("not_before is not a number")
        return cls(sorted(float(s) for s in starts), float(not_before))


class Budget(Protocol):
    """Where a key's :class:`Record` lives; ``transact`` reads, changes and keeps it atomically."""

    def transact(self, change: Callable[[Record], T]) -> T:
        """Run ``change`` on the current record, alone (no other thread or process meanwhile)."""


class MemoryBudget:
    """A record in this process only: for tests, platforms without ``flock``, and degraded files."""

    def __init__(self, record: Record | None = None) -> None:
        self._lock = threading.Lock()
        self._record = record or Record()

    def transact(self, change: Callable[[Record], T]) -> T:
        with self._lock:
            return change(self._record)


class FileBudget:
    """A record in a file shared by every process of this user, under ``fcntl.flock``.

    ``label`` names the key in messages ("the API key", "API key 2 of 3"), never its value.
    """

    def __init__(self, path: str | os.PathLike[str], *, label: str = "the API key") -> None:
        self.path = Path(path)
        self._label = label
        self._lock = threading.Lock()
        #: The last record seen, carried on in memory if the file fails.
        self._memory = Record()
        self._degraded = fcntl is None
        self._said_corrupt = False

    @property
    def shared(self) -> bool:
        """False once the budget has fallen back to this process."""
        return not self._degraded

    def transact(self, change: Callable[[Record], T]) -> T:
        with self._lock:
            if self._degraded:
                return change(self._memory)
            try:
                fd = self._open()
            except OSError as exc:
                self._degrade(exc)
                return change(self._memory)
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                    record = self._read(fd)
                except OSError as exc:
                    self._degrade(exc)
                    return change(self._memory)
                result = change(record)
                self._memory = record.copy()
                try:
                    data = record.to_json()
                    os.lseek(fd, 0, os.SEEK_SET)
                    os.ftruncate(fd, 0)
                    os.write(fd, data)
                except OSError as exc:
                    self._degrade(exc)
                return result
            finally:
                os.close(fd)  # also releases the lock

    def _open(self) -> int:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)

    def _read(self, fd: int) -> Record:
        chunks = []
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
        raw = b"".join(chunks)
        if not raw.strip():
            return Record()
        try:
            return Record.from_json(raw)
        except ValueError as exc:  # json's errors and UnicodeDecodeError are ValueErrors too
            if not self._said_corrupt:
                self._said_corrupt = True
                warn(
                    f"the shared request budget of {self._label} ({self.path}) was unreadable "
                    f"({type(exc).__name__}); it starts afresh"
                )
            return Record()

    def _degrade(self, exc: OSError) -> None:
        self._degraded = True
        warn(
            f"cannot use the shared request budget of {self._label} ({self.path}: "
            f"{exc.strerror or type(exc).__name__}); this process paces the key on its own, so "
            f"operations running at the same time may be refused by Omni and retried "
            f"(set {CACHE_DIR_ENV} to a writable directory)"
        )


def budget_for(base_url: str, api_key: str, *, label: str = "the API key") -> Budget:
    """The shared budget of (instance, key): a :class:`FileBudget` where ``flock`` exists."""
    if fcntl is None:  # pragma: no cover - Windows
        logger.debug("no fcntl on this platform: the request budget is per process")
        return MemoryBudget()
    path = cache_dir() / "ratelimit" / f"{budget_fingerprint(base_url, api_key)}.json"
    return FileBudget(path, label=label)
