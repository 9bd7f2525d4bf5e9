"""Drive an OmniProvider step by step the way the Pulumi engine and the dynamic host do.

The host adds ``__provider`` to every property bag and the resource class sends every argument, the
``adopt_id`` marker and every output (as ``None``), so these helpers do the same: the provider is then
tested with the bags it really receives, not with tidy dicts it never sees.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import responses

from omni_pulumi.provider import ADOPT_ID, OmniProvider

#: What the host puts in ``__provider``; the provider must ignore it.
PICKLED = "gASV-pickled-provider"


def program(provider: OmniProvider, **args: Any) -> dict[str, Any]:
    """The property bag a resource class registers: every argument, the marker, every output."""
    spec = provider.spec
    bag: dict[str, Any] = {f.name: None for f in spec.fields()}
    bag[ADOPT_ID] = None
    bag.update(dict.fromkeys(spec.outputs))
    bag.update(args)
    bag["__provider"] = PICKLED
    return bag


def check(
    provider: OmniProvider, olds: dict[str, Any] | None = None, **args: Any
) -> dict[str, Any]:
    """The checked inputs, as the host hands them on (``__provider`` added back); no failures."""
    result = provider.check(olds or {}, program(provider, **args))
    assert result.failures == [], [f.reason for f in result.failures]
    return {**result.inputs, "__provider": PICKLED}


def create(provider: OmniProvider, **args: Any) -> tuple[str, dict[str, Any]]:
    """``pulumi up`` of a new resource: check, then create. Returns the id and the outputs."""
    result = provider.create(check(provider, **args))
    return result.id, {**result.outs, "__provider": PICKLED}


def update(
    provider: OmniProvider, id_: str, olds: dict[str, Any], **args: Any
) -> tuple[list[str], dict[str, Any]]:
    """``pulumi up`` of a changed resource: check, diff, and update when the diff asks for it.

    Returns the diff's changed-or-replaced names (``replaces``) and the new outputs (the olds when
    nothing changed). A replacement is not performed here: the caller asserts on ``replaces``.
    """
    news = check(provider, olds, **args)
    diff = provider.diff(id_, olds, news)
    assert diff.changes is not None
    if not diff.changes or diff.replaces:
        return list(diff.replaces or []), olds
    result = provider.update(id_, olds, news)
    return [], {**result.outs, "__provider": PICKLED}


def sent(api: responses.RequestsMock) -> list[tuple[str, str, Any]]:
    """The requests Omni received: method, path with its query (decoded, sorted), JSON body."""
    out = []
    for call in api.calls:
        request = call.request
        url = urlsplit(request.url)
        query = "&".join(f"{k}={v}" for k, v in sorted(parse_qsl(url.query)))
        body = json.loads(request.body) if request.body else None
        out.append((request.method, url.path + (f"?{query}" if query else ""), body))
    return out
