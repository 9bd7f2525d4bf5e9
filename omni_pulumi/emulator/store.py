"""The emulator's in-memory state and its optional JSON file.

State is a set of named collections (``labels``, ``folders``, ...), each a dict from key to record.
Records hold what Omni would hold, except that secrets are kept as fingerprints
(:func:`fingerprint`), never in clear text: a test can still tell whether a password was rotated,
and a state file never holds a secret.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets as _secrets
import string
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any

COLLECTIONS = (
    "users",
    "documents",
    "connections",
    "connection_environments",
    "dbt_environments",
    "dbt_configs",
    "refresh_schedules",
    "models",
    "jobs",
    "git_configs",
    "schedules",
    "labels",
    "folders",
    "folder_permits",
    "groups",
    "group_model_roles",
    "user_model_roles",
    "user_attributes",
)


def fingerprint(secret: str) -> str:
    """What the emulator keeps of a secret: enough to compare, nothing to recover."""
    return "sha256:" + hashlib.sha256(secret.encode()).hexdigest()


def new_id() -> str:
    return str(uuid.uuid4())


def mini_uuid(length: int = 8) -> str:
    """Omni's short ids (user groups, document identifiers), e.g. ``mEhXj6ZI``."""
    alphabet = string.ascii_letters + string.digits
    return "".join(_secrets.choice(alphabet) for _ in range(length))


class Store:
    """All objects of one emulated Omni organization.

    One re-entrant lock guards every collection: requests are handled one at a time against the
    state, as a single database transaction would see them, while the HTTP server stays threaded.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.lock = threading.RLock()
        self.path = Path(path) if path is not None else None
        self.organization_id = new_id()
        self.data: dict[str, dict[str, Any]] = {name: {} for name in COLLECTIONS}
        if self.path is not None and self.path.exists():
            self.load()

    def __getattr__(self, name: str) -> dict[str, Any]:
        data = self.__dict__.get("data")
        if data is not None and name in data:
            return data[name]
        raise AttributeError(name)

    def load(self) -> None:
        assert self.path is not None
        raw = json.loads(self.path.read_text())
        with self.lock:
            self.organization_id = raw.get("organizationId", self.organization_id)
            for name in COLLECTIONS:
                self.data[name] = raw.get("collections", {}).get(name, {})

    def save(self) -> None:
        """Write the whole state atomically: a crash never leaves a half-written file."""
        if self.path is None:
            return
        with self.lock:
            text = json.dumps(
                {"organizationId": self.organization_id, "collections": self.data},
                indent=1,
                sort_keys=True,
            )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".omni-emulator-", suffix=".json")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(text)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
