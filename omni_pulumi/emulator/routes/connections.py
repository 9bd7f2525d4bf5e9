"""Connections: create, list, get, patch (role, environment attribute, credentials), archive.

Omni reads back only a few settings and never a secret; delete archives the connection and sends
its models to the trash, and a second delete answers 410.
"""

from __future__ import annotations

from typing import Any

from ..errors import ApiError, bad_request
from ..store import Store, fingerprint, new_id
from ..validation import any_of, array, boolean, integer, obj, string
from . import Context, Route, created
from .common import SORT_DIRECTION, connection_or_404, now

DIALECTS = (
    "athena", "bigquery", "clickhouse", "databricks", "databricks_lakebase", "exasol", "mariadb",
    "motherduck", "mssql", "mysql", "oracle", "postgres", "redshift", "sap_hana", "snowflake",
    "starrocks", "trino",
)  # fmt: skip
#: Omni's read shape names some dialects differently from the create body (openapi.json's
#: Connection.dialect enum has ``sqlserver`` where create takes ``mssql``).
READ_DIALECT = {"mssql": "sqlserver"}
BASE_ROLES = ("NO_ACCESS", "VIEWER", "RESTRICTED_QUERIER", "QUERIER", "MODELER", "CONNECTION_ADMIN")
SECRET_FIELDS = ("passwordUnencrypted", "privateKey", "oauthClientSecretUnencrypted")

CONNECTION_CREATE = obj(
    {
        "dialect*": string(enum=DIALECTS),
        "name*": string(),
        "passwordUnencrypted*": string(),
        "acceptsLicense": boolean(),
        "allowsUserSpecificTimezones": boolean(default=False),
        "alwaysScopeViewNames": boolean(),
        "authenticationType": string(),
        "awsRoleArn": string(),
        "baseRole": string(enum=BASE_ROLES),
        "database": string(),
        "defaultSchema": string(),
        "enableDbSemanticLayerIntegration": boolean(default=False),
        "enableDbSemanticLayerTopics": boolean(default=False),
        "externalOauthAudience": string(),
        "externalOauthAuthorizationUrl": string(fmt="uri"),
        "externalOauthTokenUrl": string(fmt="uri"),
        "host": string(),
        "hostOverride": string(),
        "includeOtherCatalogs": string(),
        "includeSchemas": string(),
        "inferRelationshipsFromColumnNames": boolean(default=True),
        "inferRelationshipsFromForeignKeys": boolean(default=False),
        "maxBillingBytes": string(),
        "oauthClientId": string(),
        "oauthClientSecretUnencrypted": string(),
        "offloadedSchemas": any_of(string(), array(string())),
        "port": integer(),
        "privateKey": string(),
        "queryTimeoutSeconds": integer(maximum=3600),
        "queryTimezone": string(),
        "region": string(),
        "scratchSchema": string(),
        "systemTimezone": string(),
        "trustServerCertificate": boolean(default=False),
        "useMachineAuth": boolean(),
        "username": string(),
        "warehouse": string(),
        "wifAudience": string(),
        "wifServiceAccountEmail": string(),
    }
)
CONNECTION_UPDATE = obj(
    {
        "baseRole": string(enum=BASE_ROLES),
        "environmentUserAttribute": obj(
            {"attributeName*": string(), "defaultValues*": array(string(), nullable=True)},
            nullable=True,  # null removes it (the spec's ["object", "null"])
        ),
        "passwordUnencrypted": string(),
        "privateKey": string(),
    }
)
LIST_QUERY = obj(
    {
        "database": string(),
        "dialect": string(),
        "includeDeleted": boolean(),
        "name": string(),
        "sortDirection": SORT_DIRECTION,
        "sortField": string(enum=("database", "dialect", "name")),
    }
)

#: Dialect-specific requirements Omni enforces on create: field -> dialects needing it.
REQUIRED_BY_DIALECT = {
    "region": ("bigquery", "athena"),
    "warehouse": ("snowflake", "databricks"),
    "defaultSchema": ("mssql",),
}


def _check_dialect_rules(body: dict[str, Any]) -> None:
    dialect = body["dialect"]
    for field, dialects in REQUIRED_BY_DIALECT.items():
        if dialect in dialects and not body.get(field):
            raise bad_request(f"{field}: Required for {dialect} connections")
    if dialect == "snowflake":
        host = body.get("host") or ""
        if host and body.get("hostOverride"):
            raise bad_request("host: host and hostOverride are mutually exclusive")
        if ".snowflakecomputing.com" in host.lower():
            raise bad_request(
                "host: Provide only the Snowflake account identifier, "
                "without .snowflakecomputing.com"
            )
    if dialect == "oracle" and not body.get("acceptsLicense"):
        raise bad_request("acceptsLicense: Required for oracle connections")


