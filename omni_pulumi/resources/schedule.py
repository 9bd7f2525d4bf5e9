"""Schedule: a dashboard delivery or alert, sent on an AWS cron to one destination.

Omni checks a schedule only when it is written, and refuses a bad cron, an unknown timezone, a
destination without its fields or an alert with half a condition mid-``pulumi up``. The same rules
are checked here at preview, each naming the argument and the fix. Everything but the dashboard and
the alert's condition (which Omni cannot clear) is updatable, but through three doors: the settings with one ``PUT`` (sent whole, as Omni's validation
demands name, schedule, timezone and destination even for a partial change), the pause state with
``pause``/``resume``, and the owner with ``transfer-ownership``. Omni's read carries every setting
(the destination's in ``destinations[0].metadata``, the format options and ``timezoneOverride`` in
``metadata``), so read maps them all back to arguments; only what it leaves out is kept from state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal, get_args

from pydantic import Field

from omni_pulumi.argtypes import Uuid
from omni_pulumi.client import OmniClient, quote_segment
from omni_pulumi.cron import validate_aws_cron, validate_timezone
from omni_pulumi.diagnostics import warn
from omni_pulumi.errors import OmniBadRequest
from omni_pulumi.spec import ABSENT, Arg, Listing, OmniArgs, Output, ResourceSpec, When

PATH = "/api/v1/schedules"

Destination = Literal["email", "webhook", "sftp", "slack", "s3"]
Format = Literal["link_only", "pdf", "png", "csv", "xlsx", "json"]
Condition = Literal["RESULTS_CHANGED", "RESULTS_UNCHANGED", "RESULTS_PRESENT", "RESULTS_MISSING"]

#: Where Omni's read holds the destination's settings.
_DESTINATION = "destinations.0.metadata."


def _opt(doc: str, **kw: Any) -> Arg:
    return Arg(updatable=True, doc=doc, **kw)


def _dest(doc: str, api: str, *kinds: str, optional: bool = False, **kw: Any) -> Arg:
    """A destination's setting: for the destination ``kinds`` only, required by them unless
    ``optional``, read back from the destination's metadata."""
    when = When("destination_type", *kinds)
    required = None if optional else when
    return _opt(doc, read_api=_DESTINATION + api, only_when=when, required_when=required, **kw)


def _option(doc: str, api: str, *formats: str) -> Arg:
    """A format option (for ``formats`` only, where given): top-level in the create body, in
    ``metadata`` in Omni's read."""
    only = When("format", *formats) if formats else None
    return _opt(doc, computed=True, read_api=f"metadata.{api}", only_when=only)


