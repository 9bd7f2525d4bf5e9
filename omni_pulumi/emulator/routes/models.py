"""Models (create, list, rename, archive), schema refresh and its job status.

One SCHEMA model per connection; every other kind needs the connection's SCHEMA model first.
A refresh job answers IN_PROGRESS for ``Emulator.job_polls_in_progress`` polls, then
``Emulator.job_outcome``: deterministic and as fast as the client polls.

Where a live Omni was seen to answer otherwise than the spec reads, these handlers answer as the
live instance did, unless ``ctx.emulator.spec_only``. Each such place names its source: a finding of
ashima-omni/terraform-provider-omni docs/TEST-CASES.md ("Known findings", run against a live
playground in September 2026) or a page of docs.omni.co.
"""

from __future__ import annotations

from typing import Any

from ..errors import ApiError, bad_request, not_found
from ..store import Store, new_id
from ..validation import array, boolean, free_object, integer, obj, string, uuid_str
from . import Context, Reply, Route
from .common import SORT_DIRECTION, model_or_404, now

CREATABLE_KINDS = ("SCHEMA", "SHARED", "SHARED_EXTENSION", "BRANCH", "QUERY")
LISTABLE_KINDS = ("SCHEMA", "SHARED", "SHARED_EXTENSION", "BRANCH", "WORKBOOK", "QUERY")
NEEDS_BASE = ("SHARED_EXTENSION", "BRANCH", "QUERY")
#: The kinds ``DELETE /api/v1/models/{id}`` archives (docs.omni.co "Archive shared or extension
#: model"); the others are refused (live finding 32 for SCHEMA).
ARCHIVABLE_KINDS = ("SHARED", "SHARED_EXTENSION")
#: The kinds a live Omni refuses with a bare 404 until the connection's schema model has been
#: refreshed once (live finding 33).
NEED_REFRESHED_SCHEMA = ("SHARED", "SHARED_EXTENSION")

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


def live(ctx: Context) -> bool:
    """Whether to answer as a live Omni was seen to, rather than as the spec alone reads."""
    return not ctx.emulator.spec_only


def schema_refreshed(model: dict[str, Any]) -> bool:
    """Whether a schema model has finished a schema refresh. Models from a state file written
    before the emulator tracked this count as refreshed, so old state files keep working."""
    return model.get("schemaRefreshed", True)


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
    if live(ctx) and kind in NEED_REFRESHED_SCHEMA and not schema_refreshed(existing_schema):
        # Live finding 33: a shared model needs its connection's schema model to have been
        # *refreshed*, not merely to exist; until then POST /v1/models answers 404 with no detail.
        return Reply(404, None)
    base_id = body.get("baseModelId")
    if kind in NEEDS_BASE and not base_id:
        raise bad_request(f"baseModelId: Required for {kind} models")
    if base_id is not None:
        base = store.models.get(base_id)
        if base is None or base["deletedAt"] is not None:
            raise ApiError(404, f"Base model with id {base_id} does not exist")
    if kind == "SCHEMA" and live(ctx):
        # Live finding 31: Omni names a schema model after its connection, whatever the create
        # asks for. The spec's reading keeps the name asked for.
        name = connection["name"]
    elif kind == "SCHEMA":
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
    if kind == "SCHEMA":
        # Live finding 29: the API create only registers a schema model; its schema is built by
        # the separate asynchronous refresh (POST /v1/models/{id}/refresh). A completed refresh
        # job flips this (see job_status).
        model["schemaRefreshed"] = False
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
    if live(ctx):
        # Live finding 14: the rename happens, but the answer's fields come back empty.
        return {"success": True, "model": {"id": "", "name": ""}}
    return {"success": True, "model": {"id": model["id"], "name": model["name"]}}


def _descendants(store: Store, model_id: str) -> list[dict[str, Any]]:
    """Every live model built on ``model_id``, at any depth (extensions, branches, queries)."""
    found: list[dict[str, Any]] = []
    frontier = [model_id]
    while frontier:
        parent = frontier.pop()
        for model in store.models.values():
            if model["baseModelId"] == parent and model["deletedAt"] is None:
                found.append(model)
                frontier.append(model["id"])
    return found


def archive_model(ctx: Context) -> dict:
    """docs.omni.co "Archive shared or extension model": to the trash (``deletedAt``), with the
    child extension models built on it; a shared model's git configuration is removed. A SCHEMA
    model is refused with "Cannot delete a model with kind SCHEMA" (live finding 32); the docs
    send branches to their own route, so other kinds are refused alike."""
    model = model_or_404(ctx.store, ctx.params["modelId"])
    if model["modelKind"] not in ARCHIVABLE_KINDS:
        raise bad_request(f"Cannot delete a model with kind {model['modelKind']}")
    stamp = now()
    for each in (model, *_descendants(ctx.store, model["id"])):
        each["deletedAt"] = stamp
        each["updatedAt"] = stamp
        ctx.store.git_configs.pop(each["id"], None)
    return {"success": True}


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
    if "outcome" not in job and job["polls"] > ctx.emulator.job_polls_in_progress:
        job["outcome"] = ctx.emulator.job_outcome  # a finished job keeps its outcome
        _finished(ctx.store, job)
    status = job.get("outcome") or "IN_PROGRESS"
    return {"job_id": job["id"], "job_type": job["type"], "status": status}


def _finished(store: Store, job: dict[str, Any]) -> None:
    """What a job changes when it ends: a completed refresh has built the schema (finding 29)."""
    model = store.models.get(job["modelId"])
    if job["outcome"] == "COMPLETED" and model is not None and model["modelKind"] == "SCHEMA":
        model["schemaRefreshed"] = True


_ID = ("modelId",)
ROUTES = [
    Route("GET", "/api/v1/models", list_models, query=LIST_QUERY),
    Route("POST", "/api/v1/models", create_model, body=MODEL_CREATE),
    Route("PATCH", "/api/v1/models/{modelId}", rename_model, body=MODEL_RENAME, uuid_params=_ID),
    Route("DELETE", "/api/v1/models/{modelId}", archive_model, uuid_params=_ID),
    Route(
        "POST",
        "/api/v1/models/{modelId}/refresh",
        refresh_model,
        query=REFRESH_QUERY,
        uuid_params=_ID,
    ),
    Route("GET", "/api/v1/jobs/{jobId}/status", job_status),
]
