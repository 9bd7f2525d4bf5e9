"""Model roles of users and user groups: upsert with POST, read with GET (Omni has no delete).

A connection-level assignment (``connectionId`` without ``modelId``) is recorded against the
connection's SCHEMA model, since Omni's answer always names a model.

Reads answer in the documented and live shape (docs.omni.co "User model roles", retrieve example;
live finding 10 of ashima-omni/terraform-provider-omni docs/TEST-CASES.md): entries are wrapped in
``results`` and say where they come from in ``from.type``: ``User Role`` (a direct assignment),
``Group Role`` (through a group, with its ``miniUuid``, ``name`` and ``depth``) or ``Connection Base
Role``. A user's read includes what the user inherits (group roles, the connection's base role), and
marks the one that wins ``resolved``: the highest ``priority``, so a direct ``NO_ACCESS`` does not
take away what a higher base role gives (live finding 11: there is no revoke).
``Emulator(spec_only=True)`` spells ``from.type`` as the SDK spec's enum (``USER``, ``GROUP``,
``BASE``) instead.

The user routes take a membership id (whoami: "distinct from the user id"). Omni's docs name it with
the SCIM user's ``id``: the "Assign or update user model role" example posts to
``/api/v1/users/9e8719d9-276a-4964-9395-a493189a247c/model-roles``, the id the "Create a user" (SCIM)
example answers with (docs.omni.co/docs/API/user-model-roles, docs.omni.co/docs/API/user-management).
So here a SCIM user's ``id`` is its membership id: the path takes it and ``membershipId`` answers it;
the person's global user id (whoami's ``userId``) is not modelled.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..errors import ApiError, bad_request, not_found
from ..store import Store
from ..validation import obj, string, uuid_str
from . import Context, Route
from .models import schema_model
from .scim import group_or_404

BASE_ROLES = ("NO_ACCESS", "VIEWER", "QUERY_TOPICS", "QUERIER", "MODELER", "CONNECTION_ADMIN")
#: Resolution priority, higher wins. Live finding 11 measured a direct NO_ACCESS at 0 and a
#: connection base role at 150; the steps between are the emulator's.
PRIORITY = {
    "NO_ACCESS": 0,
    "VIEWER": 50,
    "QUERY_TOPICS": 75,
    "RESTRICTED_QUERIER": 100,
    "QUERIER": 150,
    "MODELER": 200,
    "CONNECTION_ADMIN": 250,
}
ROLE_ASSIGN = obj(
    {"roleName*": string(min_len=1), "connectionId": uuid_str(), "modelId": uuid_str()}
)
ROLE_QUERY = obj({"connectionId": uuid_str(), "modelId": uuid_str()})

#: ``from.type`` as documented and seen live, and as the SDK spec's enum spells it.
LIVE_ORIGINS = {"user": "User Role", "group": "Group Role", "base": "Connection Base Role"}
SPEC_ORIGINS = {"user": "USER", "group": "GROUP", "base": "BASE"}


def _origin(ctx: Context, kind: str) -> str:
    return (SPEC_ORIGINS if ctx.emulator.spec_only else LIVE_ORIGINS)[kind]


def _group(ctx: Context) -> dict[str, Any]:
    try:
        return group_or_404(ctx.store, ctx.params["id"])
    except ApiError as exc:
        raise not_found("User group not found") from exc


def _user(ctx: Context) -> dict[str, Any]:
    user = ctx.store.users.get(ctx.params["id"])
    if user is None:
        raise not_found("User not found in organization")
    return user


def _assignment(ctx: Context) -> dict[str, Any]:
    """The model an assignment names (checked as Omni does) and the role, as stored."""
    store, body = ctx.store, ctx.body
    if "modelId" not in body and "connectionId" not in body:
        raise bad_request("connectionId or modelId required")
    if body["roleName"] not in BASE_ROLES:
        raise ApiError(422, "Invalid role")
    if "modelId" in body:
        model = store.models.get(body["modelId"])
        if model is None or model["deletedAt"] is not None:
            raise not_found("Model does not exist")
        if body.get("connectionId", model["connectionId"]) != model["connectionId"]:
            raise ApiError(422, "Model does not belong to connection")
        if model["modelKind"] not in ("SHARED", "SHARED_EXTENSION"):
            raise ApiError(
                422, "Only shared and shared_extension models can be assigned model roles"
            )
    else:
        connection = store.connections.get(body["connectionId"])
        if connection is None or connection["deletedAt"] is not None:
            raise not_found("Connection not found")
        model = schema_model(store, connection["id"])
        if model is None:
            raise not_found("Model does not exist")
    return {
        "connectionId": model["connectionId"],
        "modelId": model["id"],
        "roleName": body["roleName"],
    }


def _wanted(ctx: Context, assignment: dict[str, Any]) -> bool:
    q = ctx.query
    if q.get("modelId") and assignment["modelId"] != q["modelId"]:
        return False
    return not (q.get("connectionId") and assignment["connectionId"] != q["connectionId"])


def _entry(assignment: dict[str, Any], origin: dict[str, Any]) -> dict[str, Any]:
    role = assignment["roleName"]
    return {
        **assignment,
        "baseRole": role,
        "priority": PRIORITY.get(role, 0),
        "from": origin,
    }


def _group_origin(ctx: Context, group: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": _origin(ctx, "group"),
        "miniUuid": group["id"],
        "name": group["displayName"],
        "depth": 0,
    }


# --- user groups ---------------------------------------------------------------------------


def assign_group_role(ctx: Context) -> dict:
    group = _group(ctx)
    assignment = _assignment(ctx)
    # POST is an upsert: a second assignment on the same model replaces the first.
    ctx.store.group_model_roles.setdefault(group["id"], {})[assignment["modelId"]] = assignment
    return {**assignment, "userGroupId": group["id"]}


def get_group_roles(ctx: Context) -> dict:
    group = _group(ctx)
    results = [
        _entry(assignment, _group_origin(ctx, group))
        for assignment in ctx.store.group_model_roles.get(group["id"], {}).values()
        if _wanted(ctx, assignment)
    ]
    return {"userGroupId": group["id"], "results": results}


# --- users ---------------------------------------------------------------------------------


def assign_user_role(ctx: Context) -> dict:
    user = _user(ctx)
    assignment = _assignment(ctx)
    # POST is an upsert: a second assignment on the same model replaces the first.
    ctx.store.user_model_roles.setdefault(user["id"], {})[assignment["modelId"]] = assignment
    return {**assignment, "membershipId": user["id"]}


def _inherited(ctx: Context, user_id: str) -> Iterator[dict[str, Any]]:
    """Group roles of the user's groups, and the base role of each model's connection."""
    store: Store = ctx.store
    seen_models: set[str] = set()
    for group in store.groups.values():
        if user_id not in group["members"]:
            continue
        for assignment in store.group_model_roles.get(group["id"], {}).values():
            seen_models.add(assignment["modelId"])
            yield _entry(assignment, _group_origin(ctx, group))
    seen_models |= set(store.user_model_roles.get(user_id, {}))
    if ctx.query.get("modelId"):
        seen_models.add(ctx.query["modelId"])
    for model_id in sorted(seen_models):
        model = store.models.get(model_id)
        if model is None or model["deletedAt"] is not None:
            continue
        connection = store.connections.get(model["connectionId"])
        if connection is None or connection.get("baseRole") is None:
            continue
        base = {
            "connectionId": model["connectionId"],
            "modelId": model_id,
            "roleName": connection["baseRole"],
        }
        yield _entry(base, {"type": _origin(ctx, "base")})


def get_user_roles(ctx: Context) -> dict:
    user = _user(ctx)
    direct = [
        _entry(assignment, {"type": _origin(ctx, "user")})
        for assignment in ctx.store.user_model_roles.get(user["id"], {}).values()
    ]
    results = [e for e in [*direct, *_inherited(ctx, user["id"])] if _wanted(ctx, e)]
    # The entry with the highest priority of each model resolves; a tie goes to the first listed
    # (a direct assignment before what is inherited).
    winners: dict[str, dict[str, Any]] = {}
    for entry in results:
        best = winners.get(entry["modelId"])
        if best is None or entry["priority"] > best["priority"]:
            winners[entry["modelId"]] = entry
    for entry in results:
        entry["resolved"] = winners[entry["modelId"]] is entry
    return {"membershipId": user["id"], "results": results}


_GROUP_PATH = "/api/v1/user-groups/{id}/model-roles"
_USER_PATH = "/api/v1/users/{id}/model-roles"
ROUTES = [
    Route("GET", _GROUP_PATH, get_group_roles, query=ROLE_QUERY),
    Route("POST", _GROUP_PATH, assign_group_role, body=ROLE_ASSIGN),
    Route("GET", _USER_PATH, get_user_roles, query=ROLE_QUERY, uuid_params=("id",)),
    Route("POST", _USER_PATH, assign_user_role, body=ROLE_ASSIGN, uuid_params=("id",)),
]
