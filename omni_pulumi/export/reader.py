"""A read-only, caching front of :class:`~omni_pulumi.client.OmniClient` for export.

Export reads each object through its spec's own ``read()`` (so the values it writes are the ones
adoption will compare), and several specs read by listing (connection environments, dbt
environments, folders). Caching GET answers for the length of one export turns those repeated
listings into one request each, which matters under Omni's 60 requests a minute. Writes are refused:
an export must never change the instance it reads.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from omni_pulumi import pagination
from omni_pulumi.client import OmniClient
from omni_pulumi.errors import OmniError


class ReadOnlyClient(pagination.Paginating):
    """The subset of :class:`OmniClient` that specs' ``read()`` use, with GETs cached."""

    def __init__(self, client: OmniClient, on_request=None) -> None:
        self._client = client
        self._cache: dict[str, Any] = {}
        self._on_request = on_request
        #: Requests actually sent to Omni (cache misses), for the progress line and tests.
        self.requests = 0

    def get(self, path: str, params: Mapping[str, Any] | None = None, **kw: Any) -> Any:
        key = json.dumps([path, dict(params or {}), kw], sort_keys=True, default=str)
        if key not in self._cache:
            self.requests += 1
            if self._on_request is not None:
                self._on_request()
            # Errors are not cached: a 404 is an answer for this call only.
            self._cache[key] = self._client.get(path, params=params, **kw)
        return self._cache[key]

    def _refuse(self, *args: Any, **kw: Any) -> Any:
        raise OmniError("omni-pulumi export only reads: a write to Omni was attempted")

    post = put = patch = delete = request = _refuse
