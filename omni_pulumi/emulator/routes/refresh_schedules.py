"""Schema refresh schedules of a connection: AWS cron, IANA timezone, hard or soft refresh.

A schedule refreshes the connection's schema model, and a live Omni refuses to create one before
that model exists (unless ``ctx.emulator.spec_only``).
"""

from __future__ import annotations

from typing import Any

from ..cron import describe, is_valid_aws_cron
from ..errors import ApiError, not_found
from ..store import new_id
from ..validation import boolean, obj, string
from . import Context, Route, created
from .common import check_timezone, connection_or_404, now
from .models import schema_model

REFRESH_SCHEDULE = obj(
    {"schedule*": string(), "timezone*": string(), "hardRefresh": boolean(default=False)}
)


def _checked(ctx: Context) -> dict[str, Any]:
    body = ctx.body
    if not is_valid_aws_cron(body["schedule"]):
        raise ApiError(400, "Invalid cron expression")
    check_timezone(body["timezone"], "timezone", "Invalid timezone")
    return {
        "schedule": body["schedule"],
        "timezone": body["timezone"],
        "hardRefresh": body["hardRefresh"],
        "description": describe(body["schedule"], body["timezone"]),
    }


def _view(record: dict[str, Any]) -> dict[str, Any]:
    keys = ("scheduleId", "connectionId", "schedule", "timezone", "hardRefresh", "description")
    return {k: record[k] for k in (*keys, "createdAt", "updatedAt", "disabledAt")}


def _schedule_or_404(ctx: Context) -> dict[str, Any]:
    connection_or_404(ctx.store, ctx.params["connectionId"])
    record = ctx.store.refresh_schedules.get(ctx.params["scheduleId"])
    if record is None:
        raise not_found("Schedule not found")
    if record["connectionId"] != ctx.params["connectionId"]:
        raise not_found("Schedule belongs to a different connection")
    return record


def create_schedule(ctx: Context):
    connection = connection_or_404(ctx.store, ctx.params["connectionId"])
    if not ctx.emulator.spec_only and schema_model(ctx.store, connection["id"]) is None:
        # Live finding 25 (ashima-omni/terraform-provider-omni docs/TEST-CASES.md): until the
        # connection has a schema model, creating a schedule answers that the connection does not
        # exist, while GET and PATCH on the same connection answer 200.
        raise not_found(f"Connection with id {connection['id']} does not exist")
    stamp = now()
    record = {
        "scheduleId": new_id(),
        "connectionId": connection["id"],
        **_checked(ctx),
        "createdAt": stamp,
        "updatedAt": stamp,
        "disabledAt": None,
    }
    ctx.store.refresh_schedules[record["scheduleId"]] = record
    return created(_view(record))


def list_schedules(ctx: Context) -> dict:
    connection = connection_or_404(ctx.store, ctx.params["connectionId"])
    records = [
        r for r in ctx.store.refresh_schedules.values() if r["connectionId"] == connection["id"]
    ]
    return {"schedules": [_view(r) for r in records]}


def get_schedule(ctx: Context) -> dict:
    return _view(_schedule_or_404(ctx))


def update_schedule(ctx: Context) -> dict:
    record = _schedule_or_404(ctx)
    record.update(_checked(ctx), updatedAt=now())
    return _view(record)


def delete_schedule(ctx: Context) -> dict:
    record = _schedule_or_404(ctx)
    del ctx.store.refresh_schedules[record["scheduleId"]]
    return {"success": True}


_ALL = "/api/v1/connections/{connectionId}/schedules"
_ONE = "/api/v1/connections/{connectionId}/schedules/{scheduleId}"
_IDS = ("connectionId", "scheduleId")
ROUTES = [
    Route("GET", _ALL, list_schedules, uuid_params=_IDS[:1]),
    Route("POST", _ALL, create_schedule, body=REFRESH_SCHEDULE, uuid_params=_IDS[:1]),
    Route("GET", _ONE, get_schedule, uuid_params=_IDS),
    Route("PUT", _ONE, update_schedule, body=REFRESH_SCHEDULE, uuid_params=_IDS),
    Route("DELETE", _ONE, delete_schedule, uuid_params=_IDS),
]
