"""SchemaRefreshSchedule: when Omni refreshes a connection's schema model.

A schedule lives under its connection (``/api/v1/connections/{id}/schedules/{scheduleId}``), so the
Pulumi id is ``<connection_id>/<schedule_id>``. Omni validates the cron and the time zone only when
the request arrives; check validates both so ``pulumi preview`` names the mistake first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from omni_pulumi.client import OmniClient
from omni_pulumi.resources._cron import validate_aws_cron, validate_timezone
from omni_pulumi.resources._types import Uuid
from omni_pulumi.spec import Arg, Listing, OmniArgs, Output, ResourceSpec


class SchemaRefreshScheduleArgs(OmniArgs):
    connection_id: Annotated[
        Uuid,
        Arg(
            in_path=True,
            ref="Connection",
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


class SchemaRefreshScheduleSpec(ResourceSpec, register=True):
    """A schema refresh schedule of an Omni connection."""

    type_name = "SchemaRefreshSchedule"
    title = None
    export_label = "{connection_id} schema refresh"
    path = "/api/v1/connections/{connection_id}/schedules"
    listing = Listing(path, records="schedules")
    id_api = "scheduleId"
    id_name = "schedule_id"
    args_model = SchemaRefreshScheduleArgs
    id_doc = "`<connection_id>/<schedule_id>`"
    outputs = {
        "schedule_id": Output("Omni's id of the schedule (a uuid).", api="scheduleId"),
        "description": Output("Omni's human-readable description of the schedule."),
        "disabled_at": Output(
            "When Omni disabled the schedule (ISO 8601), or null while it is active."
        ),
    }
    notes = (
        "Several schedules may exist per connection; Omni gives them no name, so a create whose "
        "answer was lost is matched to an existing schedule with the same cron, time zone and "
        "refresh kind. Omni may disable a schedule on its own (`disabled_at`); the API cannot "
        "enable it again, so delete and recreate it (`pulumi up --replace`). Every call needs the "
        "Connection Admin role on the connection."
    )

    def check_rules(self, args: dict[str, Any], unknown: set[str]) -> Iterable[tuple[str, str]]:
        if "schedule" not in unknown and args.get("schedule") is not None:
            reason = validate_aws_cron(args["schedule"])
            if reason:
                yield "schedule", reason
        if "timezone" not in unknown and args.get("timezone") is not None:
            reason = validate_timezone(args["timezone"])
            if reason:
                yield "timezone", reason

    def find_existing(self, client: OmniClient, args: dict[str, Any]) -> str | None:
        # Schedules have no name: the newest with the same settings is the one the lost
        # create made.
        wanted = self.body(args)
        same = [
            record
            for record in self.list_records(client, {"connection_id": args["connection_id"]})
            if {key: record.get(key) for key in wanted} == wanted
        ]
        if not same:
            return None
        return self.id_of(args, max(same, key=lambda record: record.get("createdAt") or ""))
