"""Scenarios of a connection and what lives under it: environments, refresh schedules, dbt."""

from __future__ import annotations

import json
from typing import Any

import omni_pulumi as omni
from omni_pulumi import DbtEnvironment
from omni_pulumi.client import quote_segment

from .scenario import Scenario, World, exists_unless_404

MISSING_UUID = "00000000-0000-4000-8000-000000000000"
ANOTHER_MISSING_UUID = "00000000-0000-4000-8000-000000000001"


def made_by_hand(w: World, key: str, missing: str = MISSING_UUID) -> str:
    """What ``make_by_hand`` recorded, or an id naming nothing where it did not run (the test of
    adopting a missing object makes nothing by hand)."""
    return w.made.get(key, missing)


CONNECTIONS = "/api/v1/connections"


def service_account_key(project: str, secret: str) -> str:
    """A BigQuery password: a service account's JSON key file, with ``secret`` as its key."""
    return json.dumps(
        {
            "type": "service_account",
            "project_id": project,
            "client_email": f"omni@{project}.iam.gserviceaccount.com",
            "private_key": f"-----BEGIN PRIVATE KEY-----\n{secret}\n-----END PRIVATE KEY-----\n",
        }
    )


def pem_key(secret: str) -> str:
    return f"-----BEGIN PRIVATE KEY-----\n{secret}\n-----END PRIVATE KEY-----\n"


def postgres(name: str, password: str = "pg-password-1", **extra: Any) -> omni.Connection:
    """A small connection for resources that need one."""
    return omni.Connection(
        name.lower().replace(" ", "-"),
        dialect="postgres",
        name=name,
        host="db.example.com",
        port=5432,
        database="analytics",
        username="omni",
        password=password,
        **extra,
    )


def connection_by_hand(w: World, name: str, **extra: Any) -> str:
    body = {
        "dialect": "postgres",
        "name": name,
        "host": "db.example.com",
        "database": "analytics",
        "passwordUnencrypted": "made-by-hand",
        **extra,
    }
    return w.client.post(CONNECTIONS, json=body)["data"]


def _connection(w: World, id_: str) -> dict[str, Any]:
    return w.client.get(f"{CONNECTIONS}/{quote_segment(id_)}")["connection"]


# -- Connection ----------------------------------------------------------------------------------


def _connection_live(w: World, id_: str, outs: dict[str, Any]) -> bool:
    return exists_unless_404(lambda: _connection(w, id_)) and not _connection(w, id_)["deletedAt"]


def _connection_archived(w: World, id_: str, outs: dict[str, Any]) -> None:
    """Destroy archives: the connection stays, in the trash (``deletedAt``), or is gone."""
    if exists_unless_404(lambda: _connection(w, id_)):
        assert _connection(w, id_)["deletedAt"], f"connection {id_} was not archived"


def _connection_args(w: World, d: dict[str, Any]) -> dict[str, Any]:
    # Every argument at once: Omni checks only the dialect's own rules (BigQuery: region and a
    # service-account key as password), so one BigQuery connection can carry them all.
    return {
        "dialect": "bigquery",
        "name": "Warehouse",
        "password": service_account_key("acme-prod", "sa-key-one"),
        "private_key": pem_key("conn-private-key-one"),
        "oauth_client_secret": "oauth-client-secret-one",
        "base_role": "VIEWER",
        "environment_user_attribute": {"attribute_name": "env", "default_values": ["prod"]},
        "host": "bigquery.googleapis.com",
        "host_override": "bq.internal.example.com",
        "port": 443,
        "database": "acme-prod",
        "username": "omni@acme-prod.iam.gserviceaccount.com",
        "warehouse": "default",
        "default_schema": "analytics",
        "include_schemas": ["analytics", "staging"],
        "include_other_catalogs": ["acme-shared"],
        "offloaded_schemas": ["archive"],
        "scratch_schema": "omni_scratch",
        "query_timeout_seconds": 600,
        "region": "us",
        "max_billing_bytes": "1000000000",
        "system_timezone": "UTC",
        "query_timezone": "America/New_York",
        "allows_user_specific_timezones": True,
        "trust_server_certificate": True,
        "authentication_type": "service_account",
        "aws_role_arn": "arn:aws:iam::123456789012:role/omni",
        "oauth_client_id": "omni-client",
        "external_oauth_audience": "omni",
        "external_oauth_authorization_url": "https://idp.example.com/authorize",
        "external_oauth_token_url": "https://idp.example.com/token",
        "use_machine_auth": True,
        "accepts_license": True,
        "always_scope_view_names": True,
        "infer_relationships_from_column_names": False,
        "infer_relationships_from_foreign_keys": True,
        "enable_db_semantic_layer_integration": True,
        "enable_db_semantic_layer_topics": True,
        "wif_audience": "//iam.googleapis.com/projects/1/locations/global/"
        "workloadIdentityPools/omni/providers/omni",
        "wif_service_account_email": "omni@acme-prod.iam.gserviceaccount.com",
    }


