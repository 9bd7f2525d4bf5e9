"""SchemaRefreshSchedule: when Omni refreshes a connection's schema model.

A schedule lives under its connection (``/api/v1/connections/{id}/schedules/{scheduleId}``), so the
Pulumi id is ``<connection_id>/<schedule_id>``. Omni validates the cron and the time zone only when
the request arrives; check validates both so ``pulumi preview`` names the mistake first.

A schedule refreshes the connection's SCHEMA model, and a live Omni refuses to create one until that
model exists, saying instead that the connection does not exist (ashima-omni/terraform-provider-omni
docs/TEST-CASES.md, finding 25). Create looks into such a 404 and names the real cause and the fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any

import pulumi

from omni_pulumi.client import OmniClient, quote_segment
from omni_pulumi.errors import OmniApiError, OmniNotFound
from omni_pulumi.resource import OmniResource, given
from omni_pulumi.resources._composite_id import join_id, split_id
from omni_pulumi.resources._cron import validate_aws_cron, validate_timezone
from omni_pulumi.resources._types import Uuid
from omni_pulumi.spec import Arg, OmniArgs, Output, ResourceSpec

ID_FORM = "<connection_id>/<schedule_id>"
MODELS = "/api/v1/models"


class SchemaRefreshScheduleArgs(OmniArgs):
    connection_id: Annotated[
        Uuid,
        Arg(
            hint="pass a Connection's `id` (a uuid)",
            doc="The connection whose schema is refreshed. A change replaces the schedule.",
        ),
    ]
    schedule: Annotated[
        str,
        Arg(
            updatable=True,
            hint="use a 6-field AWS cron such as '0 9 * * ? *'",
            doc="A 6-field AWS EventBridge cron: `minute hour day-of-month month day-of-week "
            "year`, with `?` in one of the day fields, e.g. `0 9 * * ? *` (09:00 every day).",
        ),
    ]
    timezone: Annotated[
        str,
        Arg(
            updatable=True,
            hint="use an IANA time zone such as 'UTC' or 'Europe/Paris'",
            doc="The IANA time zone the cron is read in, e.g. `UTC` or `America/New_York`.",
        ),
    ]
    hard_refresh: Annotated[
        bool,
        Arg(
            updatable=True,
            doc="Discard and rebuild the schema model on each run. Unset (false): a soft refresh "
            "that merges newly generated views into the existing model.",
        ),
    ] = False


def _path(connection_id: str, schedule_id: str | None = None) -> str:
    path = f"/api/v1/connections/{quote_segment(connection_id)}/schedules"
    return f"{path}/{quote_segment(schedule_id)}" if schedule_id else path


def _body(args: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "schedule": args["schedule"],
        "timezone": args["timezone"],
        "hardRefresh": bool(args.get("hard_refresh")),
    }


def _observed(record: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "connection_id": record["connectionId"],
        "schedule": record["schedule"],
        "timezone": record["timezone"],
        "hard_refresh": bool(record.get("hardRefresh", False)),
        "schedule_id": record["scheduleId"],
        "description": record.get("description"),
        "disabled_at": record.get("disabledAt"),
    }


class SchemaRefreshScheduleSpec(ResourceSpec):
    type_name = "SchemaRefreshSchedule"
    args_model = SchemaRefreshScheduleArgs
    id_doc = f"`{ID_FORM}`"
    outputs = {
        "schedule_id": Output("Omni's id of the schedule (a uuid)."),
        "description": Output("Omni's human-readable description of the schedule."),
        "disabled_at": Output(
            "When Omni disabled the schedule (ISO 8601), or null while it is active."
        ),
    }
    notes = """\
- **The connection needs its SCHEMA model first.** Omni refuses to create a schedule on a
  connection that has no SCHEMA model yet, and says `Connection with id … does not exist` although
  the connection exists. The provider names the real cause instead. Declare the connection's SCHEMA
  `Model` and make the schedule depend on it, most simply by taking the connection id from it:

  ```python
  schema = omni.Model("schema", connection_id=warehouse.id, model_kind="SCHEMA")
  omni.SchemaRefreshSchedule("nightly", connection_id=schema.connection_id,
                             schedule="0 3 * * ? *", timezone="UTC")
  ```
