"""Connection against Omni as `responses` plays it: requests sent, state kept, diffs, checks."""

from __future__ import annotations

import json

import pytest
from responses import matchers

from omni_pulumi.provider import UNKNOWN, OmniResourceError
from omni_pulumi.resources.connection import ConnectionSpec
from tests.support import gate
from tests.support.spec import MISSING, SPEC_PATH, spec_available
from tests.unit.conftest import checked

BASE_URL = "https://acme.omniapp.co"
ID = "550e8400-e29b-41d4-a716-446655440000"
LIST = f"{BASE_URL}/api/v1/connections"
ONE = f"{LIST}/{ID}"
PASSWORD = "hunter2-very-secret"
SERVICE_ACCOUNT = json.dumps(
    {
        "type": "service_account",
        "project_id": "acme-analytics",
        "client_email": "omni@acme-analytics.iam.gserviceaccount.com",
        "private_key": "-----BEGIN PRIVATE KEY-----\nsecretbits\n-----END PRIVATE KEY-----\n",
    }
)

UPDATABLE = {"base_role", "environment_user_attribute", "password", "private_key"}


SPEC = ConnectionSpec


def connection(**over):
    return {
        "connection": {
            "id": ID,
            "name": "Warehouse",
            "dialect": "postgres",
            "database": "analytics",
            "baseRole": "QUERIER",
            "defaultSchema": "public",
            "deletedAt": None,
            "userAttributeNameForConnectionEnvironments": None,
            "userAttributeValuesForDefaultEnvironment": None,
            "allowBranchConnectionEnvironments": False,
            "branchConnectionEnvironmentOverridesUserAttr": False,
            "environmentConnectionSwitchesSchemaModel": False,
            "createdAt": "2026-07-22T10:00:00Z",
            "updatedAt": "2026-07-22T10:00:00Z",
            **over,
        }
    }


POSTGRES = {
    "dialect": "postgres",
    "name": "Warehouse",
    "password": PASSWORD,
    "host": "db.acme.internal",
    "port": 5432,
    "database": "analytics",
    "username": "omni",
}

#: Every argument set, each with a value that passes the postgres rules.
EVERY_ARG = {
    **POSTGRES,
    "private_key": "-----BEGIN PRIVATE KEY-----\nkeybits\n-----END PRIVATE KEY-----",
    "oauth_client_secret": "oauth-secret-value",
    "base_role": "MODELER",
    "environment_user_attribute": {"attribute_name": "region", "default_values": ["us"]},
    "host_override": "custom.acme.internal",
    "warehouse": "WH",
    "default_schema": "public",
    "include_schemas": ["public", "analytics"],
    "include_other_catalogs": ["other1", "other2"],
    "offloaded_schemas": ["archive"],
    "scratch_schema": "omni_scratch",
    "query_timeout_seconds": 900,
    "region": "us-east-1",
    "max_billing_bytes": "1000000000",
    "system_timezone": "UTC",
    "query_timezone": "America/New_York",
    "allows_user_specific_timezones": True,
    "trust_server_certificate": True,
    "authentication_type": "password",
    "aws_role_arn": "arn:aws:iam::123456789012:role/Omni",
    "oauth_client_id": "client-id",
    "external_oauth_audience": "aud",
    "external_oauth_authorization_url": "https://oauth.acme.com/authorize",
    "external_oauth_token_url": "https://oauth.acme.com/token",
    "use_machine_auth": False,
    "accepts_license": True,
    "always_scope_view_names": True,
    "infer_relationships_from_column_names": False,
    "infer_relationships_from_foreign_keys": True,
    "enable_db_semantic_layer_integration": False,
    "enable_db_semantic_layer_topics": False,
    "wif_audience": "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q",
    "wif_service_account_email": "omni@acme.iam.gserviceaccount.com",
}


def test_every_argument_is_covered_by_the_test_values():
    assert set(EVERY_ARG) == {f.name for f in ConnectionSpec.fields()}


