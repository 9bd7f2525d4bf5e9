"""Model roles of user groups: upsert with POST, read with GET (Omni has no delete).

A connection-level assignment (``connectionId`` without ``modelId``) is recorded against the
connection's SCHEMA model, since Omni's answer always names a model.
"""

from __future__ import annotations

from typing import Any

from ..errors import ApiError, bad_request, not_found
from ..validation import obj, string, uuid_str
from . import Context, Route
from .models import schema_model
from .scim import group_or_404

BASE_ROLES = ("NO_ACCESS", "VIEWER", "QUERY_TOPICS", "QUERIER", "MODELER", "CONNECTION_ADMIN")
ROLE_ASSIGN = obj(
    {"roleName*": string(min_len=1), "connectionId": uuid_str(), "modelId": uuid_str()}
)
ROLE_QUERY = obj({"connectionId": uuid_str(), "modelId": uuid_str()})


def _group(ctx: Context) -> dict[str, Any]:
    try:
        return group_or_404(ctx.store, ctx.params["id"])
    except ApiError as exc:
        raise not_found("User group not found") from exc


def assign_role(ctx: Context) -> dict:
    store, body = ctx.store, ctx.body
    group = _group(ctx)
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
    assignment = {
        "connectionId": model["connectionId"],
        "modelId": model["id"],
        "roleName": body["roleName"],
    }
    store.group_model_roles.setdefault(group["id"], {})[model["id"]] = assignment
    return {**assignment, "userGroupId": group["id"]}


def get_roles(ctx: Context) -> dict:
    group = _group(ctx)
    q = ctx.query
    results = []
    for assignment in ctx.store.group_model_roles.get(group["id"], {}).values():
        if q.get("modelId") and assignment["modelId"] != q["modelId"]:
            continue
        if q.get("connectionId") and assignment["connectionId"] != q["connectionId"]:
            continue
        results.append(
            {
                **assignment,
                "baseRole": assignment["roleName"],
                "priority": BASE_ROLES.index(assignment["roleName"]),
                "from": {
                    "type": "GROUP",
                    "miniUuid": group["id"],
                    "name": group["displayName"],
                    "depth": 0,
                },
            }
        )
    return {"userGroupId": group["id"], "results": results}


_PATH = "/api/v1/user-groups/{id}/model-roles"
ROUTES = [
    Route("GET", _PATH, get_roles, query=ROLE_QUERY),
    Route("POST", _PATH, assign_role, body=ROLE_ASSIGN),
]
