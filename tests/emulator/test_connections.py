"""Connections, connection environments, dbt environments and schema refresh schedules."""

from __future__ import annotations

import hashlib

import pytest

C = "/api/v1/connections"
E = "/api/v1/connection-environments"
DIALECT_MINIMUMS = {
    "athena": {"region": "us-east-1"},
    "bigquery": {"region": "us"},
    "snowflake": {"host": "acme-xy12345", "warehouse": "WH"},
    "databricks": {"host": "dbc.cloud", "warehouse": "/sql/1.0/warehouses/x"},
    "mssql": {"host": "db", "defaultSchema": "dbo"},
    "oracle": {"host": "db", "acceptsLicense": True},
}
ALL_DIALECTS = [
    "athena",
    "bigquery",
    "clickhouse",
    "databricks",
    "databricks_lakebase",
    "exasol",
    "mariadb",
    "motherduck",
    "mssql",
    "mysql",
    "oracle",
    "postgres",
    "redshift",
    "sap_hana",
    "snowflake",
    "starrocks",
    "trino",
]


def create(api, dialect="postgres", name="DB", **extra):
    body = {
        "dialect": dialect,
        "name": name,
        "passwordUnencrypted": "s3cret",
        "host": "db",
        **extra,
    }
    body.update({k: v for k, v in DIALECT_MINIMUMS.get(dialect, {}).items() if k not in extra})
    return api.ok("POST", C, 201, json=body)["data"]


@pytest.mark.parametrize("dialect", ALL_DIALECTS)
def test_every_dialect_can_be_created_and_read(api, dialect):
    connection_id = create(api, dialect, database="analytics")
    read = api.ok("GET", f"{C}/{connection_id}")["connection"]
    assert read["id"] == connection_id
    assert read["dialect"] == {"mssql": "sqlserver"}.get(dialect, dialect)
    assert read["database"] == "analytics"
    assert read["deletedAt"] is None
    assert "passwordUnencrypted" not in read and "host" not in read


@pytest.mark.parametrize(
    ("dialect", "body", "message"),
    [
        ("bigquery", {"region": ""}, "region: Required for bigquery connections"),
        ("athena", {"region": ""}, "region: Required for athena connections"),
        ("snowflake", {"warehouse": ""}, "warehouse: Required for snowflake connections"),
        ("mssql", {"defaultSchema": ""}, "defaultSchema: Required for mssql connections"),
        ("snowflake", {"host": "acme.snowflakecomputing.com"}, "without .snowflakecomputing.com"),
        ("postgres", {"queryTimeoutSeconds": 3601}, "less than or equal to 3600"),
        ("postgres", {"dialect": "sybase"}, "Invalid enum value"),
        ("postgres", {"sshTunnel": True}, "Unrecognized key(s) in object: 'sshTunnel'"),
    ],
)
def test_create_enforces_omni_rules(api, dialect, body, message):
    payload = {"dialect": dialect, "name": "X", "passwordUnencrypted": "pw", "host": "db"}
    payload.update(DIALECT_MINIMUMS.get(dialect, {}))
    payload.update(body)
    payload = {k: v for k, v in payload.items() if v != ""}
    detail = api.error("POST", C, 400, json=payload)
    assert detail.startswith("Bad Request: ") and message in detail


def test_required_fields(api):
    assert api.error("POST", C, 400, json={}) == (
        "Bad Request: dialect: Required, name: Required, passwordUnencrypted: Required"
    )


def test_list_filters(api):
    pg = create(api, "postgres", "Prod Postgres", database="sales")
    create(api, "mysql", "Legacy", database="crm")
    names = lambda **q: sorted(c["name"] for c in api.ok("GET", C, params=q)["connections"])  # noqa: E731
    assert names(name="prod") == ["Prod Postgres"]
    assert names(database="CR") == ["Legacy"]
    assert names(dialect="postgres,mysql") == ["Legacy", "Prod Postgres"]
    assert api.error("GET", C, 400, params={"dialect": "sybase"}) == "Invalid dialect(s): sybase"
    api.ok("DELETE", f"{C}/{pg}")
    assert names() == ["Legacy"]
    assert names(includeDeleted="true") == ["Legacy", "Prod Postgres"]


def test_patch_updates_role_attribute_and_rotates_secrets(api, emu):
    connection_id = create(api)
    detail = api.error("PATCH", f"{C}/{connection_id}", 400, json={})
    assert detail == "Bad Request: At least one field must be provided"
    body = {
        "baseRole": "VIEWER",
        "environmentUserAttribute": {"attributeName": "env", "defaultValues": ["prod"]},
        "passwordUnencrypted": "rotated",
    }
    assert api.ok("PATCH", f"{C}/{connection_id}", json=body)["success"] is True
    read = api.ok("GET", f"{C}/{connection_id}")["connection"]
    assert read["baseRole"] == "VIEWER"
    assert read["userAttributeNameForConnectionEnvironments"] == "env"
    assert read["userAttributeValuesForDefaultEnvironment"] == ["prod"]
    stored = emu.state.connections[connection_id]["secrets"]["passwordUnencrypted"]
    assert stored == "sha256:" + hashlib.sha256(b"rotated").hexdigest()
    api.error(
        "PATCH", f"{C}/00000000-0000-4000-8000-000000000000", 404, json={"baseRole": "VIEWER"}
    )