CONNECTION = Scenario(
    kind="Connection",
    resource=omni.Connection,
    args=_connection_args,
    update=lambda w, d: {
        "base_role": "QUERIER",
        "password": service_account_key("acme-prod", "sa-key-two"),
        "private_key": pem_key("conn-private-key-two"),
        "environment_user_attribute": {"attribute_name": "env", "default_values": ["prod", "pr"]},
    },
    replace=lambda w, d: {"wif_service_account_email": "omni-v2@acme-prod.iam.gserviceaccount.com"},
    drift=lambda w, id_, outs: (
        "base_role",
        w.client.patch(f"{CONNECTIONS}/{id_}", json={"baseRole": "MODELER"})
        and _connection(w, id_)["baseRole"],
    ),
    delete_outside=lambda w, id_, outs: w.client.delete(f"{CONNECTIONS}/{id_}"),
    make_by_hand=lambda w: connection_by_hand(w, "Legacy", baseRole="VIEWER"),
    adopt_args=lambda w: {
        "dialect": "postgres",
        "name": "Legacy",
        "host": "db.example.com",
        "database": "analytics",
        "password": "adopted-password",
        "base_role": "QUERIER",
    },
    adopt_conflict=lambda w: {"dialect": "mysql"},
    missing_id=MISSING_UUID,
    exists=_connection_live,
    deleted_as=_connection_archived,
)

# -- ConnectionEnvironment -----------------------------------------------------------------------

ENVIRONMENTS = "/api/v1/connection-environments"


def _environment_deps(w: World) -> dict[str, Any]:
    attribute = {"attribute_name": "env", "default_values": ["prod"]}
    return {
        "base": postgres("Base", environment_user_attribute=attribute),
        "dev": postgres("Dev"),
        "qa": postgres("QA"),
    }


def _environment_record(w: World, id_: str) -> dict[str, Any] | None:
    records = w.client.get(ENVIRONMENTS)["connectionEnvironments"]
    return next((r for r in records if r["id"] == id_), None)


def _environment_by_hand(w: World) -> str:
    base = connection_by_hand(w, "Hand base")
    env = connection_by_hand(w, "Hand env")
    w.made.update(
        {
            "environment base": base,
            "environment env": env,
            "environment other": connection_by_hand(w, "Other"),
        }
    )
    body = {"baseConnectionId": base, "environmentConnectionIds": [env]}
    id_ = w.client.post(ENVIRONMENTS, json=body)["connectionEnvironments"][0]["id"]
    w.client.put(f"{ENVIRONMENTS}/{id_}", json={"userAttributeValues": ["old"]})
    return id_


