"""Schedule: checked at preview, written whole with PUT, paused and handed over by their own calls."""

from __future__ import annotations

import json

import pytest
from responses import matchers

from omni_pulumi.provider import UNKNOWN, OmniResourceError
from omni_pulumi.resources.schedule import ScheduleSpec
from tests.unit.conftest import BASE_URL, checked

SCHEDULES = f"{BASE_URL}/api/v1/schedules"
SID = "66666666-6666-6666-6666-666666666666"
ONE = f"{SCHEDULES}/{SID}"
OWNER = "77777777-7777-7777-7777-777777777777"
NEW_OWNER = "88888888-8888-8888-8888-888888888888"
DASH = "dash-abc"

EMAIL = {
    "identifier": DASH,
    "name": "Weekly sales",
    "schedule": "0 9 ? * MON *",
    "timezone": "Europe/Paris",
    "format": "pdf",
    "destination_type": "email",
    "recipients": ["b@acme.com", "a@acme.com"],
}


SPEC = ScheduleSpec


def got(**overrides):
    """A schedule as GET /api/v1/schedules/{id} answers it."""
    return {
        "id": SID,
        "entityId": DASH,
        "name": "Weekly sales",
        "schedule": "0 9 ? * MON *",
        "timezone": "Europe/Paris",
        "conditionType": None,
        "conditionQueryMapKey": None,
        "fanOut": False,
        "killJobsOnFailure": False,
        "disabledAt": None,
        "systemDisabledAt": None,
        "systemDisabledReason": None,
        "ownerId": OWNER,
        "owner": {"name": "Ada"},
        "metadata": {"timezoneOverride": None},
        "destinations": [{"id": "d1", "format": "pdf", "metadata": {"type": "email"}}],
        **overrides,
    }


# -- create ----------------------------------------------------------------------------------------


def test_create_sends_the_whole_schedule_without_running_it(api, provider):
    inputs = checked(
        provider,
        **EMAIL,
        hide_title=True,
        show_filters=False,
        filter_config={"region": {"values": ["EU"]}},
        timezone_override="UTC",
        kill_jobs_on_failure=True,
        user_id=OWNER,
    )
    api.post(
        SCHEDULES,
        match=[
            matchers.query_param_matcher({"userId": OWNER}),
            matchers.json_params_matcher(
                {
                    "identifier": DASH,
                    "name": "Weekly sales",
                    "schedule": "0 9 ? * MON *",
                    "timezone": "Europe/Paris",
                    "format": "pdf",
                    "destinationType": "email",
                    "recipients": [{"email": "a@acme.com"}, {"email": "b@acme.com"}],
                    "filterConfig": {"region": {"values": ["EU"]}},
                    "hideTitle": True,
                    "showFilters": False,
                    "killJobsOnFailure": True,
                    "timezoneOverride": "UTC",
                    "testNow": False,
                }
            ),
        ],
        json={"id": SID, "message": "created"},
    )
    api.get(ONE, json=got(killJobsOnFailure=True, metadata={"timezoneOverride": "UTC"}))
    result = provider.create(inputs)
    assert result.id == SID
    assert result.outs["paused"] is False
    again = checked(
        provider,
        **{**EMAIL, "recipients": ["a@acme.com", "b@acme.com"]},
        hide_title=True,
        show_filters=False,
        filter_config={"region": {"values": ["EU"]}},
        timezone_override="UTC",
        kill_jobs_on_failure=True,
        user_id=OWNER,
    )
    assert provider.diff(SID, result.outs, again).changes is False


