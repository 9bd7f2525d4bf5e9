"""DbtEnvironment against Omni as `responses` plays it: variables by id, secrets kept from state."""

from __future__ import annotations

import json

import pytest
from responses import matchers

from omni_pulumi import DbtEnvironment
from omni_pulumi.provider import OmniResourceError
from omni_pulumi.resources.dbt_environment import DbtEnvironmentSpec
from tests.unit.conftest import checked

BASE_URL = "https://acme.omniapp.co"
CONN = "550e8400-e29b-41d4-a716-446655440000"
ENV = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
OWNER = "0f0e0d0c-0b0a-0908-0706-050403020100"
ID = f"{CONN}/{ENV}"
LIST = f"{BASE_URL}/api/v1/connections/{CONN}/dbt/environments"
ONE = f"{LIST}/{ENV}"
SECRET = "dbt-cloud-token-do-not-leak"
VAR_TARGET = "b2c3d4e5-f6a7-8901-bcde-f12345678901"
VAR_KEY = "c3d4e5f6-a7b8-9012-cdef-123456789012"

VARIABLES = [
    {"name": "DBT_TARGET", "value": "production", "is_secret": False},
    {"name": "DBT_API_KEY", "value": SECRET, "is_secret": True},
]


SPEC = DbtEnvironmentSpec


def record(**over):
    return {
        "id": ENV,
        "name": "Production dbt",
        "isDefaultEnvironment": False,
        "isDeferralEnabled": True,
        "ownerId": OWNER,
        "targetDatabase": "analytics_db",
        "targetName": "prod",
        "targetRole": "transformer",
        "targetSchema": "analytics",
        "variables": [
            {"id": VAR_TARGET, "name": "DBT_TARGET", "value": "production", "isSecret": False},
            {"id": VAR_KEY, "name": "DBT_API_KEY", "value": None, "isSecret": True},
        ],
        **over,
    }


def page(*records, cursor=None):
    info = {"hasNextPage": bool(cursor), "nextCursor": cursor, "pageSize": 100}
    return {"records": list(records), "pageInfo": {**info, "totalRecords": len(records)}}


EVERY_ARG = {
    "connection_id": CONN,
    "name": "Production dbt",
    "target_schema": "analytics",
    "target_database": "analytics_db",
    "target_name": "prod",
    "target_role": "transformer",
    "owner_id": OWNER,
    "is_deferral_enabled": True,
    "variables": VARIABLES,
}


def test_create_posts_every_setting_and_keeps_the_secret_value(provider, api):
    api.post(
        LIST,
        status=201,
        json=record(),
        match=[
            matchers.json_params_matcher(
                {
                    "name": "Production dbt",
                    "targetSchema": "analytics",
                    "targetDatabase": "analytics_db",
                    "targetName": "prod",
                    "targetRole": "transformer",
                    "ownerId": OWNER,
                    "isDeferralEnabled": True,
                    "variables": [
                        {"name": "DBT_API_KEY", "value": SECRET, "isSecret": True},
                        {"name": "DBT_TARGET", "value": "production", "isSecret": False},
                    ],
                }
            )
        ],
    )
    inputs = checked(provider, **EVERY_ARG)
    created = provider.create(inputs)
    assert created.id == ID
    assert created.outs["environment_id"] == ENV
    assert created.outs["is_default_environment"] is False
    secret = next(v for v in created.outs["variables"] if v["is_secret"])
    assert secret["value"] == SECRET
    assert provider.diff(ID, created.outs, checked(provider, **EVERY_ARG)).changes is False


def test_create_without_variables_sends_no_variables_key(provider, api):
    api.post(
        LIST,
        status=201,
        json=record(
            variables=[], ownerId=None, targetDatabase=None, targetName=None, targetRole=None
        ),
        match=[
            matchers.json_params_matcher(
                {"name": "Dev", "targetSchema": "dev", "isDeferralEnabled": False}
            )
        ],
    )
    created = provider.create(
        checked(provider, connection_id=CONN, name="Dev", target_schema="dev")
    )
    assert created.outs["variables"] == []