CONNECTION_ENVIRONMENT = Scenario(
    kind="ConnectionEnvironment",
    resource=omni.ConnectionEnvironment,
    deps=_environment_deps,
    args=lambda w, d: {
        "base_connection_id": d["base"].id,
        "environment_connection_id": d["dev"].id,
        "user_attribute_values": ["staging", "dev"],
    },
    update=lambda w, d: {"user_attribute_values": ["dev"]},
    # Values are unique across a base's environments and the replacement is created before the
    # old one is deleted, so moving to another connection needs other values as well.
    replace=lambda w, d: {
        "environment_connection_id": d["qa"].id,
        "user_attribute_values": ["qa"],
    },
    drift=lambda w, id_, outs: (
        "user_attribute_values",
        w.client.put(f"{ENVIRONMENTS}/{id_}", json={"userAttributeValues": ["by-hand"]})
        and ["by-hand"],
    ),
    delete_outside=lambda w, id_, outs: w.client.delete(f"{ENVIRONMENTS}/{id_}"),
    make_by_hand=_environment_by_hand,
    adopt_args=lambda w: {
        "base_connection_id": made_by_hand(w, "environment base"),
        "environment_connection_id": made_by_hand(w, "environment env", ANOTHER_MISSING_UUID),
        "user_attribute_values": ["dev"],
    },
    adopt_conflict=lambda w: {"environment_connection_id": w.made["environment other"]},
    missing_id=MISSING_UUID,
    exists=lambda w, id_, outs: _environment_record(w, id_) is not None,
)

# -- SchemaRefreshSchedule -----------------------------------------------------------------------


def schema_of(name: str) -> omni.Model:
    """A connection's SCHEMA model, which a schema refresh schedule needs before it (finding 25)."""
    resource_name = name.lower().replace(" ", "-") + "-schema"
    return omni.Model(resource_name, connection_id=postgres(name).id, model_kind="SCHEMA")


def _refresh_path(id_: str) -> str:
    connection_id, schedule_id = id_.split("/")
    return f"{CONNECTIONS}/{connection_id}/schedules/{schedule_id}"


def _refresh_by_hand(w: World) -> str:
    connection = w.made["refresh_connection"] = connection_by_hand(w, "Hand refreshed")
    # A live Omni creates no schedule before the connection's SCHEMA model (finding 25).
    w.client.post("/api/v1/models", json={"connectionId": connection, "modelKind": "SCHEMA"})
    body = {"schedule": "0 9 * * ? *", "timezone": "UTC", "hardRefresh": False}
    made = w.client.post(f"{CONNECTIONS}/{connection}/schedules", json=body)
    return f"{connection}/{made['scheduleId']}"


SCHEMA_REFRESH_SCHEDULE = Scenario(
    kind="SchemaRefreshSchedule",
    resource=omni.SchemaRefreshSchedule,
    deps=lambda w: {"first": schema_of("Refreshed"), "second": schema_of("Refreshed too")},
    # The schedule takes its connection id from the SCHEMA model, and so waits for it.
    args=lambda w, d: {
        "connection_id": d["first"].connection_id,
        "schedule": "0 9 * * ? *",
        "timezone": "Europe/Paris",
        "hard_refresh": True,
    },
    update=lambda w, d: {"schedule": "30 6 ? * MON-FRI *", "hard_refresh": False},
    replace=lambda w, d: {"connection_id": d["second"].connection_id},
    drift=lambda w, id_, outs: (
        "timezone",
        w.client.put(
            _refresh_path(id_),
            json={"schedule": outs["schedule"], "timezone": "Asia/Tokyo", "hardRefresh": True},
        )["timezone"],
    ),
    delete_outside=lambda w, id_, outs: w.client.delete(_refresh_path(id_)),
    make_by_hand=_refresh_by_hand,
    adopt_args=lambda w: {
        "connection_id": made_by_hand(w, "refresh_connection"),
        "schedule": "0 9 * * ? *",
        "timezone": "UTC",
        "hard_refresh": True,
    },
    adopt_conflict=None,  # the connection is part of the adoption id: it cannot differ
    missing_id=f"{MISSING_UUID}/{MISSING_UUID}",
    exists=lambda w, id_, outs: exists_unless_404(lambda: w.client.get(_refresh_path(id_))),
)