def test_create_paused_pauses_after_create_and_keeps_s3_trust_outputs(api, provider):
    inputs = checked(
        provider,
        **{**EMAIL, "destination_type": "s3", "recipients": None, "format": "csv"},
        bucket_name="acme-exports",
        region="eu-west-1",
        role_arn="arn:aws:iam::123456789012:role/omni",
        key_prefix="sales/",
        paused=True,
    )
    api.post(
        SCHEDULES,
        match=[
            matchers.json_params_matcher(
                {
                    "identifier": DASH,
                    "name": "Weekly sales",
                    "schedule": "0 9 ? * MON *",
                    "timezone": "Europe/Paris",
                    "format": "csv",
                    "destinationType": "s3",
                    "bucketName": "acme-exports",
                    "keyPrefix": "sales/",
                    "region": "eu-west-1",
                    "roleArn": "arn:aws:iam::123456789012:role/omni",
                    "timezoneOverride": None,
                    "testNow": False,
                }
            )
        ],
        json={
            "id": SID,
            "message": "ok",
            "delivererRoleArn": "arn:deliverer",
            "externalId": "org-1",
        },
    )
    api.put(f"{ONE}/pause", json={"success": True})
    api.get(ONE, json=got(disabledAt="2026-07-22T00:00:00Z"))
    outs = provider.create(inputs).outs
    assert outs["paused"] is True
    assert outs["s3_deliverer_role_arn"] == "arn:deliverer"
    assert outs["s3_external_id"] == "org-1"


def test_slack_channel_is_sent_as_one_channel_id(api, provider):
    inputs = checked(
        provider,
        **{**EMAIL, "destination_type": "slack", "recipients": ["C0123"]},
        slack_recipient_type="channel",
    )
    api.post(
        SCHEDULES,
        match=[
            matchers.json_params_matcher(
                {"recipients": "C0123", "slackRecipientType": "channel"}, strict_match=False
            )
        ],
        json={"id": SID, "message": "ok"},
    )
    api.get(ONE, json=got())
    assert provider.create(inputs).id == SID


# -- check -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "prop", "words"),
    [
        ({"schedule": "0 9 * * 1"}, "schedule", "6"),
        ({"schedule": "0 9 * * MON *"}, "schedule", "`?`"),
        ({"timezone": "Paris"}, "timezone", "IANA"),
        ({"timezone_override": "europe/paris"}, "timezone_override", "Europe/Paris"),
        ({"recipients": None}, "recipients", "required for email"),
        ({"recipients": ["not-an-address"]}, "recipients", "not an email address"),
        ({"webhook_url": "https://hooks.example/x"}, "webhook_url", "webhook destinations only"),
        (
            {"destination_type": "webhook", "recipients": None},
            "webhook_url",
            "required for webhook",
        ),
        ({"destination_type": "sftp", "recipients": None}, "destination_type", "sftp"),
        ({"condition_type": "RESULTS_PRESENT"}, "condition_query_map_key", "both"),
        ({"condition_query_map_key": "q1"}, "condition_type", "both"),
        ({"format": "csv", "hide_title": True}, "hide_title", "pdf and png"),
        ({"hide_hidden_fields": True}, "hide_hidden_fields", "csv and xlsx"),
        (
            {
                "destination_type": "webhook",
                "recipients": None,
                "webhook_url": "https://h/x",
                "fan_out": True,
            },
            "fan_out",
            "email",
        ),
        ({"role_arn": "role/omni"}, "role_arn", "IAM role ARN"),
        ({"format": "docx"}, "format", "use link_only"),
    ],
)
def test_check_refuses_naming_the_argument_and_the_reason(provider, change, prop, words):
    result = provider.check({}, {**EMAIL, **change})
    assert prop in [f.property for f in result.failures], [f.reason for f in result.failures]
    reason = next(f.reason for f in result.failures if f.property == prop)
    assert reason.startswith(f"Schedule.{prop}")
    assert words in reason


def test_s3_needs_bucket_region_and_role(provider):
    result = provider.check({}, {**EMAIL, "destination_type": "s3", "recipients": None})
    assert sorted(f.property for f in result.failures) == ["bucket_name", "region", "role_arn"]


def test_an_empty_setting_of_another_destination_is_refused_as_it_would_be_sent(provider):
    result = provider.check({}, {**EMAIL, "key_prefix": ""})
    (failure,) = result.failures
    assert failure.property == "key_prefix" and "s3 destinations only" in failure.reason


def test_check_waits_for_unknown_values_during_preview(provider):
    news = {**EMAIL, "schedule": UNKNOWN, "destination_type": UNKNOWN, "condition_type": UNKNOWN}
    assert provider.check({}, {**news, "condition_query_map_key": "q"}).failures == []


