"""SchemaRefreshSchedule against Omni as `responses` plays it: requests sent, state kept, diffs."""

from __future__ import annotations

import json

import pytest
from responses import matchers

from omni_pulumi.cron import validate_aws_cron, validate_timezone
from omni_pulumi.provider import UNKNOWN, OmniResourceError
from omni_pulumi.resources.schema_refresh_schedule import SchemaRefreshScheduleSpec
from tests.unit.conftest import checked as check_ok

BASE_URL = "https://acme.omniapp.co"
CONN = "550e8400-e29b-41d4-a716-446655440000"
SCHED = "7d1c9a52-0b1e-4d7f-9a57-2a3f5e6b7c8d"
ID = f"{CONN}/{SCHED}"
LIST = f"{BASE_URL}/api/v1/connections/{CONN}/schedules"
ONE = f"{LIST}/{SCHED}"


def record(**over):
    return {
        "scheduleId": SCHED,
        "connectionId": CONN,
        "schedule": "0 9 * * ? *",
        "timezone": "UTC",
        "hardRefresh": False,
        "description": "At 09:00, every day (UTC)",
        "createdAt": "2026-07-22T10:00:00Z",
        "updatedAt": "2026-07-22T10:00:00Z",
        "disabledAt": None,
        **over,
    }


SPEC = SchemaRefreshScheduleSpec


def checked(provider, **args):
    return check_ok(provider, **{"connection_id": CONN, **args})


def test_create_posts_the_full_body_and_keeps_the_composite_id(provider, api):
    api.post(
        LIST,
        json=record(hardRefresh=True, schedule="0 6 ? * MON-FRI *", timezone="Europe/Paris"),
        status=201,
        match=[
            matchers.json_params_matcher(
                {"schedule": "0 6 ? * MON-FRI *", "timezone": "Europe/Paris", "hardRefresh": True}
            )
        ],
    )
    inputs = checked(
        provider, schedule="0 6 ? * MON-FRI *", timezone="Europe/Paris", hard_refresh=True
    )
    created = provider.create(inputs)
    assert created.id == ID
    assert created.outs["schedule_id"] == SCHED
    assert created.outs["description"] == "At 09:00, every day (UTC)"
    assert created.outs["disabled_at"] is None
    assert created.outs["hard_refresh"] is True

    again = provider.diff(created.id, created.outs, inputs)
    assert again.changes is False


def test_hard_refresh_defaults_to_a_soft_refresh(provider, api):
    api.post(
        LIST,
        json=record(),
        status=201,
        match=[
            matchers.json_params_matcher(
                {"schedule": "0 9 * * ? *", "timezone": "UTC", "hardRefresh": False}
            )
        ],
    )
    created = provider.create(checked(provider, schedule="0 9 * * ? *", timezone="UTC"))
    assert created.outs["hard_refresh"] is False


def test_cron_timezone_and_refresh_kind_update_in_place_connection_replaces(provider):
    olds = {**checked(provider, schedule="0 9 * * ? *", timezone="UTC"), "schedule_id": SCHED}
    for change in (
        {"schedule": "30 7 * * ? *"},
        {"timezone": "Asia/Tokyo"},
        {"hard_refresh": True},
    ):
        news = checked(provider, **{"schedule": "0 9 * * ? *", "timezone": "UTC", **change})
        diff = provider.diff(ID, olds, news)
        assert diff.changes is True and diff.replaces == [], change
    other = "11111111-2222-3333-4444-555555555555"
    news = {**checked(provider, schedule="0 9 * * ? *", timezone="UTC"), "connection_id": other}
    assert provider.diff(ID, olds, news).replaces == ["connection_id"]


def test_update_puts_the_whole_body(provider, api):
    api.put(
        ONE,
        json=record(schedule="30 7 * * ? *", timezone="Asia/Tokyo", description="At 07:30"),
        match=[
            matchers.json_params_matcher(
                {"schedule": "30 7 * * ? *", "timezone": "Asia/Tokyo", "hardRefresh": False}
            )
        ],
    )
    olds = checked(provider, schedule="0 9 * * ? *", timezone="UTC")
    news = checked(provider, schedule="30 7 * * ? *", timezone="Asia/Tokyo")
    updated = provider.update(ID, olds, news)
    assert updated.outs["description"] == "At 07:30"
    assert updated.outs["timezone"] == "Asia/Tokyo"