# -- DbtEnvironment ------------------------------------------------------------------------------


def _dbt_path(id_: str) -> str:
    connection_id, environment_id = id_.split("/")
    return f"{CONNECTIONS}/{connection_id}/dbt/environments/{environment_id}"


def _dbt_record(w: World, id_: str) -> dict[str, Any] | None:
    connection_id, environment_id = id_.split("/")
    try:
        records = w.client.paginate_cursor(f"{CONNECTIONS}/{connection_id}/dbt/environments")
        return next((r for r in records if r["id"] == environment_id), None)
    except omni.OmniNotFound:
        return None


def _dbt_drift(w: World, id_: str, outs: dict[str, Any]) -> tuple[str, Any]:
    record = _dbt_record(w, id_)
    assert record is not None
    keep = [{"id": v["id"], "isSecret": v["isSecret"]} for v in record["variables"]]
    body = {
        "name": record["name"],
        "targetSchema": "changed_by_hand",
        "targetDatabase": record["targetDatabase"],
        "targetName": record["targetName"],
        "targetRole": record["targetRole"],
        "ownerId": record["ownerId"],
        "isDeferralEnabled": record["isDeferralEnabled"],
        "variables": keep,
    }
    return "target_schema", w.client.put(_dbt_path(id_), json=body)["targetSchema"]


def _dbt_by_hand(w: World) -> str:
    connection = w.made["dbt_connection"] = connection_by_hand(w, "Hand dbt")
    # The first environment of a connection is its default, where Omni forces deferral off.
    w.client.post(
        f"{CONNECTIONS}/{connection}/dbt/environments",
        json={"name": "production", "targetSchema": "prod"},
    )
    made = w.client.post(
        f"{CONNECTIONS}/{connection}/dbt/environments",
        json={"name": "ci", "targetSchema": "ci_old", "isDeferralEnabled": False},
    )
    return f"{connection}/{made['id']}"


def _dbt_deps(w: World) -> dict[str, Any]:
    """Each connection with its first dbt environment, the default one (Omni forces deferral off
    there); the subject takes the connection id from it, so it is created second."""
    return {
        key: DbtEnvironment(
            f"{key}-production",
            connection_id=postgres(name).id,
            name="production",
            target_schema="prod",
        )
        for key, name in (("first", "dbt"), ("second", "dbt too"))
    }


DBT_ENVIRONMENT = Scenario(
    kind="DbtEnvironment",
    resource=DbtEnvironment,
    deps=_dbt_deps,
    args=lambda w, d: {
        "connection_id": d["first"].connection_id,
        "name": "ci",
        "target_schema": "ci",
        "target_database": "analytics",
        "target_name": "ci",
        "target_role": "transformer",
        "owner_id": w.users[0],
        "is_deferral_enabled": True,
        "variables": [
            {"name": "DBT_USER", "value": "omni", "is_secret": False},
            {"name": "DBT_PASSWORD", "value": "dbt-secret-one", "is_secret": True},
        ],
    },
    update=lambda w, d: {
        "is_deferral_enabled": False,
        "target_role": "reporter",
        "variables": [
            {"name": "DBT_USER", "value": "omni2", "is_secret": False},
            {"name": "DBT_PASSWORD", "value": "dbt-secret-two", "is_secret": True},
        ],
    },
    replace=lambda w, d: {"connection_id": d["second"].connection_id},
    drift=_dbt_drift,
    delete_outside=lambda w, id_, outs: w.client.delete(_dbt_path(id_)),
    make_by_hand=_dbt_by_hand,
    adopt_args=lambda w: {
        "connection_id": made_by_hand(w, "dbt_connection"),
        "name": "ci",
        "target_schema": "ci",
        "is_deferral_enabled": True,
    },
    adopt_conflict=None,  # the connection is part of the adoption id: it cannot differ
    missing_id=f"{MISSING_UUID}/{MISSING_UUID}",
    exists=lambda w, id_, outs: _dbt_record(w, id_) is not None,
)