def test_create_sends_every_setting_in_omnis_names_then_the_user_attribute(provider, api):
    post = api.post(LIST, json={"success": True, "data": ID}, status=201)
    patch = api.patch(
        ONE,
        json={"success": True, "message": "ok"},
        match=[
            matchers.json_params_matcher(
                {"environmentUserAttribute": {"attributeName": "region", "defaultValues": ["us"]}}
            )
        ],
    )
    inputs = checked(provider, **EVERY_ARG)
    created = provider.create(inputs)

    assert created.id == ID
    # Every setting Omni could fill in is given: nothing is read back.
    assert [c.request.method for c in api.calls] == ["POST", "PATCH"]
    body = json.loads(post.calls[0].request.body)
    assert body["passwordUnencrypted"] == PASSWORD
    assert body["oauthClientSecretUnencrypted"] == "oauth-secret-value"
    assert body["includeSchemas"] == "public,analytics"
    assert body["includeOtherCatalogs"] == "other1,other2"
    assert body["offloadedSchemas"] == ["archive"]
    assert body["queryTimeoutSeconds"] == 900
    assert body["wifAudience"] == EVERY_ARG["wif_audience"]
    assert body["wifServiceAccountEmail"] == EVERY_ARG["wif_service_account_email"]
    assert "environmentUserAttribute" not in body and "password" not in body
    assert len(body) == len(EVERY_ARG) - 1
    assert patch.call_count == 1

    again = provider.diff(created.id, created.outs, checked(provider, **EVERY_ARG))
    assert again.changes is False


@pytest.mark.contract
def test_create_body_fields_are_the_specs_create_fields():
    if not spec_available():
        gate.unavailable("the contract tests", MISSING)
    spec = json.loads(SPEC_PATH.read_text())
    schema = spec["paths"]["/api/v1/connections"]["post"]["requestBody"]["content"][
        "application/json"
    ]["schema"]
    ours = {f.api_name for f in ConnectionSpec.fields()} - {"environmentUserAttribute"}
    assert ours == set(schema["properties"])
    dialects = set(ConnectionSpec.args_model.model_fields["dialect"].annotation.__args__)
    assert dialects == set(schema["properties"]["dialect"]["enum"])
    assert len(dialects) == 17


def test_unset_settings_are_not_sent_and_omnis_defaults_fill_the_outputs(provider, api):
    api.post(
        LIST,
        json={"success": True, "data": ID},
        status=201,
        match=[
            matchers.json_params_matcher(
                {
                    "dialect": "postgres",
                    "name": "Warehouse",
                    "passwordUnencrypted": PASSWORD,
                    "host": "db.acme.internal",
                    "port": 5432,
                    "database": "analytics",
                    "username": "omni",
                }
            )
        ],
    )
    api.get(ONE, json=connection())
    inputs = checked(provider, **POSTGRES)
    created = provider.create(inputs)
    assert created.outs["base_role"] == "QUERIER"
    assert created.outs["default_schema"] == "public"
    assert created.outs["environment_user_attribute"] is None
    assert provider.diff(ID, created.outs, inputs).changes is False


@pytest.mark.parametrize("name", sorted(UPDATABLE))
def test_updatable_settings_change_in_place(provider, name):
    olds = checked(provider, **EVERY_ARG)
    value = {
        "base_role": "VIEWER",
        "environment_user_attribute": {"attribute_name": "team", "default_values": []},
        "password": "rotated-password",
        "private_key": "-----BEGIN PRIVATE KEY-----\nnewkey\n-----END PRIVATE KEY-----",
    }[name]
    diff = provider.diff(ID, olds, checked(provider, **{**EVERY_ARG, name: value}))
    assert diff.changes is True
    assert diff.replaces == []


@pytest.mark.parametrize("name", sorted(set(EVERY_ARG) - UPDATABLE))
def test_every_other_setting_forces_a_replacement_created_before_the_old_is_archived(
    provider, name
):
    olds = checked(provider, **EVERY_ARG)
    news = {**EVERY_ARG}
    value = news[name]
    if isinstance(value, bool):
        news[name] = not value
    elif isinstance(value, int):
        news[name] = value + 1
    elif isinstance(value, list):
        news[name] = [*value, "more"]
    elif name == "dialect":
        news[name] = "mysql"
    elif name == "max_billing_bytes":
        news[name] = "5"
    elif name.endswith("_url"):
        news[name] = value + "/v2"
    else:
        news[name] = value + "-2"
    diff = provider.diff(ID, olds, checked(provider, **news))
    assert diff.replaces == [name]
    assert diff.delete_before_replace is False