def test_read_sees_drift_and_a_disabled_schedule(provider, api):
    # A refresh reads the connection's schedules from their list.
    api.get(
        LIST,
        json={
            "schedules": [record(timezone="America/New_York", disabledAt="2026-07-23T00:00:00Z")]
        },
    )
    state = {**checked(provider, schedule="0 9 * * ? *", timezone="UTC"), "schedule_id": SCHED}
    read = provider.read(ID, state)
    assert [c.request.url for c in api.calls] == [LIST]
    assert read.id == ID
    assert read.outs["timezone"] == "America/New_York"
    assert read.outs["disabled_at"] == "2026-07-23T00:00:00Z"


def test_read_of_a_schedule_deleted_outside_pulumi_is_empty(provider, api):
    api.get(LIST, json={"schedules": []})
    api.get(ONE, status=404, json={"detail": "Schedule not found", "status": 404})
    assert provider.read(ID, checked(provider, schedule="0 9 * * ? *", timezone="UTC")).id == ""
    assert [c.request.url for c in api.calls] == [LIST, ONE]


def test_delete_sends_delete_and_a_404_counts_as_done(provider, api):
    api.delete(ONE, json={"success": True})
    provider.delete(ID, {"connection_id": CONN})
    api.delete(ONE, status=404, json={"detail": "Schedule not found", "status": 404})
    provider.delete(ID, {"connection_id": CONN})


def test_adopt_writes_differing_settings_without_creating(provider, api):
    api.get(ONE, json=record(schedule="0 3 * * ? *"))
    api.put(
        ONE,
        json=record(),
        match=[
            matchers.json_params_matcher(
                {"schedule": "0 9 * * ? *", "timezone": "UTC", "hardRefresh": False}
            )
        ],
    )
    inputs = {**checked(provider, schedule="0 9 * * ? *", timezone="UTC"), "adopt_id": ID}
    created = provider.create(inputs)
    assert created.id == ID
    assert created.outs["schedule_id"] == SCHED


def test_adopt_refuses_a_schedule_of_another_connection(provider, api):
    other = "11111111-2222-3333-4444-555555555555"
    api.get(ONE, json=record(connectionId=other))
    inputs = {**checked(provider, schedule="0 9 * * ? *", timezone="UTC"), "adopt_id": ID}
    with pytest.raises(OmniResourceError) as caught:
        provider.create(inputs)
    message = str(caught.value)
    assert "`connection_id`" in message and other in message and CONN in message


def test_adopt_of_a_missing_schedule_names_kind_and_id(provider, api):
    api.get(ONE, status=404, json={"detail": "Schedule not found", "status": 404})
    inputs = {**checked(provider, schedule="0 9 * * ? *", timezone="UTC"), "adopt_id": ID}
    with pytest.raises(OmniResourceError, match=f"SchemaRefreshSchedule '{ID}'.*no such"):
        provider.create(inputs)


def test_adopt_id_must_name_the_connection_too(provider):
    inputs = {**checked(provider, schedule="0 9 * * ? *", timezone="UTC"), "adopt_id": SCHED}
    with pytest.raises(Exception, match="<connection_id>/<schedule_id>"):
        provider.create(inputs)


@pytest.mark.parametrize(
    ("args", "prop", "fragment"),
    [
        ({"schedule": "0 9 * * *"}, "schedule", "has 5 fields"),
        ({"schedule": "0 9 * * * *"}, "schedule", "`?` in exactly one"),
        ({"schedule": "0 25 * * ? *"}, "schedule", "hour '25'"),
        ({"timezone": "Europe/Pari"}, "timezone", "IANA"),
        ({"timezone": "europe/paris"}, "timezone", "did you mean 'Europe/Paris'"),
        ({"connection_id": "conn-1"}, "connection_id", "pass a Connection's `id`"),
    ],
)
def test_check_names_the_argument_and_the_fix(provider, args, prop, fragment):
    news = {"connection_id": CONN, "schedule": "0 9 * * ? *", "timezone": "UTC", **args}
    failures = provider.check({}, news).failures
    assert [f.property for f in failures] == [prop]
    assert failures[0].reason.startswith(f"SchemaRefreshSchedule.{prop}: ")
    assert fragment in failures[0].reason


