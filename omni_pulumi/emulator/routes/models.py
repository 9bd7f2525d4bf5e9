"""Models (create, list, rename; no delete, as in Omni), schema refresh and its job status.

One SCHEMA model per connection; every other kind needs the connection's SCHEMA model first.
A refresh job answers IN_PROGRESS for ``Emulator.job_polls_in_progress`` polls, then
``Emulator.job_outcome``: deterministic and as fast as the client polls.
"""

from __future__ import annotations

from typing import Any

from ..errors import ApiError, bad_request, not_found
from ..store import Store, new_id
from ..validation import array, boolean, free_object, integer, obj, string, uuid_str
from . import Context, Route
from .common import SORT_DIRECTION, model_or_404, now

CREATABLE_KINDS = ("SCHEMA", "SHARED", "SHARED_EXTENSION", "BRANCH", "QUERY")
LISTABLE_KINDS = ("SCHEMA", "SHARED", "SHARED_EXTENSION", "BRANCH", "WORKBOOK", "QUERY")
NEEDS_BASE = ("SHARED_EXTENSION", "BRANCH", "QUERY")

MODEL_CREATE = obj(
    {
        "connectionId*": string(),
        "modelKind": string(enum=CREATABLE_KINDS, default="SCHEMA"),
        "modelName": string(),
        "baseModelId": string(),
        "allowAsWorkbookBase": boolean(),
        "usesIsolatedBranches": boolean(),
        "accessGrants": array(
            obj(
                {
                    "name*": string(),
                    "accessBoostable*": boolean(),
                    "allowedValues": array(string()),
                    "codeComments": free_object(),
                    "ignored": boolean(),
                    "userAttribute": string(),
                }
            )
        ),
    }
)
MODEL_RENAME = obj({"name*": string(min_len=1)})
LIST_QUERY = obj(
    {
        "baseModelId": uuid_str(),
        "connectionId": uuid_str(),
        "cursor": string(),
        "include": string(),
        "includeDeleted": string(enum=("0", "1", "true", "false")),
        "modelId": uuid_str(),
        "modelKind": string(enum=LISTABLE_KINDS),
        "name": string(),
        "pageSize": integer(),
        "sortDirection": SORT_DIRECTION,
        "sortField": string(
            enum=("name", "modelKind", "connectionId", "baseModelId", "createdAt", "updatedAt")
        ),
    }
)
REFRESH_QUERY = obj(
    {
        "branch_id": uuid_str(),
        "hard_refresh": string(enum=("true", "false")),
        "schemas": string(),
        "tables": string(),
    }
)


def schema_model(store: Store, connection_id: str) -> dict[str, Any] | None:
    for model in store.models.values():
        if (
            model["connectionId"] == connection_id
            and model["modelKind"] == "SCHEMA"
            and model["deletedAt"] is None
        ):
            return model
    return None


def _view(model: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "baseModelId", "connectionId", "modelKind", "name", "createdAt", "updatedAt")
    return {**{k: model[k] for k in keys}, "deletedAt": model["deletedAt"]}


def create_model(ctx: Context) -> dict:
    store, body = ctx.store, ctx.body
    connection = store.connections.get(body["connectionId"])
    if connection is None or connection["deletedAt"] is not None:
        raise ApiError(404, f"Connection with id {body['connectionId']} does not exist")
    kind = body["modelKind"]
    existing_schema = schema_model(store, connection["id"])
    if kind == "SCHEMA" and existing_schema is not None:
        raise bad_request("Schema model already exists for the connection")
    if kind != "SCHEMA" and existing_schema is None:
        raise bad_request("Schema model does not exist when creating a non-schema model")
    base_id = body.get("baseModelId")
    if kind in NEEDS_BASE and not base_id:
        raise bad_request(f"baseModelId: Required for {kind} models")
    if base_id is not None:
        base = store.models.get(base_id)
        if base is None or base["deletedAt"] is not None:
            raise ApiError(404, f"Base model with id {base_id} does not exist")
    if kind == "SCHEMA":
        name = body.get("modelName") or connection["name"]
    else:
        name = body.get("modelName")
    stamp = now()
    model = {
        "id": new_id(),
        "baseModelId": base_id,
        "connectionId": connection["id"],
        "modelKind": kind,
        "name": name,
        "accessGrants": body.get("accessGrants", []),
        "allowAsWorkbookBase": body.get("allowAsWorkbookBase", False),
        "createdAt": stamp,
        "updatedAt": stamp,
        "deletedAt": None,
    }
    store.models[model["id"]] = model
    return {"success": True, "model": {"id": model["id"], "modelKind": kind, "name": name}}


