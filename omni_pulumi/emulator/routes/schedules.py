"""Dashboard schedules (deliveries and alerts).

Checked like Omni: AWS cron, IANA time zones, an existing dashboard, filter keys and query keys
that exist on it, and the fields of the chosen destination (and no other destination's).
"""

from __future__ import annotations

from typing import Any

from ..cron import is_valid_aws_cron
from ..errors import ApiError, bad_request, not_found
from ..pagination import numbered_page, sort_records
from ..store import Store, new_id
from ..validation import array, boolean, free_object, integer, obj, partial, string, uuid_str
from . import Context, Route
from .common import (
    SORT_DIRECTION,
    USER_ID,
    acting_user,
    check_timezone,
    dashboard_or_404,
    now,
    user_or_404,
)

DESTINATIONS = ("email", "webhook", "sftp", "slack", "s3")
FORMATS = ("link_only", "pdf", "png", "csv", "xlsx", "json")
CONDITIONS = ("RESULTS_CHANGED", "RESULTS_UNCHANGED", "RESULTS_PRESENT", "RESULTS_MISSING")
#: Fields that belong to one destination (or format) only.
DESTINATION_FIELDS = {
    "email": ("recipients", "fanOut"),
    "webhook": ("webhookUrl",),
    "slack": ("slackRecipientType",),
    "s3": ("bucketName", "keyPrefix", "region", "roleArn"),
}
REQUIRED_FIELDS = {
    "email": ("recipients",),
    "webhook": ("webhookUrl",),
    "slack": ("slackRecipientType",),
    "s3": ("bucketName", "region", "roleArn"),
}
FORMAT_FIELDS = {"hideTitle": ("pdf", "png"), "hideHiddenFields": ("csv", "xlsx")}
METADATA_FIELDS = (
    "enableFormatting",
    "hideHiddenFields",
    "hideTitle",
    "showContentLink",
    "showFilters",
)

SCHEDULE = obj(
    {
        "identifier*": string(),
        "name*": string(),
        "schedule*": string(),
        "timezone*": string(),
        "format*": string(enum=FORMATS),
        "destinationType*": string(enum=DESTINATIONS),
        "bucketName": string(),
        "conditionQueryMapKey": string(),
        "conditionType": string(enum=CONDITIONS),
        "enableFormatting": boolean(),
        "fanOut": boolean(),
        "filterConfig": free_object(),
        "hideHiddenFields": boolean(),
        "hideTitle": boolean(),
        "keyPrefix": string(),
        "killJobsOnFailure": boolean(),
        "recipients": array(obj({"email*": string(fmt="email")})),
        "region": string(),
        "roleArn": string(),
        "showContentLink": boolean(),
        "showFilters": boolean(),
        "slackRecipientType": string(enum=("channel", "users")),
        "testNow": boolean(),
        "timezoneOverride": string(nullable=True),
        "webhookUrl": string(fmt="uri"),
    }
)
SCHEDULE_UPDATE = partial(SCHEDULE)
CREATE_QUERY = obj({"userId": USER_ID})
GET_QUERY = obj({"userId": USER_ID})
LIST_QUERY = obj(
    {
        "cursor": string(min_len=1),
        "pageSize": integer(minimum=1, maximum=100, default=20),
        "sortDirection": SORT_DIRECTION,
        "sortField": string(
            enum=("scheduleName", "dashboardName", "ownerName", "lastRun", "lastRunStatus")
        ),
        "contentType": string(enum=("dashboard", "single tile")),
        "embedEntity": string(),
        "destination": string(enum=("email", "google_sheets", "s3", "sftp", "slack", "webhook")),
        "identifier": string(),
        "ownerId": uuid_str(),
        "q": string(),
        "scheduleType": string(enum=("alert", "schedule")),
        "status": string(enum=("success", "error", "canceled", "none")),
    }
)
RECIPIENTS_CHANGE = obj(
    {
        "emails": array(string(fmt="email"), default=[]),
        "userGroupIds": array(uuid_str(), default=[]),
        "userIds": array(uuid_str(), default=[]),
    }
)
TRANSFER = obj({"userId*": uuid_str()})
DELIVERER_ROLE_ARN = "arn:aws:iam::000000000000:role/omni-emulator-deliverer"