# -- diff and update -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "replaces"),
    [
        ({"identifier": "dash-other"}, ["identifier"]),
        ({"name": "Renamed"}, []),
        ({"paused": True}, []),
        ({"user_id": NEW_OWNER}, []),
        ({"timezone_override": "UTC"}, []),
    ],
)
def test_only_the_dashboard_forces_replacement(provider, change, replaces):
    olds = checked(provider, **EMAIL)
    diff = provider.diff(SID, olds, checked(provider, **{**EMAIL, **change}))
    assert diff.changes is True and diff.replaces == replaces


def test_recipients_are_compared_as_a_set(provider):
    olds = checked(provider, **EMAIL)
    news = checked(provider, **{**EMAIL, "recipients": ["a@acme.com", "b@acme.com"]})
    assert provider.diff(SID, olds, news).changes is False


def test_update_puts_the_whole_schedule(api, provider):
    olds = {**checked(provider, **EMAIL), "user_id": OWNER}
    news = checked(provider, **{**EMAIL, "name": "Renamed"})
    api.put(
        ONE,
        match=[
            matchers.json_params_matcher(
                {
                    "identifier": DASH,
                    "name": "Renamed",
                    "schedule": "0 9 ? * MON *",
                    "timezone": "Europe/Paris",
                    "format": "pdf",
                    "destinationType": "email",
                    "recipients": [{"email": "a@acme.com"}, {"email": "b@acme.com"}],
                    "filterConfig": {},
                    "hideHiddenFields": False,
                    "timezoneOverride": None,
                }
            )
        ],
        json={"success": True},
    )
    api.get(ONE, json=got(name="Renamed"))
    outs = provider.update(SID, olds, news).outs
    assert outs["name"] == "Renamed"
    assert outs["user_id"] == OWNER


ALERT = {**EMAIL, "condition_type": "RESULTS_PRESENT", "condition_query_map_key": "q1"}


@pytest.mark.parametrize(
    "change",
    [
        {"condition_type": None, "condition_query_map_key": None},
        {"condition_type": "RESULTS_MISSING"},
        {"condition_query_map_key": "q2"},
    ],
)
def test_an_alerts_condition_replaces_the_schedule(provider, change):
    # Omni takes no null conditionType and keeps what a PUT leaves out: an update removing the
    # alert would never converge, so the condition is replace-only.
    olds = checked(provider, **ALERT)
    diff = provider.diff(SID, olds, checked(provider, **{**ALERT, **change}))
    assert diff.changes is True
    assert set(diff.replaces) == {k for k, v in change.items() if v != ALERT[k]}


def test_a_format_change_resets_the_option_omni_holds_for_the_old_format(api, provider):
    # Omni holds hideTitle=true for the pdf; the PUT is merged into it, so a csv PUT that left
    # hideTitle out would be refused ("hideTitle: Only allowed for pdf and png formats").
    olds = {**checked(provider, **EMAIL), "hide_title": True, "user_id": OWNER}
    news = checked(provider, **{**EMAIL, "format": "csv"})
    api.put(
        ONE,
        match=[
            matchers.json_params_matcher(
                {
                    "identifier": DASH,
                    "name": "Weekly sales",
                    "schedule": "0 9 ? * MON *",
                    "timezone": "Europe/Paris",
                    "format": "csv",
                    "destinationType": "email",
                    "recipients": [{"email": "a@acme.com"}, {"email": "b@acme.com"}],
                    "filterConfig": {},
                    "hideTitle": False,
                    "timezoneOverride": None,
                }
            )
        ],
        json={"success": True},
    )
    api.get(ONE, json=got(destinations=[{"format": "csv", "metadata": {"type": "email"}}]))
    assert provider.update(SID, olds, news).outs["format"] == "csv"


