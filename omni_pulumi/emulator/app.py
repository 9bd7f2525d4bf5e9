"""The :class:`Emulator`: a local Omni API on 127.0.0.1, with knobs for tests."""

from __future__ import annotations

import collections
import json
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .clock import Clock
from .faults import DropRule, FailRule, Faults
from .ratelimit import RateLimiter
from .routes.dbt_config import DBT_DIALECTS
from .seed import apply_seed
from .server import EmulatorApp, Exchange
from .store import Store, mini_uuid, new_id

ADMIN_EMAIL = "admin@emulator.omni.local"


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug logs every request to stderr; the emulator keeps quiet but for real errors."""

    def log(self, type: str, message: str, *args: object) -> None:
        if type == "error":
            super().log(type, message, *args)


class Emulator:
    """A faithful stand-in for Omni's REST API, served over real HTTP.

    Use it as a context manager or with :meth:`start`/:meth:`stop`. ``port=0`` picks a free port;
    ``rate_limit`` is requests per minute per key (0 turns the limit off); ``time_scale`` runs the
    emulator's clock faster (60 makes a rate-limit minute last one real second); ``state_file``
    keeps objects across restarts; ``seed`` (a path or a dict) preloads users, dashboards and other
    objects; ``record`` keeps every exchange in :attr:`exchanges`.

    By default the emulator answers as a live Omni was seen to answer where that differs from the
    published spec (the items of ``openapi.json`` marked ``x-changed-since-2026-07-22`` with
    ``x-evidence: live-client``, and RESOURCES.md's live findings). ``spec_only=True`` keeps the
    spec's reading instead, for tests that pin what the spec alone promises.
    """

    def __init__(
        self,
        api_key: str = "test-key",
        org_api_key: bool = True,
        rate_limit: int = 0,
        state_file: str | os.PathLike[str] | None = None,
        seed: str | os.PathLike[str] | dict[str, Any] | None = None,
        port: int = 0,
        time_scale: float = 1.0,
        record: bool = False,
        spec_only: bool = False,
    ) -> None:
        self.api_key = api_key
        #: Answer as the published spec reads where a live Omni was seen to answer otherwise.
        self.spec_only = spec_only
        self.port = port
        self.record = record
        self.clock = Clock(time_scale)
        self.store = Store(state_file)
        self.calls: collections.Counter[tuple[str, str]] = collections.Counter()
        self.exchanges: list[Exchange] = []
        self.latency = 0.0
        self.connection_environments_list_enabled = True
        #: Whether the docs-only user-attribute writes (POST, PUT, DELETE) are served; False: an
        #: instance that has only the list (405 on the collection, 404 on an attribute).
        self.user_attribute_writes_enabled = True
        #: Dialects whose connections offer dbt; empty: an instance without dbt
        #: (``GET /api/v1/connections/{id}/dbt`` answers ``supportsDbt: false``).
        self.dbt_dialects: set[str] = set(DBT_DIALECTS)
        #: How many status polls of a job answer IN_PROGRESS before it reports its outcome.
        self.job_polls_in_progress = 1
        #: The outcome jobs report once done: "COMPLETED" or "FAILED".
        self.job_outcome = "COMPLETED"
        self._calls_lock = threading.Lock()
        self._faults = Faults()
        self._limiter = RateLimiter(rate_limit, self.clock, record=record)
        self._keys: dict[str, dict[str, Any]] = {}
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.admin_user_id = self._ensure_admin()
        self.add_api_key(api_key, org=org_api_key)
        if seed is not None:
            apply_seed(self, _read_seed(seed))

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> Emulator:
        if self._server is not None:
            return self
        self._server = make_server(
            "127.0.0.1", self.port, EmulatorApp(self), threaded=True, request_handler=_QuietHandler
        )
        self._server.daemon_threads = True
        self.port = self._server.server_port
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="omni-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def state(self) -> Store:
        return self.store

    @property
    def rate_limit(self) -> int:
        return self._limiter.per_minute

    @rate_limit.setter
    def rate_limit(self, value: int) -> None:
        self._limiter.per_minute = value
        self._limiter.reset()

    # --- knobs for tests ------------------------------------------------------------------------

    def admissions(self) -> list[tuple[str, float]]:
        """``(key, emulated seconds)`` of every request the rate limit admitted, when recording."""
        return list(self._limiter.admissions or ())

    def reset_calls(self) -> None:
        with self._calls_lock:
            self.calls.clear()
            self.exchanges.clear()

    def fail_next(
        self,
        n: int,
        status: int = 503,
        *,
        retry_after: float | None = None,
        method: str | None = None,
        path_prefix: str | None = None,
    ) -> None:
        """Answer the next ``n`` matching requests with ``status`` (after auth and rate limit)."""
        self._faults.add_failure(
            FailRule(n, method.upper() if method else None, path_prefix, status, retry_after)
        )

    def drop_after_commit(
        self, method: str = "POST", path_prefix: str | None = None, n: int = 1
    ) -> None:
        """Perform the next ``n`` matching successful writes, then close without answering."""
        self._faults.add_drop(DropRule(n, method.upper() if method else None, path_prefix))

    def clear_faults(self) -> None:
        self._faults.clear()

    def add_api_key(self, key: str, org: bool = True, user_id: str | None = None) -> None:
        """Accept another key: an organization key, or a personal access token (``org=False``)."""
        self._keys[key] = {"org": org, "userId": user_id or self.admin_user_id}

    def seed_user(
        self,
        email: str | None = None,
        name: str | None = None,
        *,
        id: str | None = None,
        active: bool = True,
    ) -> str:
        """Add an organization member (Omni users come from SCIM or the UI, not this API)."""
        user_id = id or new_id()
        email = email or f"user-{user_id[:8]}@example.com"
        with self.store.lock:
            self.store.users[user_id] = {
                "id": user_id,
                "email": email,
                "name": name or email.split("@")[0],
                "active": active,
            }
        self.store.save()
        return user_id

    def seed_dashboard(
        self,
        name: str = "Dashboard",
        *,
        identifier: str | None = None,
        folder_id: str | None = None,
        filter_keys: Iterable[str] = (),
        query_map_keys: Iterable[str] = (),
    ) -> str:
        """Add a dashboard document that schedules and labels can refer to; returns its identifier."""
        identifier = identifier or mini_uuid()
        with self.store.lock:
            self.store.documents[identifier] = {
                "identifier": identifier,
                "name": name,
                "folderId": folder_id,
                "filterKeys": list(filter_keys),
                "queryMapKeys": list(query_map_keys),
                "labels": [],
                "deletedAt": None,
            }
        self.store.save()
        return identifier

    def use_label(self, name: str, identifier: str | None = None) -> str:
        """Apply a label to a document (a new dashboard unless given), so its usage_count grows."""
        from .routes.documents import apply_label

        with self.store.lock:
            identifier = identifier or self.seed_dashboard(f"Uses {name}")
            apply_label(self.store, identifier, name)
        self.store.save()
        return identifier

    # --- internal hooks used by the server ------------------------------------------------------

    def _count(self, method: str, template: str) -> None:
        with self._calls_lock:
            self.calls[(method, template)] += 1

    def _record(self, exchange: Exchange) -> None:
        with self._calls_lock:
            self.exchanges.append(exchange)

    def _ensure_admin(self) -> str:
        for user in self.store.users.values():
            if user["email"] == ADMIN_EMAIL:
                return user["id"]
        user_id = new_id()
        self.store.users[user_id] = {
            "id": user_id,
            "email": ADMIN_EMAIL,
            "name": "Emulator Admin",
            "active": True,
        }
        return user_id


def _read_seed(seed: str | os.PathLike[str] | dict[str, Any]) -> dict[str, Any]:
    if isinstance(seed, dict):
        return seed
    return json.loads(Path(seed).read_text())
