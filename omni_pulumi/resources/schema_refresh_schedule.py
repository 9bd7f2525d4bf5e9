"""SchemaRefreshSchedule: when Omni refreshes a connection's schema model.

A schedule lives under its connection (``/api/v1/connections/{id}/schedules/{scheduleId}``), so the
Pulumi id is ``<connection_id>/<schedule_id>``. Omni validates the cron and the time zone only when
the request arrives; check validates both so ``pulumi preview`` names the mistake first.
A schedule refreshes the connection's SCHEMA model, and a live Omni refuses to create one until that
model exists, saying instead that the connection does not exist (ashima-omni/terraform-provider-omni
docs/TEST-CASES.md, finding 25). Create looks into such a 404 and names the real cause and the fix.
"""

from __future__ import annotations

from typing import Annotated, Any

from omni_pulumi.argtypes import Uuid
from omni_pulumi.client import OmniClient
from omni_pulumi.cron import validate_aws_cron, validate_timezone
from omni_pulumi.errors import OmniApiError, OmniNotFound
from omni_pulumi.resources.connection import ConnectionSpec
from omni_pulumi.resources.model import ModelSpec
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
            check=validate_aws_cron,
            hint="use a 6-field AWS cron such as '0 9 * * ? *'",
            doc="A 6-field AWS EventBridge cron: `minute hour day-of-month month day-of-week "
            "year`, with `?` in one of the day fields, e.g. `0 9 * * ? *` (09:00 every day).",
        ),
    ]
    timezone: Annotated[
        str,
        Arg(
            updatable=True,
            check=validate_timezone,
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

    def create(self, client: OmniClient, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        try:
            return super().create(client, args)
        except OmniNotFound as exc:
            raise _explained(client, args["connection_id"], exc) from None

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


def _explained(client: OmniClient, connection_id: str, exc: OmniNotFound) -> OmniApiError:
    """Omni's 404 to a create, with its real cause: a live Omni says the connection does not exist
    when the connection has no SCHEMA model yet (finding 25)."""
    # A connection that is gone (or archived) lets Omni's own "does not exist" stand.
    if ConnectionSpec().read(client, connection_id, {}) is not None and (
        ModelSpec().schema_model_id(client, connection_id) is None
    ):
        return exc.with_hint(
            f"connection_id {connection_id}: the connection has no SCHEMA model yet, and Omni "
            "creates no schema refresh schedule until it has one (its 404 wrongly says the "
            "connection does not exist). Declare the connection's SCHEMA Model and make this "
            "schedule depend on it: `connection_id=schema.connection_id`, or "
            "`opts=pulumi.ResourceOptions(depends_on=[schema])`"
        )
    return exc