def test_update_patches_only_what_changed(provider, api):
    api.patch(
        ONE,
        json={"success": True, "message": "ok"},
        match=[
            matchers.json_params_matcher(
                {"baseRole": "VIEWER", "passwordUnencrypted": "rotated-password"}
            )
        ],
    )
    olds = checked(provider, **EVERY_ARG)
    news = checked(provider, **{**EVERY_ARG, "base_role": "VIEWER", "password": "rotated-password"})
    updated = provider.update(ID, olds, news)
    assert updated.outs["base_role"] == "VIEWER"
    assert updated.outs["password"] == "rotated-password"


def test_removing_the_user_attribute_sends_null_and_a_key_rotation_sends_the_key(provider, api):
    new_key = "-----BEGIN PRIVATE KEY-----\nnewkey\n-----END PRIVATE KEY-----"
    api.patch(
        ONE,
        json={"success": True, "message": "ok"},
        match=[
            matchers.json_params_matcher({"environmentUserAttribute": None, "privateKey": new_key})
        ],
    )
    olds = checked(provider, **EVERY_ARG)
    news = checked(
        provider, **{**EVERY_ARG, "environment_user_attribute": None, "private_key": new_key}
    )
    assert provider.update(ID, olds, news).outs["environment_user_attribute"] is None


def test_user_attribute_default_values_are_compared_as_a_set(provider, api):
    attribute = {"attribute_name": "region", "default_values": ["us", "eu"]}
    olds = checked(provider, **{**EVERY_ARG, "environment_user_attribute": attribute})
    reordered = {"attribute_name": "region", "default_values": ["eu", "us"]}
    news = checked(provider, **{**EVERY_ARG, "environment_user_attribute": reordered})
    assert provider.diff(ID, olds, news).changes is False
    # State recorded before values were sorted: no PATCH for a mere reordering.
    unsorted = {**olds, "environment_user_attribute": attribute}
    provider.update(ID, unsorted, news)
    assert len(api.calls) == 0


def listed(*records):
    """The connection list's answer holding ``records`` (each as :func:`connection` makes it)."""
    return {"connections": [r["connection"] for r in records]}


def test_read_maps_what_omni_returns_and_keeps_the_rest_from_state(provider, api):
    # A refresh reads connections from the list, one answer for every connection of the stack.
    api.get(
        LIST,
        json=listed(
            connection(
                baseRole="VIEWER",
                userAttributeNameForConnectionEnvironments="region",
                userAttributeValuesForDefaultEnvironment=["us", "eu"],
            )
        ),
    )
    state = {**checked(provider, **EVERY_ARG), "__provider": "pickled"}
    read = provider.read(ID, state)
    assert [(c.request.method, c.request.url) for c in api.calls] == [("GET", LIST)]
    assert read.id == ID
    assert read.outs["base_role"] == "VIEWER"
    assert read.outs["environment_user_attribute"] == {
        "attribute_name": "region",
        "default_values": ["eu", "us"],  # sorted, as check sorts the program's
    }
    for kept in ("password", "private_key", "host", "port", "warehouse", "include_schemas"):
        assert read.outs[kept] == state[kept], kept


def test_read_calls_mssql_by_its_create_name(provider, api):
    api.get(LIST, json=listed(connection(dialect="sqlserver", defaultSchema="dbo")))
    state = checked(
        provider, dialect="mssql", name="Warehouse", password=PASSWORD, default_schema="dbo"
    )
    read = provider.read(ID, state)
    assert read.outs["dialect"] == "mssql"
    assert provider.diff(ID, read.outs, state).changes is False


@pytest.mark.parametrize(
    "answer",
    [
        {"status": 404, "json": {"detail": "Connection does not exist", "status": 404}},
        {"json": connection(deletedAt="2026-07-23T00:00:00Z")},
    ],
    ids=["404", "archived"],
)
def test_read_of_a_connection_deleted_or_archived_outside_pulumi_is_empty(provider, api, answer):
    # The list leaves archived connections out: one missing from it is read by id before it is
    # called gone.
    api.get(LIST, json=listed())
    api.get(ONE, **answer)
    assert provider.read(ID, checked(provider, **POSTGRES)).id == ""
    assert [c.request.url for c in api.calls] == [LIST, ONE]


