"""Seed files: preload what Omni's API cannot create (dashboards), users, and anything else.

Format (JSON)::

    {
      "users": [{"id": "<uuid, optional>", "email": "ana@example.com", "name": "Ana"}],
      "dashboards": [{"identifier": "optional", "name": "Sales", "filterKeys": ["region"],
                      "queryMapKeys": ["1"], "folderId": null}],
      "requests": [{"method": "POST", "path": "/api/v1/labels", "body": {"name": "Certified"}}]
    }

``requests`` are replayed through the emulator's own API (validation included) with the admin
key, without counting them or spending rate-limit budget, so any object can be preloaded.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import Emulator


class SeedError(ValueError):
    """A seed entry Omni's API refused; names the entry and Omni's answer."""


def apply_seed(emulator: Emulator, seed: dict[str, Any]) -> None:
    unknown = set(seed) - {"users", "dashboards", "requests"}
    if unknown:
        raise SeedError(f"unknown seed section(s): {', '.join(sorted(unknown))}")
    for user in seed.get("users", []):
        emulator.seed_user(user.get("email"), user.get("name"), id=user.get("id"))
    for board in seed.get("dashboards", []):
        emulator.seed_dashboard(
            board.get("name", "Dashboard"),
            identifier=board.get("identifier"),
            folder_id=board.get("folderId"),
            filter_keys=board.get("filterKeys", ()),
            query_map_keys=board.get("queryMapKeys", ()),
        )
    if seed.get("requests"):
        _replay(emulator, seed["requests"])


def _replay(emulator: Emulator, requests: list[dict[str, Any]]) -> None:
    from werkzeug.test import Client

    from .server import EmulatorApp

    client = Client(EmulatorApp(emulator))
    limit, emulator.rate_limit = emulator.rate_limit, 0
    calls = emulator.calls.copy()
    try:
        for index, entry in enumerate(requests):
            response = client.open(
                entry["path"],
                method=entry.get("method", "POST").upper(),
                data=json.dumps(entry["body"]) if "body" in entry else None,
                content_type="application/json",
                headers={"Authorization": f"Bearer {emulator.api_key}"},
            )
            if response.status_code >= 400:
                raise SeedError(
                    f"seed request #{index} {entry.get('method', 'POST')} {entry['path']} "
                    f"answered {response.status_code}: {response.get_data(as_text=True)}"
                )
    finally:
        emulator.rate_limit = limit
        emulator.calls.clear()
        emulator.calls.update(calls)