def test_removing_filter_config_clears_omnis_filters(api, provider):
    olds = checked(provider, **EMAIL, filter_config={"region": {"values": ["EU"]}})
    news = checked(provider, **EMAIL)
    assert provider.diff(SID, olds, news).changes is True
    api.put(ONE, json={"success": True})
    api.get(ONE, json=got(filterConfig={}))
    provider.update(SID, olds, news)
    sent = api.calls[0].request
    assert json.loads(sent.body)["filterConfig"] == {}


def test_pause_and_owner_use_their_own_calls_only(api, provider):
    olds = {**checked(provider, **EMAIL), "user_id": OWNER, "fan_out": False}
    news = checked(provider, **EMAIL, paused=True, user_id=NEW_OWNER)
    api.put(
        f"{ONE}/transfer-ownership",
        match=[matchers.json_params_matcher({"userId": NEW_OWNER})],
        json={"success": True},
    )
    api.put(f"{ONE}/pause", json={"success": True})
    api.get(ONE, json=got(ownerId=NEW_OWNER, disabledAt="2026-07-22T00:00:00Z"))
    outs = provider.update(SID, olds, news).outs
    assert outs["paused"] is True and outs["user_id"] == NEW_OWNER
    assert not [c for c in api.calls if c.request.url == ONE and c.request.method == "PUT"]


def test_resume(api, provider):
    olds = checked(provider, **EMAIL, paused=True)
    api.put(f"{ONE}/resume", json={"success": True})
    api.get(ONE, json=got())
    assert provider.update(SID, olds, checked(provider, **EMAIL)).outs["paused"] is False


# -- read ------------------------------------------------------------------------------------------


def test_read_takes_drift_from_omni_and_keeps_what_it_never_returns(api, provider):
    state = checked(provider, **EMAIL, show_filters=False, filter_config={"a": 1})
    api.get(
        ONE,
        json=got(
            schedule="0 10 ? * MON *",
            disabledAt="2026-07-22T00:00:00Z",
            metadata={"timezoneOverride": "UTC"},
            filterConfig={"a": 1, "dashboard_default": 2},
        ),
    )
    outs = provider.read(SID, state).outs
    assert outs["schedule"] == "0 10 ? * MON *"
    assert outs["paused"] is True
    assert outs["timezone_override"] == "UTC"
    assert outs["recipients"] == ["a@acme.com", "b@acme.com"]
    assert outs["filter_config"] == {"a": 1}
    assert outs["show_filters"] is False


def test_read_reports_a_schedule_omni_disabled(api, provider, capsys):
    api.get(ONE, json=got(systemDisabledAt="2026-07-22T00:00:00Z", systemDisabledReason="noAccess"))
    provider.read(SID, checked(provider, **EMAIL))
    out, err = capsys.readouterr()
    assert out == ""
    assert "disabled by Omni (noAccess)" in err and SID in err


def test_schedule_deleted_outside_pulumi_reads_as_gone(api, provider):
    api.get(ONE, status=404, json={"detail": "Schedule not found"})
    assert provider.read(SID, checked(provider, **EMAIL)).id == ""


def test_delete(api, provider):
    api.delete(ONE, json={"success": True})
    provider.delete(SID, checked(provider, **EMAIL))
    assert len(api.calls) == 1


# -- adoption and find_existing ----------------------------------------------------------------------


def test_adopt_writes_the_program_without_creating(api, provider, capsys):
    inputs = checked(provider, **EMAIL, adopt_id=SID)
    api.get(ONE, json=got(name="Old name"))
    api.put(
        ONE,
        match=[matchers.json_params_matcher({"name": "Weekly sales"}, strict_match=False)],
        json={"success": True},
    )
    api.get(ONE, json=got())
    result = provider.create(inputs)
    assert result.id == SID and result.outs["name"] == "Weekly sales"
    assert not [c for c in api.calls if c.request.method == "POST"]
    assert "adopted existing Schedule" in capsys.readouterr().err


def test_adopt_refuses_another_dashboard(api, provider):
    api.get(ONE, json=got(entityId="dash-other"))
    with pytest.raises(OmniResourceError) as err:
        provider.create(checked(provider, **EMAIL, adopt_id=SID))
    message = str(err.value)
    assert "`identifier`" in message and "'dash-other'" in message and repr(DASH) in message