def list_models(ctx: Context) -> dict:
    from ..pagination import cursor_page, sort_records

    q = ctx.query
    records = [_view(m) for m in ctx.store.models.values()]
    if q.get("includeDeleted") not in ("1", "true"):
        records = [r for r in records if r["deletedAt"] is None]
    for field in ("modelId", "connectionId", "baseModelId", "modelKind"):
        if q.get(field):
            key = "id" if field == "modelId" else field
            records = [r for r in records if r[key] == q[field]]
    if q.get("name"):
        records = [r for r in records if q["name"].lower() in (r["name"] or "").lower()]
    records = sort_records(
        records, q.get("sortField") or "updatedAt", q.get("sortDirection") or "desc"
    )
    if "activeBranches" in (q.get("include") or "").split(","):
        for record in records:
            record["branches"] = []
    return cursor_page(records, q.get("cursor"), q.get("pageSize"))


def rename_model(ctx: Context) -> dict:
    model = model_or_404(ctx.store, ctx.params["modelId"])
    model["name"] = ctx.body["name"]
    model["updatedAt"] = now()
    return {"success": True, "model": {"id": model["id"], "name": model["name"]}}


def refresh_model(ctx: Context) -> dict:
    q = ctx.query
    model = model_or_404(ctx.store, ctx.params["modelId"])
    hard = q.get("hard_refresh", "true") == "true"
    if hard and (q.get("schemas") or q.get("tables")):
        raise bad_request("Selective schemas/tables refresh requires hard_refresh=false")
    if q.get("branch_id"):
        raise bad_request(
            "branch_id is not allowed when branch-based schema refresh is not enabled"
        )
    job = {
        "id": new_id(),
        "type": "REFRESH_SCHEMA",
        "modelId": model["id"],
        "hardRefresh": hard,
        "schemas": q.get("schemas"),
        "tables": q.get("tables"),
        "polls": 0,
        "createdAt": now(),
    }
    ctx.store.jobs[job["id"]] = job
    return {"jobId": job["id"], "modelId": model["id"], "status": "running"}


def job_status(ctx: Context) -> dict:
    job = ctx.store.jobs.get(ctx.params["jobId"])
    if job is None:
        raise not_found(f"Job with id {ctx.params['jobId']} does not exist")
    job["polls"] += 1
    done = job["polls"] > ctx.emulator.job_polls_in_progress
    status = ctx.emulator.job_outcome if done else "IN_PROGRESS"
    return {"job_id": job["id"], "job_type": job["type"], "status": status}


_ID = ("modelId",)
ROUTES = [
    Route("GET", "/api/v1/models", list_models, query=LIST_QUERY),
    Route("POST", "/api/v1/models", create_model, body=MODEL_CREATE),
    Route("PATCH", "/api/v1/models/{modelId}", rename_model, body=MODEL_RENAME, uuid_params=_ID),
    Route(
        "POST",
        "/api/v1/models/{modelId}/refresh",
        refresh_model,
        query=REFRESH_QUERY,
        uuid_params=_ID,
    ),
    Route("GET", "/api/v1/jobs/{jobId}/status", job_status),
]