def test_variables_are_one_pulumi_secret():
    assert "variables" in DbtEnvironmentSpec.secret_names()
    assert DbtEnvironment._spec.field("variables").arg.secret


def test_everything_but_the_connection_updates_in_place(provider):
    olds = checked(provider, **EVERY_ARG)
    changes = {
        "name": "Renamed",
        "target_schema": "other",
        "target_database": None,
        "target_name": "x",
        "target_role": "r",
        "owner_id": "99999999-0000-0000-0000-000000000000",
        "is_deferral_enabled": False,
        "variables": [VARIABLES[0]],
    }
    for name, value in changes.items():
        diff = provider.diff(ID, olds, checked(provider, **{**EVERY_ARG, name: value}))
        assert diff.changes is True and diff.replaces == [], name
    other = "11111111-2222-3333-4444-555555555555"
    diff = provider.diff(ID, olds, checked(provider, **{**EVERY_ARG, "connection_id": other}))
    assert diff.replaces == ["connection_id"]


def test_variable_order_does_not_matter(provider):
    olds = checked(provider, **EVERY_ARG)
    news = checked(provider, **{**EVERY_ARG, "variables": list(reversed(VARIABLES))})
    assert provider.diff(ID, olds, news).changes is False


def test_update_sends_existing_variables_by_id_and_new_ones_by_name(provider, api):
    api.get(LIST, json=page(record()))
    rotated = "rotated-token"
    new_vars = [
        {"name": "DBT_TARGET", "value": "prod2", "is_secret": False},
        {"name": "DBT_API_KEY", "value": rotated, "is_secret": True},
        {"name": "DBT_THREADS", "value": "8", "is_secret": False},
    ]
    answer = record(
        targetSchema="analytics_v2",
        variables=[
            {"id": VAR_TARGET, "name": "DBT_TARGET", "value": "prod2", "isSecret": False},
            {"id": VAR_KEY, "name": "DBT_API_KEY", "value": None, "isSecret": True},
            {"id": "d4", "name": "DBT_THREADS", "value": "8", "isSecret": False},
        ],
    )
    put = api.put(ONE, json=answer)
    olds = checked(provider, **EVERY_ARG)
    news = checked(
        provider, **{**EVERY_ARG, "target_schema": "analytics_v2", "variables": new_vars}
    )
    updated = provider.update(ID, olds, news)

    body = json.loads(put.calls[0].request.body)
    assert body["targetSchema"] == "analytics_v2"
    assert body["ownerId"] == OWNER
    assert sorted(body["variables"], key=repr) == sorted(
        [
            {"id": VAR_TARGET, "isSecret": False, "value": "prod2"},
            {"id": VAR_KEY, "isSecret": True, "value": rotated},
            {"name": "DBT_THREADS", "value": "8", "isSecret": False},
        ],
        key=repr,
    )
    secret = next(v for v in updated.outs["variables"] if v["is_secret"])
    assert secret["value"] == rotated


def test_a_variable_omni_keeps_after_removal_is_reported(provider, api, capsys):
    api.get(LIST, json=page(record()))
    api.put(ONE, json=record())  # Omni kept DBT_API_KEY
    olds = checked(provider, **EVERY_ARG)
    news = checked(provider, **{**EVERY_ARG, "variables": [VARIABLES[0]]})
    provider.update(ID, olds, news)
    body = json.loads(api.calls[1].request.body)
    assert body["variables"] == [{"id": VAR_TARGET, "isSecret": False, "value": "production"}]
    err = capsys.readouterr().err
    assert "kept variable(s) DBT_API_KEY" in err and SECRET not in err


