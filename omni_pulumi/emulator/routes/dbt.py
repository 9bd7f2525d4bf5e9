"""dbt environments of a connection; secret variable values are write-only (read back as null)."""

from __future__ import annotations

from typing import Any

from ..errors import bad_request, not_found
from ..pagination import cursor_page, sort_records
from ..store import fingerprint, new_id
from ..validation import any_of, array, boolean, integer, obj, string, uuid_str
from . import Context, Route, created
from .common import SORT_DIRECTION, connection_or_404

NEW_VARIABLE = obj({"name*": string(min_len=1), "value*": string(), "isSecret*": boolean()})
EXISTING_VARIABLE = obj({"id*": uuid_str(), "isSecret*": boolean(), "value": string(nullable=True)})
_ENV_FIELDS = {
    "name*": string(min_len=1),
    "targetSchema*": string(min_len=1),
    "isDeferralEnabled": boolean(default=False),
    "ownerId": string(nullable=True, default=None),
    "targetDatabase": string(nullable=True, default=None),
    "targetName": string(nullable=True, default=None),
    "targetRole": string(nullable=True, default=None),
}
DBT_ENV_CREATE = obj({**_ENV_FIELDS, "variables": array(NEW_VARIABLE, default=[])})
DBT_ENV_UPDATE = obj(
    {**_ENV_FIELDS, "variables": array(any_of(EXISTING_VARIABLE, NEW_VARIABLE), default=[])}
)
LIST_QUERY = obj(
    {
        "cursor": string(),
        "pageSize": integer(minimum=1, maximum=100, default=20),
        "sortDirection": SORT_DIRECTION,
        "sortField": string(enum=("name",)),
    }
)
_SCALARS = (
    "name",
    "targetSchema",
    "isDeferralEnabled",
    "ownerId",
    "targetDatabase",
    "targetName",
    "targetRole",
)


def _variable(spec: dict[str, Any]) -> dict[str, Any]:
    secret = spec["isSecret"]
    value = spec["value"]
    return {
        "id": new_id(),
        "name": spec["name"],
        "isSecret": secret,
        "value": None if secret else value,
        "secret": fingerprint(value) if secret else None,
    }


def _view(env: dict[str, Any]) -> dict[str, Any]:
    view = {k: env[k] for k in ("id", "isDefaultEnvironment", *_SCALARS)}
    view["variables"] = [
        {"id": v["id"], "name": v["name"], "isSecret": v["isSecret"], "value": v["value"]}
        for v in env["variables"]
    ]
    return view


def _envs(ctx: Context) -> list[dict[str, Any]]:
    connection = connection_or_404(ctx.store, ctx.params["connectionId"])
    return [e for e in ctx.store.dbt_environments.values() if e["connectionId"] == connection["id"]]


def _env_or_404(ctx: Context) -> dict[str, Any]:
    for env in _envs(ctx):
        if env["id"] == ctx.params["environmentId"]:
            return env
    raise not_found("dbt environment not found")


def _scalars(body: dict[str, Any], default_env: bool) -> dict[str, Any]:
    values = {k: body[k] for k in _SCALARS}
    if default_env:
        values["isDeferralEnabled"] = False  # Omni forces it off for the production environment
    return values


def list_envs(ctx: Context) -> dict:
    q = ctx.query
    envs = sort_records([_view(e) for e in _envs(ctx)], "name", q.get("sortDirection") or "desc")
    return cursor_page(envs, q.get("cursor"), q.get("pageSize"))


def create_env(ctx: Context):
    is_first = not _envs(ctx)
    env = {
        "id": new_id(),
        "connectionId": ctx.params["connectionId"],
        "isDefaultEnvironment": is_first,
        **_scalars(ctx.body, is_first),
        "variables": [_variable(v) for v in ctx.body["variables"]],
    }
    ctx.store.dbt_environments[env["id"]] = env
    return created(_view(env))


def update_env(ctx: Context) -> dict:
    env = _env_or_404(ctx)
    by_id = {v["id"]: v for v in env["variables"]}
    variables = []
    for index, spec in enumerate(ctx.body["variables"]):
        if "id" not in spec:
            variables.append(_variable(spec))
            continue
        current = by_id.get(spec["id"])
        if current is None:
            raise bad_request(f"variables.{index}.id: Variable {spec['id']} not found")
        value = spec.get("value")
        if value is None and spec["isSecret"] and not current["isSecret"]:
            value = current["value"]
        if value is None and not spec["isSecret"] and current["isSecret"]:
            raise bad_request(f"variables.{index}.value: Required when making a variable public")
        updated = dict(current, isSecret=spec["isSecret"])
        if value is not None:
            updated["value"] = None if spec["isSecret"] else value
            updated["secret"] = fingerprint(value) if spec["isSecret"] else None
        variables.append(updated)
    env.update(_scalars(ctx.body, env["isDefaultEnvironment"]), variables=variables)
    return _view(env)


def delete_env(ctx: Context) -> dict:
    env = _env_or_404(ctx)
    del ctx.store.dbt_environments[env["id"]]
    return {"success": True, "message": "dbt environment deleted"}


_ALL = "/api/v1/connections/{connectionId}/dbt/environments"
_ONE = "/api/v1/connections/{connectionId}/dbt/environments/{environmentId}"
_IDS = ("connectionId", "environmentId")
ROUTES = [
    Route("GET", _ALL, list_envs, query=LIST_QUERY, uuid_params=_IDS[:1]),
    Route("POST", _ALL, create_env, body=DBT_ENV_CREATE, uuid_params=_IDS[:1]),
    Route("PUT", _ONE, update_env, body=DBT_ENV_UPDATE, uuid_params=_IDS),
    Route("DELETE", _ONE, delete_env, uuid_params=_IDS),
]