def view(connection: dict[str, Any]) -> dict[str, Any]:
    allow = connection["allowBranchConnectionEnvironments"]
    return {
        "id": connection["id"],
        "name": connection["name"],
        "dialect": READ_DIALECT.get(connection["dialect"], connection["dialect"]),
        "database": connection["settings"].get("database"),
        "defaultSchema": connection["settings"].get("defaultSchema"),
        "baseRole": connection["baseRole"],
        "createdAt": connection["createdAt"],
        "updatedAt": connection["updatedAt"],
        "deletedAt": connection["deletedAt"],
        "allowBranchConnectionEnvironments": allow,
        "branchConnectionEnvironmentOverridesUserAttr": allow,
        "environmentConnectionSwitchesSchemaModel": connection[
            "environmentConnectionSwitchesSchemaModel"
        ],
        "userAttributeNameForConnectionEnvironments": connection["userAttributeName"],
        "userAttributeValuesForDefaultEnvironment": connection["userAttributeDefaults"],
    }


def create_connection(ctx: Context):
    body = ctx.body
    _check_dialect_rules(body)
    stamp = now()
    connection = {
        "id": new_id(),
        "name": body["name"],
        "dialect": body["dialect"],
        "baseRole": body.get("baseRole", "QUERIER"),
        "settings": {k: v for k, v in body.items() if k not in SECRET_FIELDS},
        "secrets": {k: fingerprint(body[k]) for k in SECRET_FIELDS if k in body},
        "allowBranchConnectionEnvironments": False,
        "environmentConnectionSwitchesSchemaModel": False,
        "userAttributeName": None,
        "userAttributeDefaults": None,
        "createdAt": stamp,
        "updatedAt": stamp,
        "deletedAt": None,
    }
    ctx.store.connections[connection["id"]] = connection
    return created({"success": True, "data": connection["id"]})


def _dialect_filter(raw: str) -> set[str]:
    wanted = {part.strip() for part in raw.split(",") if part.strip()}
    readable = {v: k for k, v in READ_DIALECT.items()}
    unknown = sorted(d for d in wanted if d not in DIALECTS and d not in readable)
    if unknown:
        raise ApiError(400, f"Invalid dialect(s): {', '.join(unknown)}")
    return {readable.get(d, d) for d in wanted}


def list_connections(ctx: Context) -> dict:
    from ..pagination import sort_records

    q = ctx.query
    records = [view(c) for c in ctx.store.connections.values()]
    records = [r for r in records if q.get("includeDeleted") or r["deletedAt"] is None]
    if q.get("name"):
        records = [r for r in records if q["name"].lower() in r["name"].lower()]
    if q.get("database"):
        records = [r for r in records if q["database"].lower() in (r["database"] or "").lower()]
    if q.get("dialect"):
        dialects = _dialect_filter(q["dialect"])
        stored = ctx.store.connections
        records = [r for r in records if stored[r["id"]]["dialect"] in dialects]
    records = sort_records(records, q.get("sortField") or "name", q.get("sortDirection") or "asc")
    return {"connections": records}


def get_connection(ctx: Context) -> dict:
    connection = connection_or_404(ctx.store, ctx.params["id"], live=False)
    return {"connection": view(connection)}


def update_connection(ctx: Context) -> dict:
    body = ctx.body
    if not body:
        raise bad_request("At least one field must be provided")
    connection = connection_or_404(ctx.store, ctx.params["id"])
    changed = []
    if "baseRole" in body:
        connection["baseRole"] = body["baseRole"]
        changed.append("baseRole")
    if "environmentUserAttribute" in body:
        attribute = body["environmentUserAttribute"] or {}
        connection["userAttributeName"] = attribute.get("attributeName")
        connection["userAttributeDefaults"] = attribute.get("defaultValues")
        changed.append("environmentUserAttribute")
    for secret in ("passwordUnencrypted", "privateKey"):
        if secret in body:
            connection["secrets"][secret] = fingerprint(body[secret])
            changed.append(secret)
    connection["updatedAt"] = now()
    return {"success": True, "message": f"Updated {', '.join(changed)}"}


def archive_connection(store: Store, connection: dict[str, Any]) -> None:
    """Omni's archive: the connection and its models go to the trash, its secrets are dropped."""
    stamp = now()
    connection["deletedAt"] = stamp
    connection["secrets"] = {}
    for model in store.models.values():
        if model["connectionId"] == connection["id"] and model["deletedAt"] is None:
            model["deletedAt"] = stamp


def delete_connection(ctx: Context) -> dict:
    connection = connection_or_404(ctx.store, ctx.params["id"], live=False)
    if connection["deletedAt"] is not None:
        raise ApiError(410, "Connection has already been archived")
    archive_connection(ctx.store, connection)
    return {"success": True, "message": "Connection moved to trash"}


_ONE = "/api/v1/connections/{id}"
ROUTES = [
    Route("GET", "/api/v1/connections", list_connections, query=LIST_QUERY),
    Route("POST", "/api/v1/connections", create_connection, body=CONNECTION_CREATE),
    Route("GET", _ONE, get_connection, uuid_params=("id",)),
    Route("PATCH", _ONE, update_connection, body=CONNECTION_UPDATE, uuid_params=("id",)),
    Route("DELETE", _ONE, delete_connection, uuid_params=("id",)),
]