def test_read_walks_pages_and_carries_secret_values_over_from_state(provider, api):
    other = record(id="ffffffff-0000-0000-0000-000000000000", name="Other")
    api.get(
        LIST,
        json=page(other, cursor="next-1"),
        match=[matchers.query_param_matcher({"pageSize": "100"})],
    )
    api.get(
        LIST,
        json=page(record(targetRole="drifted")),
        match=[matchers.query_param_matcher({"pageSize": "100", "cursor": "next-1"})],
    )
    state = checked(provider, **EVERY_ARG)
    read = provider.read(ID, state)
    assert read.id == ID
    assert read.outs["target_role"] == "drifted"
    assert sorted(read.outs["variables"], key=repr) == sorted(state["variables"], key=repr)


@pytest.mark.parametrize(
    "answer",
    [{"json": page()}, {"status": 404, "json": {"detail": "Connection not found"}}],
    ids=["not listed", "connection gone"],
)
def test_read_of_an_environment_deleted_outside_pulumi_is_empty(provider, api, answer):
    api.get(LIST, **answer)
    assert provider.read(ID, checked(provider, **EVERY_ARG)).id == ""


def test_delete_sends_delete_and_a_404_counts_as_done(provider, api):
    api.delete(ONE, json={"success": True, "message": "deleted"})
    provider.delete(ID, {})
    api.delete(ONE, status=404, json={"detail": "Connection or environment not found"})
    provider.delete(ID, {})


def test_adopt_writes_secret_values_and_differing_settings_without_creating(provider, api):
    # One listing serves adoption's read and the update's variable-id lookup.
    api.get(LIST, json=page(record(targetSchema="old")))
    put = api.put(ONE, json=record())
    created = provider.create({**checked(provider, **EVERY_ARG), "adopt_id": ID})
    assert created.id == ID
    body = json.loads(put.calls[0].request.body)
    assert body["targetSchema"] == "analytics"
    assert {"id": VAR_KEY, "isSecret": True, "value": SECRET} in body["variables"]
    assert not [c for c in api.calls if c.request.method == "POST"]


def test_adopt_of_a_missing_environment_names_kind_and_id(provider, api):
    api.get(LIST, json=page())
    with pytest.raises(OmniResourceError, match=f"Cannot adopt DbtEnvironment '{ID}'.*no such"):
        provider.create({**checked(provider, **EVERY_ARG), "adopt_id": ID})


def test_adopt_id_must_name_the_connection_too(provider):
    with pytest.raises(Exception, match="<connection_id>/<environment_id>"):
        provider.create({**checked(provider, **EVERY_ARG), "adopt_id": ENV})


def test_secret_values_never_reach_an_error(provider, api):
    api.post(LIST, status=400, json={"detail": f"Bad Request: variables: bad value {SECRET}"})
    with pytest.raises(OmniResourceError) as caught:
        provider.create(checked(provider, **EVERY_ARG))
    assert SECRET not in str(caught.value)
    assert "bad value" in str(caught.value)


def test_ambiguous_create_finds_the_environment_by_name(provider, api):
    api.post(LIST, status=502, body="bad gateway")
    # One listing serves the search and the read of what it found.
    api.get(LIST, json=page(record(id="ffffffff-0000-0000-0000-000000000000", name="x"), record()))
    created = provider.create(checked(provider, **EVERY_ARG))
    assert created.id == ID
    assert len([c for c in api.calls if c.request.method == "POST"]) == 1


@pytest.mark.parametrize(
    ("args", "prop", "fragment"),
    [
        ({"variables": [VARIABLES[0], VARIABLES[0]]}, "variables", "DBT_TARGET more than once"),
        ({"variables": [{"name": "X"}]}, "variables", "{'name': ..., 'value': ..."),
        ({"owner_id": "me"}, "owner_id", "membership id"),
        ({"target_schema": ""}, "target_schema", "at least 1 character"),
    ],
)
def test_check_names_the_argument_and_the_fix(provider, args, prop, fragment):
    failures = provider.check({}, {**EVERY_ARG, **args}).failures
    assert [f.property for f in failures] == [prop]
    assert failures[0].reason.startswith(f"DbtEnvironment.{prop}: ")
    assert fragment in failures[0].reason
    assert SECRET not in failures[0].reason