def test_adopt_of_a_missing_schedule_names_kind_and_id(api, provider):
    api.get(ONE, status=404, json={"detail": "Schedule not found"})
    with pytest.raises(OmniResourceError) as err:
        provider.create(checked(provider, **EMAIL, adopt_id=SID))
    assert "Omni has no such Schedule" in str(err.value) and SID in str(err.value)


def test_find_existing_pages_through_the_dashboards_schedules(api, provider):
    def page(number, records, more):
        api.get(
            SCHEDULES,
            match=[
                matchers.query_param_matcher(
                    {"identifier": DASH, "pageSize": "100", "cursor": str(number)}
                )
            ],
            json={"records": records, "pageInfo": {"hasNextPage": more}},
        )

    page(1, [{"id": "other", "name": "Daily", "identifier": DASH}], True)
    page(2, [{"id": SID, "name": "Weekly sales", "identifier": DASH}], False)
    assert (
        ScheduleSpec().find_existing(
            provider._client(), {"identifier": DASH, "name": "Weekly sales"}
        )
        == SID
    )


# -- read maps every setting Omni's answer carries ------------------------------------------------

S3 = {
    **EMAIL,
    "destination_type": "s3",
    "recipients": None,
    "format": "csv",
    "bucket_name": "acme-exports",
    "region": "eu-west-1",
    "role_arn": "arn:aws:iam::123456789012:role/omni",
}
WEBHOOK = {
    **EMAIL,
    "destination_type": "webhook",
    "recipients": None,
    "format": "json",
    "webhook_url": "https://hooks.example.com/omni",
}


def answered(args, **metadata):
    """Omni's GET of the schedule ``args`` describe, its destination metadata as the create body
    spelled it (recipients as addresses) and its format options in ``metadata``."""
    kind = args["destination_type"]
    destination = {"type": kind}
    for name, api in (
        ("recipients", "recipients"),
        ("webhook_url", "webhookUrl"),
        ("bucket_name", "bucketName"),
        ("key_prefix", "keyPrefix"),
        ("region", "region"),
        ("role_arn", "roleArn"),
        ("slack_recipient_type", "slackRecipientType"),
    ):
        if args.get(name) is not None:
            destination[api] = args[name]
    return got(
        format=args["format"],
        destinations=[{"id": "d1", "format": args["format"], "metadata": destination}],
        metadata={"timezoneOverride": args.get("timezone_override"), **metadata},
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            {**EMAIL, "hide_title": True},
            {"recipients": ["a@acme.com", "b@acme.com"], "hide_title": True, "webhook_url": None},
        ),
        (WEBHOOK, {"webhook_url": "https://hooks.example.com/omni", "recipients": None}),
        (
            {**S3, "key_prefix": "sales/"},
            {"bucket_name": "acme-exports", "key_prefix": "sales/", "role_arn": S3["role_arn"]},
        ),
    ],
    ids=["email", "webhook", "s3"],
)
def test_read_maps_the_destination_and_the_format_options(api, provider, args, expected):
    options = {"hideTitle": True} if args.get("hide_title") else {}
    api.get(ONE, json=answered(args, **options))
    observed = ScheduleSpec().read(provider._client(), SID, {})
    assert observed["destination_type"] == args["destination_type"]
    assert observed["format"] == args["format"]
    for name, value in expected.items():
        assert observed[name] == value, name


def test_a_refresh_right_after_create_equals_the_program(api, provider):
    program = {
        **S3,
        "key_prefix": "sales/",
        "show_filters": False,
        "hide_hidden_fields": True,
        "enable_formatting": True,
        "timezone_override": "UTC",
    }
    inputs = checked(provider, **program)
    api.post(SCHEDULES, json={"id": SID, "message": "ok"})
    options = {"showFilters": False, "hideHiddenFields": True, "enableFormatting": True}
    api.get(ONE, json=answered(program, **options))
    created = provider.create(inputs).outs
    api.get(ONE, json=answered(program, **options))
    refreshed = provider.read(SID, created).outs
    assert {k: refreshed[k] for k in program} == program
    assert provider.diff(SID, refreshed, inputs).changes is False