def _check(store: Store, settings: dict[str, Any]) -> dict[str, Any]:
    """Omni's rules for a whole schedule; returns its dashboard."""
    if not is_valid_aws_cron(settings["schedule"]):
        raise bad_request("schedule: Schedule is an invalid cron expression")
    check_timezone(settings["timezone"], "timezone", "Time zone must be IANA valid.")
    check_timezone(
        settings.get("timezoneOverride"), "timezoneOverride", "Time zone must be IANA valid."
    )
    dashboard = dashboard_or_404(store, settings["identifier"])
    destination = settings["destinationType"]
    if destination == "sftp":
        raise bad_request(
            "destinationType: sftp destinations cannot be configured through this API"
        )
    for other, fields in DESTINATION_FIELDS.items():
        for field in fields:
            if other != destination and field in settings:
                raise bad_request(f"{field}: Only allowed for {other} destinations")
    for field in REQUIRED_FIELDS.get(destination, ()):
        if not settings.get(field):
            raise bad_request(f"{field}: Required for {destination} destinations")
    for field, formats in FORMAT_FIELDS.items():
        if settings.get(field) and settings["format"] not in formats:
            raise bad_request(f"{field}: Only allowed for {' and '.join(formats)} formats")
    bucket = settings.get("bucketName")
    if bucket is not None and not (3 <= len(bucket) <= 63 and bucket == bucket.lower()):
        raise bad_request("bucketName: Must be 3-63 characters, lowercase")
    filters = settings.get("filterConfig") or {}
    unknown = [k for k in filters if k not in dashboard["filterKeys"]]
    if unknown:
        raise bad_request(
            f"Invalid filter keys found in schedule configuration: {', '.join(unknown)}. "
            f"Available dashboard filter keys are: {', '.join(dashboard['filterKeys'])}."
        )
    if ("conditionType" in settings) != ("conditionQueryMapKey" in settings):
        raise bad_request("Must provide both a trigger query and an alert condition type")
    key = settings.get("conditionQueryMapKey")
    if key is not None and key not in dashboard["queryMapKeys"]:
        raise bad_request(f"conditionQueryMapKey: Query {key} does not exist on the dashboard")
    if settings.get("testNow") and settings.get("conditionType") == "RESULTS_CHANGED":
        raise bad_request("testNow: Not allowed with RESULTS_CHANGED alerts")
    return dashboard


def _schedule_or_404(ctx: Context) -> dict[str, Any]:
    record = ctx.store.schedules.get(ctx.params["scheduleId"])
    if record is None:
        raise not_found("Schedule not found")
    return record


def _emails(record: dict[str, Any]) -> list[str]:
    return [r["email"] for r in record["settings"].get("recipients", [])]


def _member(store: Store, email: str) -> dict[str, Any] | None:
    return next((u for u in store.users.values() if u["email"].lower() == email.lower()), None)


def create_schedule(ctx: Context):
    owner = acting_user(ctx, ctx.query.get("userId"))
    settings = dict(ctx.body)
    _check(ctx.store, settings)
    if settings.pop("testNow", False):
        return {"message": "Schedule test delivery started"}
    stamp = now()
    record = {
        "id": new_id(),
        "destinationId": new_id(),
        "ownerId": owner,
        "settings": settings,
        "createdAt": stamp,
        "updatedAt": stamp,
        "disabledAt": None,
    }
    ctx.store.schedules[record["id"]] = record
    answer: dict[str, Any] = {"id": record["id"], "message": "Schedule created successfully"}
    if settings["destinationType"] == "s3":
        answer.update(delivererRoleArn=DELIVERER_ROLE_ARN, externalId=ctx.store.organization_id)
    return answer