class ScheduleArgs(OmniArgs):
    identifier: Annotated[
        str,
        Field(min_length=1),
        Arg(
            read_api="entityId",
            hint="pass the dashboard's identifier (in its URL after /dashboards/)",
            doc="The dashboard delivered. Changing it replaces the schedule.",
        ),
    ]
    name: Annotated[str, Field(min_length=1), _opt("The schedule's name.")]
    schedule: Annotated[
        str,
        _opt(
            "When it runs: an AWS cron expression with 6 fields (minute hour day-of-month month "
            "day-of-week year), e.g. `0 9 ? * MON-FRI *`.",
            check=validate_aws_cron,
        ),
    ]
    timezone: Annotated[
        str,
        _opt(
            "The IANA timezone `schedule` is read in, e.g. `Europe/Paris`.", check=validate_timezone
        ),
    ]
    format: Annotated[
        Format,
        _opt(
            "`link_only`, `pdf`, `png`, `csv`, `xlsx` or `json`.",
            read_api="destinations.0.format",
            hint="use link_only, pdf, png, csv, xlsx or json",
            kinds="formats",
        ),
    ]
    destination_type: Annotated[
        Destination,
        _opt(
            "`email`, `webhook`, `slack` or `s3`. `sftp` cannot be configured through Omni's API "
            "(see notes).",
            read_api=_DESTINATION + "type",
            # A destination type this provider does not know is left to the stack.
            from_api=lambda kind: kind if kind in get_args(Destination) else ABSENT,
            hint="use email, webhook, slack or s3",
            kinds="destinations",
        ),
    ]
    recipients: Annotated[
        list[str] | None,
        _dest(
            "email: the addresses; slack: one channel id (`channel`) or Slack user ids (`users`). "
            "Compared as a set.",
            "recipients",
            "email",
            "slack",
            unordered=True,
            from_api=lambda value: _recipients(value),
        ),
    ] = None
    webhook_url: Annotated[
        str | None,
        Field(pattern=r"^https?://"),
        _dest(
            "webhook: the URL Omni posts to. Kept as a Pulumi secret: such URLs often carry a "
            "token (Slack incoming webhooks).",
            "webhookUrl",
            "webhook",
            secret=True,
            hint="use the http(s) URL Omni should post to",
        ),
    ] = None
    slack_recipient_type: Annotated[
        Literal["channel", "users"] | None,
        _dest(
            "slack: `channel` or `users` (direct messages).",
            "slackRecipientType",
            "slack",
            # Omni's list answer spells it "Channel"/"Users"; the create body takes lowercase.
            from_api=lambda value: str(value).lower() if value else value,
            hint="use 'channel' or 'users'",
        ),
    ] = None
    bucket_name: Annotated[
        str | None,
        Field(pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"),
        _dest(
            "s3: the bucket (3 to 63 lowercase characters).",
            "bucketName",
            "s3",
            hint="use the bucket's name",
        ),
    ] = None
    key_prefix: Annotated[
        str | None,
        _dest(
            "s3: the key prefix (folder) written to.",
            "keyPrefix",
            "s3",
            optional=True,
            computed=True,
        ),
    ] = None
    region: Annotated[str | None, _dest("s3: the bucket's AWS region.", "region", "s3")] = None
    role_arn: Annotated[
        str | None,
        Field(pattern=r"^arn:aws[\w-]*:iam::\d{12}:role/.+"),
        _dest(
            "s3: the IAM role Omni assumes to write (trusting the `s3_deliverer_role_arn` output "
            "with the `s3_external_id` output as sts:ExternalId).",
            "roleArn",
            "s3",
            hint="use an IAM role ARN such as arn:aws:iam::123456789012:role/omni-delivery",
        ),
    ] = None
    filter_config: Annotated[
        dict[str, Any] | None,
        _opt(
            "Dashboard filter values for the delivery; keys must exist on the dashboard. Omni "
            "reads back the effective filters (the dashboard's defaults merged in), so only the "
            "keys set here are compared."
        ),
    ] = None
    condition_type: Annotated[
        Condition | None,
        Arg(
            doc=(
                "Makes the schedule an alert: `RESULTS_PRESENT`, `RESULTS_MISSING`, "
                "`RESULTS_CHANGED` or `RESULTS_UNCHANGED`. Needs `condition_query_map_key`. "
                "Changing or removing it replaces the schedule (see notes)."
            ),
            hint="use RESULTS_PRESENT, RESULTS_MISSING, RESULTS_CHANGED or RESULTS_UNCHANGED",
        ),
    ] = None
    condition_query_map_key: Annotated[
        str | None,
        Arg(
            doc=(
                "The alert's query (its key on the dashboard). Needs `condition_type`. Changing "
                "or removing it replaces the schedule (see notes)."
            )
        ),
    ] = None
    enable_formatting: Annotated[
        bool | None, _option("Apply the dashboard's formatting.", "enableFormatting")
    ] = None
    fan_out: Annotated[
        bool | None,
        # The schedule's own fanOut, not the destination's metadata, holds it.
        _opt(
            "email: send each recipient a personalized delivery.",
            computed=True,
            only_when=When("destination_type", "email"),
        ),
    ] = None
    hide_hidden_fields: Annotated[
        bool | None,
        _option("csv/xlsx: leave hidden fields out.", "hideHiddenFields", "csv", "xlsx"),
    ] = None
    hide_title: Annotated[
        bool | None, _option("pdf/png: hide the title.", "hideTitle", "pdf", "png")
    ] = None
    kill_jobs_on_failure: Annotated[
        bool | None, _opt("Stop the whole delivery if any query fails.", computed=True)
    ] = None
    show_content_link: Annotated[
        bool | None, _option("Include a link to the dashboard.", "showContentLink")
    ] = None
    show_filters: Annotated[bool | None, _option("Show the applied filters.", "showFilters")] = None
    timezone_override: Annotated[
        str | None,
        _opt(
            "The IANA timezone the queries run in (distinct from `timezone`, which says when the "
            "schedule fires). Unset: no override.",
            read_api="metadata.timezoneOverride",
            check=validate_timezone,
            send_null=True,  # a null override clears one set earlier
        ),
    ] = None
    paused: Annotated[
        bool,
        _opt(
            "Pause the schedule (written with pause/resume).",
            in_body=False,
            read_api="disabledAt",
            from_api=lambda disabled_at: disabled_at is not None,
        ),
    ] = False
    user_id: Annotated[
        Uuid | None,
        _opt(
            "The owner's membership id (org API keys). Unset: the key's user. A change transfers "
            "ownership.",
            computed=True,
            in_body=False,  # a query parameter of the create, then transfer-ownership
            read_api="ownerId",
            hint="pass a user's membership id (a uuid)",
        ),
    ] = None


_NOTES = """\
- Beside the rules on each argument, preview checks an alert: both `condition_type` and
  `condition_query_map_key`, or neither.
- Settings are written with one `PUT /api/v1/schedules/{id}` carrying the whole schedule; `paused`
  with `PUT .../pause` and `.../resume`; `user_id` with `PUT .../transfer-ownership`.
- Omni's read returns every setting, so changes made in Omni show as drift: the destination's
  (`recipients`, `webhook_url`, Slack and S3 fields) from the destination's metadata, the format
  options and `timezone_override` from the schedule's metadata (`filter_config`: see its row). A
  setting Omni's answer leaves out (a Slack destination's recipients, for one) is kept from the
  stack.
- The PUT changes only what it carries: removing a format option or `key_prefix` from the program
  leaves Omni's value (unset means "no opinion"); set it to `false` explicitly to turn it off. Two
  exceptions keep the PUT valid and the program's word: an unset `filter_config` is sent as `{}`
  (no filters), and the format option that does not apply to the new `format` (`hide_title`
  outside pdf/png, `hide_hidden_fields` outside csv/xlsx) is sent as `false`, since Omni would
  otherwise keep, say, a pdf's `hideTitle` and refuse the switch to csv.
- `condition_type` and `condition_query_map_key` replace the schedule when they change: Omni's API
  takes no null for them, and a PUT that leaves them out keeps the alert, so an alert can only be
  turned into a plain delivery (or another alert) by making a new schedule.
- **What Omni's API does not let a program set**: an sftp destination's connection (address, port,
  username, path, password: the create body takes none of them, so there is no sftp password
  argument and `destination_type='sftp'` is refused at preview), email subject and body, paper size
  and orientation, row limits and single-tile deliveries (`queryIdentifierMapKey`). Configure those
  in Omni.
- The schedule is never created with `testNow` (that would deliver it at once).
- `s3_deliverer_role_arn` and `s3_external_id` are returned by Omni only when an S3 schedule is
  created; they are kept from then on.
- A schedule that Omni disabled on its own (missing query, lost access) is reported on stderr when
  it is read.
"""


class ScheduleSpec(ResourceSpec, register=True):
    """A dashboard delivery or alert."""

    type_name = "Schedule"
    args_model = ScheduleArgs
    id_doc = "the schedule's uuid (in its URL after /schedules/)"
    notes = _NOTES
    outputs = {
        "s3_deliverer_role_arn": Output(
            "S3 only: Omni's deliverer role, the Principal your role's trust policy allows."
        ),
        "s3_external_id": Output("S3 only: the sts:ExternalId your role's trust policy requires."),
    }

    def check_rules(self, args: dict[str, Any], unknown: set[str]) -> Iterable[tuple[str, str]]:
        # The destination's and the formats' arguments declare which values they go with.
        yield from _destination_rules(args, unknown)
        pair = ("condition_type", "condition_query_map_key")
        if not unknown & set(pair) and (args.get(pair[0]) is None) != (args.get(pair[1]) is None):
            missing = pair[1] if args.get(pair[0]) is not None else pair[0]
            yield missing, "an alert needs both condition_type and condition_query_map_key"

    path = "/api/v1/schedules"
    listing = Listing(
        path,
        style="pages",
        thin="a listed schedule is a summary: no recipients, filters, fan-out, format options, "
        "alert threshold or destination settings",
    )

    def create(self, client: OmniClient, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        params = {"userId": args["user_id"]} if args.get("user_id") else None
        # testNow stays false: true would deliver the schedule now and return no id.
        made = client.post(self.path, params=params, json={**self.body(args), "testNow": False})
        id_ = self.created_id(args, made or {}, made)
        if args.get("paused"):
            self._set_paused(client, id_, True)
        # The create answers with the id only (and an S3 schedule's trust settings, which only
        # it returns): the rest is read back.
        observed = self.read(client, id_, args) or {}
        observed["s3_deliverer_role_arn"] = made.get("delivererRoleArn")
        observed["s3_external_id"] = made.get("externalId")
        return id_, observed

    def update(
        self,
        client: OmniClient,
        id_: str,
        olds: Mapping[str, Any],
        news: dict[str, Any],
        changed: set[str],
    ) -> dict[str, Any]:
        # Three doors: the settings with one whole PUT, the owner and the pause (not in the body)
        # with their own.
        path = self.item_path(id_)
        if any(self.field(name).sent for name in changed):
            client.put(path, json=self._put_body(news))
        if "user_id" in changed:
            client.put(f"{path}/transfer-ownership", json={"userId": news["user_id"]})
        if "paused" in changed:
            self._set_paused(client, id_, bool(news.get("paused")))
        return self.read(client, id_, news) or {}

    def find_existing(self, client: OmniClient, args: dict[str, Any]) -> str | None:
        for record in client.paginate_pages(self.path, {"identifier": args["identifier"]}):
            if record.get("name") == args["name"] and record.get("identifier") in (
                None,
                args["identifier"],
            ):
                return record["id"]
        return None

    # -- Omni's shapes ----------------------------------------------------------------------------

    def body(self, args: Mapping[str, Any], names: Iterable[str] | None = None) -> dict[str, Any]:
        body = super().body(args, names)
        recipients = body.get("recipients")
        if recipients is not None:
            # Email recipients are objects; a Slack channel is one id, not a list.
            if args["destination_type"] == "email":
                body["recipients"] = [{"email": address} for address in recipients]
            elif args.get("slack_recipient_type") == "channel":
                body["recipients"] = recipients[0] if recipients else None
        return body

    def _put_body(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """The update's body: Omni merges a PUT into what it holds, so what the program's word
        removes must be said, not left out (left out, Omni keeps its value)."""
        body = self.body(args)
        body.setdefault("filterConfig", {})  # no filters: Omni takes no null here
        for f in self.fields():
            when = f.arg.only_when
            if when is not None and when.arg == "format" and args["format"] not in when.values:
                # Omni's value (a pdf's hideTitle=true) would make the new format's PUT a 400.
                body[f.api_name] = False
        return body

    def observe(
        self, record: Mapping[str, Any], state: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Omni's answer in argument names; a setting the answer leaves out is kept from state.

        The destination's settings are those of its type: another destination's read as unset,
        an optional one missing as unset, a required one missing (a Slack destination's
        recipients, kept elsewhere by Omni) is not returned.
        """
        if record.get("systemDisabledAt"):
            warn(
                f"Schedule {record.get('name')!r} ({record.get('id')}) was disabled by Omni "
                f"({record.get('systemDisabledReason') or 'no reason given'}); fix the dashboard "
                "or the owner's access, then re-enable it in Omni"
            )
        observed = super().observe(record, state)
        kind = observed.get("destination_type")
        for f in self.fields():
            when = f.arg.only_when
            if when is None or not f.read_path.startswith(_DESTINATION):
                continue  # not a setting of the destination (fan_out is the schedule's own)
            if kind is None:
                observed.pop(f.name, None)  # no destination this provider knows: kept from state
            elif kind not in when.values or (
                f.arg.required_when is None and f.name not in observed
            ):
                observed[f.name] = None
        effective, mine = record.get("filterConfig"), (state or {}).get("filter_config")
        observed.pop("filter_config", None)
        if isinstance(effective, Mapping) and isinstance(mine, Mapping):
            # Omni answers with the dashboard's defaults merged under the schedule's own filters:
            # the program's keys are what it manages, and a key Omni dropped shows as drift.
            observed["filter_config"] = {k: effective[k] for k in mine if k in effective}
        return observed

    @staticmethod
    def _set_paused(client: OmniClient, id_: str, paused: bool) -> None:
        action = "pause" if paused else "resume"
        try:
            client.put(f"/api/v1/schedules/{quote_segment(id_)}/{action}")
        except OmniBadRequest as exc:
            # "already paused/resumed": the goal is reached.
            if "already" not in (exc.detail or "").lower():
                raise


def _destination_rules(args: Mapping[str, Any], unknown: set[str]) -> Iterable[tuple[str, str]]:
    if "destination_type" in unknown:
        return
    kind = args.get("destination_type")
    if kind == "sftp":
        yield (
            "destination_type",
            (
                "Omni's API takes no sftp connection settings (address, port, username, password), "
                "so an sftp delivery cannot be configured from a program; create it in Omni"
            ),
        )
        return
    recipients = args.get("recipients") or []
    if "recipients" in unknown:
        return
    if kind == "email":
        for address in recipients:
            if "@" not in str(address):
                yield "recipients", f"{address!r} is not an email address"
    if kind == "slack" and args.get("slack_recipient_type") == "channel" and len(recipients) > 1:
        yield "recipients", "a Slack channel delivery takes exactly one channel id"


def _recipients(value: Any) -> list[str] | None:
    """Recipients as the argument holds them: addresses (or Slack ids), sorted like check does."""
    if isinstance(value, str):
        value = [value]  # a Slack channel is one id
    if not isinstance(value, list):
        return None
    ids = [r.get("email") if isinstance(r, Mapping) else r for r in value]
    return sorted(str(i) for i in ids if i) or None