def test_drift_of_a_destination_setting_made_in_omni_shows_in_the_next_diff(api, provider):
    state = checked(provider, **EMAIL, hide_title=True)
    changed = {**EMAIL, "recipients": ["a@acme.com", "c@acme.com"]}
    api.get(ONE, json=answered(changed, hideTitle=False))
    outs = provider.read(SID, state).outs
    assert outs["recipients"] == ["a@acme.com", "c@acme.com"]
    assert outs["hide_title"] is False
    diff = provider.diff(SID, outs, state)
    assert diff.changes is True and diff.replaces == []


def test_another_destinations_settings_read_as_unset(api, provider):
    """Moved to a webhook in Omni: the stack's S3 settings are not kept as if they still applied."""
    state = checked(provider, **S3, key_prefix="sales/")
    api.get(ONE, json=answered(WEBHOOK))
    outs = provider.read(SID, state).outs
    assert outs["destination_type"] == "webhook"
    assert outs["webhook_url"] == WEBHOOK["webhook_url"]
    assert [outs[n] for n in ("bucket_name", "key_prefix", "region", "role_arn")] == [None] * 4


def test_an_option_the_program_leaves_unset_is_omnis_and_never_diffs(api, provider):
    inputs = checked(provider, **EMAIL)
    api.get(ONE, json=answered(EMAIL, hideTitle=False, showFilters=True, showContentLink=True))
    outs = provider.read(SID, inputs).outs
    assert outs["show_filters"] is True and outs["hide_title"] is False
    assert provider.diff(SID, outs, inputs).changes is False


def test_slack_settings_read_as_the_create_body_spells_them(api, provider):
    answer = got(
        destinations=[
            {
                "id": "d1",
                "format": "pdf",
                "metadata": {"type": "slack", "slackRecipientType": "Channel", "recipients": "C01"},
            }
        ]
    )
    api.get(ONE, json=answer)
    observed = ScheduleSpec().read(provider._client(), SID, {})
    assert observed["slack_recipient_type"] == "channel"
    assert observed["recipients"] == ["C01"]


def test_a_filter_key_omni_dropped_shows_as_drift(api, provider):
    state = checked(provider, **EMAIL, filter_config={"region": ["EU"], "gone": 1})
    api.get(ONE, json=got(filterConfig={"region": ["EU"], "status": "default"}))
    outs = provider.read(SID, state).outs
    assert outs["filter_config"] == {"region": ["EU"]}
    assert provider.diff(SID, outs, state).changes is True


def test_adopt_of_an_unchanged_schedule_writes_nothing(api, provider, capsys):
    program = {**EMAIL, "hide_title": True, "timezone_override": "UTC"}
    api.get(ONE, json=answered(program, hideTitle=True))
    result = provider.create(checked(provider, **program, adopt_id=SID))
    assert result.id == SID
    assert [c.request.method for c in api.calls] == ["GET"]
    assert "no setting needed a change" in capsys.readouterr().err


# -- secrets -----------------------------------------------------------------------------------------

HOOK = "https://hooks.slack.com/services/T000/B000/hook-token-do-not-leak"
WEBHOOK = {**EMAIL, "destination_type": "webhook", "recipients": None, "webhook_url": HOOK}


def test_the_webhook_url_is_a_secret():
    # A Slack incoming webhook's URL is its credential.
    assert "webhook_url" in ScheduleSpec.secret_names()


def test_the_webhook_url_never_reaches_an_error(api, provider):
    inputs = checked(provider, **WEBHOOK)
    api.post(SCHEDULES, status=400, json={"detail": f"webhookUrl: {HOOK} is unreachable"})
    with pytest.raises(OmniResourceError) as raised:
        provider.create(inputs)
    assert "hook-token-do-not-leak" not in str(raised.value)
    refused = provider.check({}, {**WEBHOOK, "webhook_url": HOOK.replace("https", "ftp")})
    assert [f.property for f in refused.failures] == ["webhook_url"]
    assert "hook-token-do-not-leak" not in refused.failures[0].reason
