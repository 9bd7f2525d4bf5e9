"""Connection environments: a base connection switched to other connections of its dialect.

The list endpoint is documented on Omni's docs site but absent from the SDK's 2026-07-22 spec;
``Emulator.connection_environments_list_enabled = False`` makes it answer 404 like an instance
without it.
"""

from __future__ import annotations

from typing import Any

from ..errors import ApiError, bad_request, not_found
from ..store import new_id
from ..validation import array, obj, string, uuid_str
from . import Context, Route, created

ENV_CREATE = obj({"baseConnectionId*": uuid_str(), "environmentConnectionIds*": array(uuid_str())})
ENV_UPDATE = obj({"userAttributeValues*": array(string())})


def _view(env: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "baseConnectionId", "connectionId", "userAttributeValues")
    return {k: env[k] for k in keys}


def _live_connection(ctx: Context, connection_id: str) -> dict[str, Any]:
    connection = ctx.store.connections.get(connection_id)
    if connection is None or connection["deletedAt"] is not None:
        raise not_found(f"Connection with id {connection_id} does not exist")
    return connection


def create_environments(ctx: Context):
    store, body = ctx.store, ctx.body
    base = _live_connection(ctx, body["baseConnectionId"])
    existing = {
        e["connectionId"]
        for e in store.connection_environments.values()
        if e["baseConnectionId"] == base["id"]
    }
    targets = []
    for connection_id in body["environmentConnectionIds"]:
        target = _live_connection(ctx, connection_id)
        if target["id"] == base["id"]:
            raise bad_request(
                "environmentConnectionIds: The base connection cannot be its own environment"
            )
        if target["dialect"] != base["dialect"]:
            raise bad_request(
                f"environmentConnectionIds: Connection {connection_id} must have the same dialect "
                "as the base connection"
            )
        if target["id"] in existing or target in targets:
            raise bad_request(
                f"environmentConnectionIds: Connection {connection_id} is already an environment "
                "of the base connection"
            )
        targets.append(target)
    made = []
    for target in targets:
        env = {
            "id": new_id(),
            "baseConnectionId": base["id"],
            "connectionId": target["id"],
            "userAttributeValues": [],
        }
        store.connection_environments[env["id"]] = env
        made.append(_view(env))
    return created({"connectionEnvironments": made})


def list_environments(ctx: Context) -> dict:
    if not ctx.emulator.connection_environments_list_enabled:
        raise ApiError(404, "Not Found")
    return {
        "connectionEnvironments": [_view(e) for e in ctx.store.connection_environments.values()]
    }


def _env_or_404(ctx: Context) -> dict[str, Any]:
    env = ctx.store.connection_environments.get(ctx.params["id"])
    if env is None:
        raise not_found("Connection environment not found")
    return env


def update_environment(ctx: Context) -> dict:
    env = _env_or_404(ctx)
    values = ctx.body["userAttributeValues"]
    taken = {
        value
        for other in ctx.store.connection_environments.values()
        if other["baseConnectionId"] == env["baseConnectionId"] and other["id"] != env["id"]
        for value in other["userAttributeValues"]
    }
    for value in values:
        if value in taken:
            raise ApiError(400, f'User attribute value "{value}" is already in use')
    env["userAttributeValues"] = list(dict.fromkeys(values))
    return {"success": True}


def delete_environment(ctx: Context) -> dict:
    env = _env_or_404(ctx)
    del ctx.store.connection_environments[env["id"]]
    return {"success": True}


_ALL = "/api/v1/connection-environments"
_ONE = "/api/v1/connection-environments/{id}"
ROUTES = [
    Route("GET", _ALL, list_environments),
    Route("POST", _ALL, create_environments, body=ENV_CREATE),
    Route("PUT", _ONE, update_environment, body=ENV_UPDATE, uuid_params=("id",)),
    Route("DELETE", _ONE, delete_environment, uuid_params=("id",)),
]