def test_check_waits_for_unknown_values_during_preview(provider):
    news = {"connection_id": UNKNOWN, "schedule": UNKNOWN, "timezone": "UTC"}
    assert provider.check({}, news).failures == []


def test_ambiguous_create_finds_the_schedule_instead_of_duplicating(provider, api):
    api.post(LIST, status=502, body="bad gateway")
    older = record(scheduleId="00000000-0000-0000-0000-000000000001", createdAt="2026-01-01")
    api.get(LIST, json={"schedules": [older, record(), record(schedule="0 1 * * ? *")]})
    api.get(ONE, json=record())
    created = provider.create(checked(provider, schedule="0 9 * * ? *", timezone="UTC"))
    assert created.id == ID
    posts = [c for c in api.calls if c.request.method == "POST"]
    assert len(posts) == 1
    assert json.loads(posts[0].request.body)["schedule"] == "0 9 * * ? *"


@pytest.mark.parametrize(
    "expression",
    ["0 9 * * ? *", "*/15 * * * ? *", "0 9 ? * MON-FRI *", "0 9 L * ? *", "0 8 ? * 2#1 2026-2030"],
)
def test_valid_aws_cron_passes(expression):
    assert validate_aws_cron(expression) is None


def test_valid_timezones_pass():
    assert validate_timezone("UTC") is None
    assert validate_timezone("America/New_York") is None


# -- a connection without its SCHEMA model (live finding 25) ----------------------------------------

CONNECTION = f"{BASE_URL}/api/v1/connections/{CONN}"
MODELS = f"{BASE_URL}/api/v1/models"
MISLEADING = {"detail": f"Connection with id {CONN} does not exist", "status": 404}


def schema_models(api, *records):
    api.get(
        MODELS,
        match=[
            matchers.query_param_matcher(
                {"connectionId": CONN, "modelKind": "SCHEMA", "pageSize": "100"}
            )
        ],
        json={"records": list(records), "pageInfo": {"hasNextPage": False}},
    )


def test_a_connection_without_a_schema_model_gets_the_real_cause_and_fix(provider, api):
    api.post(LIST, status=404, json=MISLEADING)
    api.get(CONNECTION, json={"connection": {"id": CONN, "deletedAt": None}})
    schema_models(api, {"id": "m", "modelKind": "SCHEMA", "deletedAt": "2026-07-01T00:00:00Z"})
    with pytest.raises(OmniResourceError) as err:
        provider.create(checked(provider, schedule="0 9 * * ? *", timezone="UTC"))
    message = str(err.value)
    assert message.startswith("SchemaRefreshSchedule")
    assert f"connection_id {CONN}: the connection has no SCHEMA model yet" in message
    assert "connection_id=schema.connection_id" in message and "depends_on" in message


@pytest.mark.parametrize("connection", ["missing", "archived", "with a schema model"])
def test_other_404s_keep_omnis_answer(provider, api, connection):
    api.post(LIST, status=404, json=MISLEADING)
    if connection == "missing":
        api.get(CONNECTION, status=404, json={"detail": "Connection not found", "status": 404})
    else:
        deleted = "2026-07-01T00:00:00Z" if connection == "archived" else None
        api.get(CONNECTION, json={"connection": {"id": CONN, "deletedAt": deleted}})
    if connection == "with a schema model":
        schema_models(api, {"id": "m", "modelKind": "SCHEMA", "deletedAt": None})
    with pytest.raises(OmniResourceError) as err:
        provider.create(checked(provider, schedule="0 9 * * ? *", timezone="UTC"))
    assert MISLEADING["detail"] in str(err.value)
    assert "no SCHEMA model" not in str(err.value)