def test_a_refresh_lists_connections_once_for_all_of_them(provider, api):
    other = "650e8400-e29b-41d4-a716-446655440000"
    second = connection(name="Second")
    second["connection"]["id"] = other
    api.get(LIST, json=listed(connection(baseRole="VIEWER"), second))
    state = checked(provider, **POSTGRES)
    assert provider.read(ID, state).outs["base_role"] == "VIEWER"
    assert provider.read(other, {**state, "name": "Second"}).outs["name"] == "Second"
    assert [c.request.url for c in api.calls] == [LIST]


def test_a_write_drops_the_list_so_the_next_refresh_read_lists_again(provider, api):
    api.get(LIST, json=listed(connection()))
    api.patch(ONE, json={"success": True, "message": "ok"})
    state = checked(provider, **POSTGRES)
    provider.read(ID, state)
    provider.update(ID, state, {**state, "base_role": "VIEWER"})
    provider.read(ID, state)
    assert [(c.request.method, c.request.url) for c in api.calls] == [
        ("GET", LIST),
        ("PATCH", ONE),
        ("GET", LIST),
    ]


@pytest.mark.parametrize("status", [200, 410, 404])
def test_destroy_archives_and_already_archived_counts_as_done(provider, api, status, capsys):
    body = {"success": True, "message": "Connection moved to trash."}
    if status != 200:
        body = {"detail": "Connection has already been archived", "status": status}
    api.delete(ONE, status=status, json=body)
    provider.delete(ID, checked(provider, **POSTGRES))
    out, err = capsys.readouterr()
    assert out == ""
    if status == 200:
        # What Omni did, not Pulumi's "deleted": archived, its models trashed with it.
        assert ID in err and "archived, not deleted" in err
        assert "trash with its models" in err and "restored" in err
    else:
        assert err == ""


def test_adopt_writes_updatable_settings_and_secrets_without_creating(provider, api):
    api.get(ONE, json=connection(baseRole="VIEWER"))
    api.patch(
        ONE,
        json={"success": True, "message": "ok"},
        match=[
            matchers.json_params_matcher({"baseRole": "MODELER", "passwordUnencrypted": PASSWORD})
        ],
    )
    inputs = {**checked(provider, **POSTGRES, base_role="MODELER"), "adopt_id": ID}
    created = provider.create(inputs)
    assert created.id == ID
    assert created.outs["default_schema"] == "public"
    assert not [c for c in api.calls if c.request.method == "POST"]


def test_adopt_refuses_a_differing_replace_only_setting_naming_both_values(provider, api):
    api.get(ONE, json=connection(name="Old name"))
    inputs = {**checked(provider, **POSTGRES), "adopt_id": ID}
    with pytest.raises(OmniResourceError) as caught:
        provider.create(inputs)
    message = str(caught.value)
    assert "`name`" in message and "'Old name'" in message and "'Warehouse'" in message
    assert PASSWORD not in message


def test_adopt_of_a_missing_connection_names_kind_and_id(provider, api):
    api.get(ONE, status=404, json={"detail": "Connection does not exist", "status": 404})
    inputs = {**checked(provider, **POSTGRES), "adopt_id": ID}
    with pytest.raises(OmniResourceError, match=f"Cannot adopt Connection '{ID}'.*no such"):
        provider.create(inputs)


def test_a_refused_user_attribute_archives_the_new_connection_again(provider, api):
    api.post(LIST, json={"success": True, "data": ID}, status=201)
    api.patch(ONE, status=400, json={"detail": "Bad Request: attributeName: unknown attribute"})
    archive = api.delete(ONE, json={"success": True, "message": "Connection moved to trash."})
    inputs = checked(
        provider,
        **POSTGRES,
        environment_user_attribute={"attribute_name": "nope", "default_values": []},
    )
    with pytest.raises(OmniResourceError) as caught:
        provider.create(inputs)
    assert archive.call_count == 1
    message = str(caught.value)
    assert "unknown attribute" in message and "was removed again" in message
    assert PASSWORD not in message


def test_omni_echoing_a_secret_never_reaches_the_error(provider, api):
    api.post(LIST, status=400, json={"detail": f"Bad Request: could not log in with {PASSWORD}"})
    with pytest.raises(OmniResourceError) as caught:
        provider.create(checked(provider, **POSTGRES))
    assert PASSWORD not in str(caught.value)
    assert "could not log in" in str(caught.value)