- Several schedules may exist per connection; Omni gives them no name, so a create whose answer was
  lost is matched to an existing schedule with the same cron, time zone and refresh kind.
- Omni may disable a schedule on its own (`disabled_at`); the API cannot enable it again, so delete
  and recreate it (`pulumi up --replace`).
- Every call needs the Connection Admin role on the connection.
"""

    def check_rules(self, args: dict[str, Any], unknown: set[str]) -> Iterable[tuple[str, str]]:
        if "schedule" not in unknown and args.get("schedule") is not None:
            reason = validate_aws_cron(args["schedule"])
            if reason:
                yield "schedule", reason
        if "timezone" not in unknown and args.get("timezone") is not None:
            reason = validate_timezone(args["timezone"])
            if reason:
                yield "timezone", reason

    def create(self, client: OmniClient, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        try:
            made = client.post(_path(args["connection_id"]), json=_body(args))
        except OmniNotFound as exc:
            raise _explained(client, args["connection_id"], exc) from None
        return join_id(args["connection_id"], made["scheduleId"]), _observed(made)

    def read(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> dict[str, Any] | None:
        connection_id, schedule_id = split_id(id_, self.type_name, ID_FORM)
        try:
            return _observed(client.get(_path(connection_id, schedule_id)))
        except OmniNotFound:
            return None

    def update(
        self, client: OmniClient, id_: str, olds: Mapping[str, Any], news: dict[str, Any]
    ) -> dict[str, Any]:
        connection_id, schedule_id = split_id(id_, self.type_name, ID_FORM)
        return _observed(client.put(_path(connection_id, schedule_id), json=_body(news)))

    def delete(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> None:
        connection_id, schedule_id = split_id(id_, self.type_name, ID_FORM)
        client.delete(_path(connection_id, schedule_id))

    def find_existing(self, client: OmniClient, args: dict[str, Any]) -> str | None:
        listing = client.get(_path(args["connection_id"])) or {}
        wanted = _body(args)
        same = [
            record
            for record in listing.get("schedules") or []
            if {key: record.get(key) for key in wanted} == wanted
        ]
        if not same:
            return None
        newest = max(same, key=lambda record: record.get("createdAt") or "")
        return join_id(args["connection_id"], newest["scheduleId"])


def _explained(client: OmniClient, connection_id: str, exc: OmniNotFound) -> OmniApiError:
    """Omni's 404 to a create, with its real cause: a live Omni says the connection does not exist
    when the connection has no SCHEMA model yet (finding 25)."""
    if not _has_schema_model(client, connection_id):
        return exc.with_hint(
            f"connection_id {connection_id}: the connection has no SCHEMA model yet, and Omni "
            "creates no schema refresh schedule until it has one (its 404 wrongly says the "
            "connection does not exist). Declare the connection's SCHEMA Model and make this "
            "schedule depend on it: `connection_id=schema.connection_id`, or "
            "`opts=pulumi.ResourceOptions(depends_on=[schema])`"
        )
    return exc


def _has_schema_model(client: OmniClient, connection_id: str) -> bool:
    """Whether the connection has a live SCHEMA model; ``True`` when the connection itself is gone,
    so that Omni's own answer ("does not exist") stands."""
    try:
        answer = client.get(f"/api/v1/connections/{quote_segment(connection_id)}") or {}
    except OmniNotFound:
        return True
    if (answer.get("connection") or {}).get("deletedAt"):
        return True
    params = {"connectionId": connection_id, "modelKind": "SCHEMA"}
    return any(not record.get("deletedAt") for record in client.paginate_cursor(MODELS, params))


class SchemaRefreshSchedule(OmniResource, spec=SchemaRefreshScheduleSpec):
    """A schema refresh schedule of an Omni connection. ``adopt_id`` is
    ``<connection_id>/<schedule_id>``."""

    connection_id: pulumi.Output[str]
    schedule: pulumi.Output[str]
    timezone: pulumi.Output[str]
    hard_refresh: pulumi.Output[bool]
    schedule_id: pulumi.Output[str]
    description: pulumi.Output[str]
    disabled_at: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        *,
        connection_id: pulumi.Input[str],
        schedule: pulumi.Input[str],
        timezone: pulumi.Input[str],
        hard_refresh: pulumi.Input[bool] | None = None,
        adopt_id: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, given(locals()), opts)