def _recipients(store: Store, record: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for email in _emails(record):
        user = _member(store, email)
        if user is not None:
            found.append(
                {
                    "id": new_id(),
                    "membershipId": user["id"],
                    "membership": {"user": {"email": user["email"], "name": user["name"]}},
                }
            )
    return found


def _detail(ctx: Context, record: dict[str, Any]) -> dict[str, Any]:
    s = record["settings"]
    owner = ctx.store.users.get(record["ownerId"], {"name": "Unknown"})
    destination_meta = {"type": s["destinationType"]}
    for field in DESTINATION_FIELDS.get(s["destinationType"], ()):
        if field in s:
            destination_meta[field] = _emails(record) if field == "recipients" else s[field]
    metadata = {k: s[k] for k in METADATA_FIELDS if k in s}
    metadata["timezoneOverride"] = s.get("timezoneOverride")
    return {
        "id": record["id"],
        "name": s["name"],
        "schedule": s["schedule"],
        "timezone": s["timezone"],
        "entityId": s["identifier"],
        "conditionType": s.get("conditionType"),
        "conditionQueryMapKey": s.get("conditionQueryMapKey"),
        "fanOut": s.get("fanOut", False),
        "killJobsOnFailure": s.get("killJobsOnFailure", False),
        "filterConfig": s.get("filterConfig", {}),
        "metadata": metadata,
        "destinations": [
            {
                "id": record["destinationId"],
                "format": s["format"],
                "lastCompletedAt": None,
                "lastStatus": None,
                "metadata": destination_meta,
                "recipients": _recipients(ctx.store, record),
                "userGroupRecipients": [],
            }
        ],
        "organizationId": ctx.store.organization_id,
        "owner": {"name": owner["name"]},
        "ownerId": record["ownerId"],
        "createdAt": record["createdAt"],
        "updatedAt": record["updatedAt"],
        "disabledAt": record["disabledAt"],
        "systemDisabledAt": None,
        "systemDisabledReason": None,
    }


def _summary(store: Store, record: dict[str, Any]) -> dict[str, Any]:
    s = record["settings"]
    owner = store.users.get(record["ownerId"], {"name": "Unknown"})
    dashboard = store.documents.get(s["identifier"], {"name": ""})
    summary = {
        "id": record["id"],
        "name": s["name"],
        "schedule": s["schedule"],
        "timezone": s["timezone"],
        "identifier": s["identifier"],
        "dashboardName": dashboard["name"],
        "ownerId": record["ownerId"],
        "ownerName": owner["name"],
        "destinationType": s["destinationType"],
        "format": s["format"],
        "content": "dashboard",
        "recipientCount": len(_emails(record)) if s["destinationType"] == "email" else -1,
        "slackRecipientType": s.get("slackRecipientType"),
        "disabledAt": record["disabledAt"],
        "lastCompletedAt": None,
        "lastStatus": None,
        "systemDisabledAt": None,
        "systemDisabledReason": None,
    }
    if s.get("conditionType"):
        summary["alert"] = {
            "conditionType": s["conditionType"],
            "conditionQueryName": s["conditionQueryMapKey"],
        }
    return summary


_SORT_FIELDS = {"scheduleName": "name", "dashboardName": "dashboardName", "ownerName": "ownerName",
                "lastRun": "lastCompletedAt", "lastRunStatus": "lastStatus"}  # fmt: skip


def list_schedules(ctx: Context) -> dict:
    q = ctx.query
    rows = [_summary(ctx.store, r) for r in ctx.store.schedules.values()]
    if q.get("q"):
        needle = q["q"].lower()
        rows = [
            r for r in rows
            if any(needle in (r[k] or "").lower() for k in ("name", "dashboardName", "ownerName"))
        ]  # fmt: skip
    filters = {"destination": "destinationType", "identifier": "identifier", "ownerId": "ownerId"}
    for param, key in filters.items():
        if q.get(param):
            rows = [r for r in rows if r[key] == q[param]]
    if q.get("scheduleType"):
        rows = [r for r in rows if ("alert" in r) == (q["scheduleType"] == "alert")]
    if q.get("contentType") == "single tile" or q.get("embedEntity"):
        rows = []
    if q.get("status"):
        rows = [r for r in rows if r["lastStatus"] is None and q["status"] == "none"]
    field = _SORT_FIELDS[q.get("sortField") or "scheduleName"]
    rows = sort_records(rows, field, q.get("sortDirection") or "desc")
    return numbered_page(rows, q.get("cursor"), q.get("pageSize"))


def get_schedule(ctx: Context) -> dict:
    if ctx.query.get("userId"):
        acting_user(ctx, ctx.query["userId"])
    return _detail(ctx, _schedule_or_404(ctx))


def update_schedule(ctx: Context) -> dict:
    record = _schedule_or_404(ctx)
    merged = {**record["settings"], **ctx.body}
    if (
        "destinationType" in ctx.body
        and ctx.body["destinationType"] != record["settings"]["destinationType"]
    ):
        for field in (f for fields in DESTINATION_FIELDS.values() for f in fields):
            if field not in ctx.body:
                merged.pop(field, None)
    merged.pop("testNow", None)
    _check(ctx.store, merged)
    record.update(settings=merged, updatedAt=now())
    return {"success": True, "scheduledTaskId": record["id"]}


def delete_schedule(ctx: Context) -> dict:
    record = _schedule_or_404(ctx)
    del ctx.store.schedules[record["id"]]
    return {"success": True}


def pause(ctx: Context) -> dict:
    record = _schedule_or_404(ctx)
    if record["disabledAt"] is not None:
        raise ApiError(400, "Schedule is already paused")
    record["disabledAt"] = now()
    return {"success": True}


def resume(ctx: Context) -> dict:
    record = _schedule_or_404(ctx)
    if record["disabledAt"] is None:
        raise ApiError(400, "Schedule is already resumed")
    record["disabledAt"] = None
    return {"success": True}


def trigger(ctx: Context) -> dict:
    record = _schedule_or_404(ctx)
    if record["disabledAt"] is not None:
        raise ApiError(409, "Schedule cannot be triggered while it is paused")
    return {"success": True}


def transfer_ownership(ctx: Context) -> dict:
    record = _schedule_or_404(ctx)
    user = user_or_404(ctx.store, ctx.body["userId"])
    if user["id"] == record["ownerId"]:
        raise ApiError(400, "User already owns the schedule")
    record.update(ownerId=user["id"], updatedAt=now())
    return {"success": True}


def get_recipients(ctx: Context) -> dict:
    record = _schedule_or_404(ctx)
    kind = record["settings"]["destinationType"]
    if kind != "email":
        return {"type": kind}
    rows = []
    for email in _emails(record):
        user = _member(ctx.store, email)
        rows.append(
            {
                "id": user["id"] if user else f"email:{email}",
                "email": email,
                "name": user["name"] if user else email,
            }
        )
    return {"type": "email", "recipients": rows, "userGroupRecipients": []}


def _recipient_change(ctx: Context) -> tuple[dict[str, Any], list[str]]:
    record = _schedule_or_404(ctx)
    body = ctx.body
    if not (body["emails"] or body["userIds"] or body["userGroupIds"]):
        raise ApiError(400, "At least one recipient must be provided")
    if record["settings"]["destinationType"] != "email":
        raise ApiError(400, "Recipients can only be changed on email schedules")
    missing = [u for u in body["userIds"] if u not in ctx.store.users]
    if missing:
        raise ApiError(
            400,
            "Invalid recipient(s): The following members do not exist or do not have access to "
            f"this organization: {', '.join(missing)}",
        )
    emails = list(body["emails"]) + [ctx.store.users[u]["email"] for u in body["userIds"]]
    return record, emails


def add_recipients(ctx: Context) -> dict:
    record, emails = _recipient_change(ctx)
    current = _emails(record)
    new = [e for e in dict.fromkeys(emails) if e.lower() not in {c.lower() for c in current}]
    record["settings"]["recipients"] = [{"email": e} for e in current + new]
    return {"success": True, "addedRecipientsCount": len(new), "addedGroupRecipientsCount": 0}


def remove_recipients(ctx: Context) -> dict:
    record, emails = _recipient_change(ctx)
    drop = {e.lower() for e in emails}
    current = _emails(record)
    kept = [e for e in current if e.lower() not in drop]
    record["settings"]["recipients"] = [{"email": e} for e in kept]
    removed = len(current) - len(kept)
    return {"success": True, "removedRecipientsCount": removed, "removedGroupRecipientsCount": 0}


_ALL = "/api/v1/schedules"
_ONE = "/api/v1/schedules/{scheduleId}"
_ID = ("scheduleId",)
ROUTES = [
    Route("GET", _ALL, list_schedules, query=LIST_QUERY),
    Route("POST", _ALL, create_schedule, body=SCHEDULE, query=CREATE_QUERY),
    Route("GET", _ONE, get_schedule, query=GET_QUERY, uuid_params=_ID),
    Route("PUT", _ONE, update_schedule, body=SCHEDULE_UPDATE, uuid_params=_ID),
    Route("DELETE", _ONE, delete_schedule, uuid_params=_ID),
    Route("PUT", f"{_ONE}/pause", pause, uuid_params=_ID),
    Route("PUT", f"{_ONE}/resume", resume, uuid_params=_ID),
    Route("POST", f"{_ONE}/trigger", trigger, uuid_params=_ID),
    Route("PUT", f"{_ONE}/transfer-ownership", transfer_ownership, body=TRANSFER, uuid_params=_ID),
    Route("GET", f"{_ONE}/recipients", get_recipients, uuid_params=_ID),
    Route("PUT", f"{_ONE}/add-recipients", add_recipients, body=RECIPIENTS_CHANGE, uuid_params=_ID),
    Route(
        "PUT",
        f"{_ONE}/remove-recipients",
        remove_recipients,
        body=RECIPIENTS_CHANGE,
        uuid_params=_ID,
    ),
]