def test_ambiguous_create_finds_the_connection_by_name_and_dialect(provider, api):
    api.post(LIST, status=502, body="bad gateway")
    other = {**connection()["connection"], "id": "11111111-2222-3333-4444-555555555555"}
    api.get(
        LIST,
        match=[matchers.query_param_matcher({"name": "Warehouse"})],
        json={
            "connections": [
                {**other, "name": "Warehouse copy"},
                {**other, "dialect": "mysql"},
                connection()["connection"],
            ]
        },
    )
    api.get(ONE, json=connection())
    created = provider.create(checked(provider, **POSTGRES))
    assert created.id == ID
    assert len([c for c in api.calls if c.request.method == "POST"]) == 1


@pytest.mark.parametrize(
    ("args", "prop", "fragment"),
    [
        ({"dialect": "bigquery", "password": SERVICE_ACCOUNT}, "region", "region='us'"),
        ({"dialect": "athena"}, "region", "region='us-east-1'"),
        ({"dialect": "bigquery", "region": "us"}, "password", "does not parse as JSON"),
        (
            {
                "dialect": "bigquery",
                "region": "us",
                "password": json.dumps({"client_email": "a@b.c", "private_key": "k"}),
            },
            "password",
            "no project_id",
        ),
        ({"dialect": "snowflake", "host": "acme-xy12345"}, "warehouse", "warehouse="),
        (
            {
                "dialect": "snowflake",
                "warehouse": "WH",
                "host": "https://acme-xy12345.snowflakecomputing.com/",
            },
            "host",
            "use host='acme-xy12345'",
        ),
        ({"dialect": "databricks"}, "warehouse", "HTTP path"),
        ({"dialect": "databricks", "warehouse": "abc123"}, "warehouse", "starts with '/'"),
        ({"dialect": "mssql"}, "default_schema", "default_schema="),
        ({"query_timeout_seconds": 7200}, "query_timeout_seconds", "1 to 3600"),
        ({"dialect": "postgress"}, "dialect", "use one of Omni's dialects"),
        ({"base_role": "ADMIN"}, "base_role", "QUERIER"),
        ({"hots": "x"}, "hots", "not an argument"),
        ({"include_schemas": ["sales", "a,b"]}, "include_schemas", "'a,b' contains a comma"),
        ({"include_other_catalogs": ["x,y"]}, "include_other_catalogs", "its own list item"),
    ],
)
def test_check_names_the_argument_and_the_fix(provider, args, prop, fragment):
    news = {"dialect": "postgres", "name": "Warehouse", "password": "not json", **args}
    failures = provider.check({}, news).failures
    assert [f.property for f in failures] == [prop]
    assert failures[0].reason.startswith(f"Connection.{prop}: ")
    assert fragment in failures[0].reason
    assert "not json" not in failures[0].reason


def test_the_service_account_json_is_never_echoed(provider):
    bad = SERVICE_ACCOUNT.replace('"project_id": "acme-analytics", ', "")
    news = {"dialect": "bigquery", "name": "BQ", "region": "us", "password": bad}
    failures = provider.check({}, news).failures
    assert len(failures) == 1
    assert "secretbits" not in failures[0].reason and "omni@acme" not in failures[0].reason


@pytest.mark.parametrize(
    "args",
    [
        {"dialect": "bigquery", "region": "us", "password": SERVICE_ACCOUNT},
        {"dialect": "athena", "region": "us-east-1"},
        {"dialect": "snowflake", "host": "acme-xy12345", "warehouse": "WH"},
        {"dialect": "snowflake", "host": "acme-xy12345", "authentication_type": "snowflake-oauth"},
        {"dialect": "databricks", "warehouse": "/sql/1.0/warehouses/abc123"},
        {"dialect": "mssql", "default_schema": "dbo"},
    ],
)
def test_check_passes_each_dialects_complete_settings(provider, args):
    checked(provider, name="Warehouse", **args)


def test_check_waits_for_unknown_values_during_preview(provider):
    assert provider.check({}, {"dialect": UNKNOWN, "name": "x"}).failures == []
    news = {"dialect": "bigquery", "name": "x", "region": UNKNOWN, "password": UNKNOWN}
    assert provider.check({}, news).failures == []
    news = {"dialect": "snowflake", "name": "x", "warehouse": UNKNOWN, "host": UNKNOWN}
    assert provider.check({}, news).failures == []