def test_patch_with_a_null_user_attribute_removes_it(api):
    # The spec types environmentUserAttribute ["object", "null"]: null is how it is removed.
    connection_id = create(api)
    attribute = {"attributeName": "env", "defaultValues": ["prod"]}
    api.ok("PATCH", f"{C}/{connection_id}", json={"environmentUserAttribute": attribute})
    api.ok("PATCH", f"{C}/{connection_id}", json={"environmentUserAttribute": None})
    read = api.ok("GET", f"{C}/{connection_id}")["connection"]
    assert read["userAttributeNameForConnectionEnvironments"] is None
    assert not read["userAttributeValuesForDefaultEnvironment"]


def test_delete_archives_trashes_models_and_410s(api, connection):
    models = api.ok("GET", "/api/v1/models", params={"connectionId": connection})["records"]
    assert len(models) == 1
    assert api.ok("DELETE", f"{C}/{connection}") == {
        "success": True,
        "message": "Connection moved to trash",
    }
    assert api.ok("GET", f"{C}/{connection}")["connection"]["deletedAt"] is not None
    assert api.error("DELETE", f"{C}/{connection}", 410) == "Connection has already been archived"
    assert api.ok("GET", "/api/v1/models", params={"connectionId": connection})["records"] == []
    trashed = api.ok(
        "GET", "/api/v1/models", params={"connectionId": connection, "includeDeleted": "true"}
    )["records"]
    assert trashed[0]["deletedAt"] is not None
    api.error("GET", f"{C}/00000000-0000-4000-8000-000000000000", 404)
    assert api.error("GET", f"{C}/nope", 400) == "Bad Request: id: Invalid uuid"


def test_no_secret_is_ever_read_back(api, emu):
    connection_id = create(api, "snowflake", privateKey="PRIVATE-KEY-MATERIAL")
    for exchange in emu.exchanges:
        if exchange.method == "GET":
            assert b"s3cret" not in exchange.response_body
            assert b"PRIVATE-KEY" not in exchange.response_body
    assert "PRIVATE-KEY" not in str(emu.state.connections[connection_id])


# --- connection environments ---------------------------------------------------------------


def test_environments_create_update_list_delete(api):
    base, dev, stage = create(api, name="base"), create(api, name="dev"), create(api, name="stage")
    made = api.ok(
        "POST", E, 201, json={"baseConnectionId": base, "environmentConnectionIds": [dev, stage]}
    )
    envs = made["connectionEnvironments"]
    assert [e["connectionId"] for e in envs] == [dev, stage]
    assert all(e["baseConnectionId"] == base and e["userAttributeValues"] == [] for e in envs)
    api.ok("PUT", f"{E}/{envs[0]['id']}", json={"userAttributeValues": ["dev", "sandbox"]})
    detail = api.error("PUT", f"{E}/{envs[1]['id']}", 400, json={"userAttributeValues": ["dev"]})
    assert detail == 'User attribute value "dev" is already in use'
    listed = api.ok("GET", E)["connectionEnvironments"]
    assert {e["id"]: e["userAttributeValues"] for e in listed}[envs[0]["id"]] == ["dev", "sandbox"]
    api.ok("DELETE", f"{E}/{envs[0]['id']}")
    assert len(api.ok("GET", E)["connectionEnvironments"]) == 1
    api.error("DELETE", f"{E}/{envs[0]['id']}", 404)


def test_environment_rules(api):
    base, other = create(api, name="base"), create(api, "mysql", name="other")
    missing = "00000000-0000-4000-8000-000000000000"
    body = lambda ids: {"baseConnectionId": base, "environmentConnectionIds": ids}  # noqa: E731
    assert "same dialect" in api.error("POST", E, 400, json=body([other]))
    assert "does not exist" in api.error("POST", E, 404, json=body([missing]))
    assert "its own environment" in api.error("POST", E, 400, json=body([base]))
    dev = create(api, name="dev")
    api.ok("POST", E, 201, json=body([dev]))
    assert "already an environment" in api.error("POST", E, 400, json=body([dev]))
    assert "Expected array" in api.error("POST", E, 400, json=body(dev))


def test_environment_list_can_be_switched_off(api, emu):
    emu.connection_environments_list_enabled = False
    api.error("GET", E, 404)


# --- dbt environments ------------------------------------------------------------------------


def test_dbt_environments_hide_secrets_and_update_by_id(api):
    connection_id = create(api, "snowflake")
    path = f"{C}/{connection_id}/dbt/environments"
    body = {
        "name": "prod",
        "targetSchema": "analytics",
        "isDeferralEnabled": True,
        "variables": [
            {"name": "DBT_TOKEN", "value": "tok-123", "isSecret": True},
            {"name": "REGION", "value": "eu", "isSecret": False},
        ],
    }
    env = api.ok("POST", path, 201, json=body)
    assert env["isDefaultEnvironment"] is True
    assert env["isDeferralEnabled"] is False  # forced off for the default environment
    values = {v["name"]: v["value"] for v in env["variables"]}
    assert values == {"DBT_TOKEN": None, "REGION": "eu"}
    ids = {v["name"]: v["id"] for v in env["variables"]}
    dev = api.ok(
        "POST", path, 201, json={"name": "dev", "targetSchema": "dev", "isDeferralEnabled": True}
    )
    assert (dev["isDefaultEnvironment"], dev["isDeferralEnabled"]) == (False, True)
    update = {
        "name": "prod",
        "targetSchema": "analytics_v2",
        "variables": [
            {"id": ids["DBT_TOKEN"], "isSecret": True},
            {"id": ids["REGION"], "isSecret": False, "value": "us"},
            {"name": "NEW", "value": "1", "isSecret": False},
        ],
    }
    updated = api.ok("PUT", f"{path}/{env['id']}", json=update)
    assert updated["targetSchema"] == "analytics_v2"
    assert {v["name"]: v["value"] for v in updated["variables"]} == {
        "DBT_TOKEN": None,
        "REGION": "us",
        "NEW": "1",
    }
    page = api.ok("GET", path, params={"pageSize": 1})
    assert page["pageInfo"]["totalRecords"] == 2 and page["pageInfo"]["hasNextPage"]
    assert b"tok-123" not in b"".join(x.response_body for x in api.emu.exchanges)
    api.ok("DELETE", f"{path}/{dev['id']}")
    api.error("DELETE", f"{path}/{dev['id']}", 404)


# --- schema refresh schedules ---------------------------------------------------------------


@pytest.mark.parametrize(
    "cron", ["00 09 * * ? *", "0/15 * ? * MON-FRI *", "0 18 L * ? *", "0 10 ? * 6#3 2030"]
)
def test_refresh_schedule_accepts_aws_cron(api, connection, cron):
    path = f"{C}/{connection}/schedules"
    made = api.ok("POST", path, 201, json={"schedule": cron, "timezone": "Europe/Paris"})
    assert (made["schedule"], made["hardRefresh"], made["disabledAt"]) == (cron, False, None)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"schedule": "0 9 * * *", "timezone": "UTC"}, "Invalid cron expression"),
        ({"schedule": "0 9 * * 1 *", "timezone": "UTC"}, "Invalid cron expression"),
        ({"schedule": "0 25 * * ? *", "timezone": "UTC"}, "Invalid cron expression"),
        (
            {"schedule": "0 9 * * ? *", "timezone": "Mars/Olympus"},
            "Bad Request: timezone: Invalid timezone",
        ),
    ],
)
def test_refresh_schedule_rejects_bad_cron_and_timezone(api, connection, body, message):
    assert api.error("POST", f"{C}/{connection}/schedules", 400, json=body) == message


def test_refresh_schedule_lifecycle(api, connection):
    path = f"{C}/{connection}/schedules"
    made = api.ok("POST", path, 201, json={"schedule": "0 9 * * ? *", "timezone": "UTC"})
    one = f"{path}/{made['scheduleId']}"
    assert api.ok("GET", one) == made
    body = {"schedule": "30 6 ? * MON *", "timezone": "America/New_York", "hardRefresh": True}
    updated = api.ok("PUT", one, json=body)
    assert (updated["schedule"], updated["hardRefresh"]) == ("30 6 ? * MON *", True)
    assert api.ok("GET", path)["schedules"] == [updated]
    assert (
        api.error("PUT", one, 400, json={"schedule": "0 9 * * ? *"})
        == "Bad Request: timezone: Required"
    )
    assert api.ok("DELETE", one) == {"success": True}
    assert api.error("GET", one, 404) == "Schedule not found"


def _bare_connection(api) -> str:
    body = {"dialect": "postgres", "name": "No model", "passwordUnencrypted": "pw", "host": "db"}
    return api.ok("POST", C, 201, json=body)["data"]


def test_refresh_schedule_says_the_connection_is_missing_until_it_has_a_schema_model(api):
    # Live finding 25: POST answers 404 "Connection ... does not exist" while GET and PATCH on the
    # same connection answer 200; once the schema model exists the schedule is created.
    connection = _bare_connection(api)
    path = f"{C}/{connection}/schedules"
    body = {"schedule": "0 9 * * ? *", "timezone": "UTC"}
    detail = api.error("POST", path, 404, json=body)
    assert detail == f"Connection with id {connection} does not exist"
    assert api.ok("GET", f"{C}/{connection}")["connection"]["id"] == connection
    assert api.ok("GET", path) == {"schedules": []}
    api.ok("POST", "/api/v1/models", json={"connectionId": connection, "modelKind": "SCHEMA"})
    assert api.ok("POST", path, 201, json=body)["connectionId"] == connection


def test_spec_only_refresh_schedule_needs_only_the_connection(api, emu):
    emu.spec_only = True
    connection = _bare_connection(api)
    body = {"schedule": "0 9 * * ? *", "timezone": "UTC"}
    api.ok("POST", f"{C}/{connection}/schedules", 201, json=body)
