"""A connection's dbt configuration: one per connection, read, replaced whole, unlinked.

``GET /api/v1/connections/{connectionId}/dbt`` answers one of two shapes (openapi.json
``ConnectionsDbtGetResponse``): the configuration with ``supportsDbt: true``, or ``{supportsDbt,
message}`` when there is none, ``supportsDbt: false`` when the connection's dialect (or the instance:
``Emulator.dbt_dialects`` empty) has no dbt. ``PUT`` replaces the whole configuration (optional
fields it omits go back to their defaults), and its ``rotateKeys`` is an action: it makes a new SSH
deploy key and is never stored or read back. ``DELETE`` unlinks the repository; 404 when none is
configured.
"""

from __future__ import annotations

from typing import Any

from ..errors import bad_request, not_found
from ..store import new_id
from ..validation import any_of, boolean, obj, string
from . import Context, Route
from .common import connection_or_404, now

#: Dialects the emulator offers dbt for (Omni's own list is not published in the API docs).
DBT_DIALECTS = frozenset(
    {
        "athena",
        "bigquery",
        "clickhouse",
        "databricks",
        "motherduck",
        "mssql",
        "postgres",
        "redshift",
        "snowflake",
        "trino",
    }
)
#: The dbt versions the spec's PUT description lists (a free string in its schema).
DBT_VERSIONS = ("Auto", "1.11", "1.12")
_PROJECT_ROOT = r"^(?!\/)(?!.*\.\.)[\w ./-]+$"
#: A value no string matches: the spec's two null-only alternatives of projectRootPath.
_NULL_ONLY = string(nullable=True, enum=())

DBT_CONFIG = obj(
    {
        "autogenRelationships*": boolean(),
        "branch*": string(min_len=1),
        "dbtVersion": string(nullable=True),
        "enableSemanticLayer": boolean(default=False),
        "enableVirtualSchemas*": boolean(),
        "projectRootPath": any_of(
            string(pattern=_PROJECT_ROOT),
            string(enum=("",)),
            _NULL_ONLY,
            _NULL_ONLY,
            nullable=True,
            default=None,
        ),
        "rotateKeys": boolean(default=False),
        "sshUrl*": string(min_len=1),
    }
)
_SETTINGS = (
    "sshUrl",
    "branch",
    "dbtVersion",
    "projectRootPath",
    "autogenRelationships",
    "enableVirtualSchemas",
    "enableSemanticLayer",
)


def _connection(ctx: Context) -> dict[str, Any]:
    return connection_or_404(ctx.store, ctx.params["connectionId"])


def _supports_dbt(ctx: Context, connection: dict[str, Any]) -> bool:
    return connection["dialect"] in ctx.emulator.dbt_dialects


def get_dbt(ctx: Context) -> dict:
    connection = _connection(ctx)
    if not _supports_dbt(ctx, connection):
        return {
            "supportsDbt": False,
            "message": f"dbt is not supported for {connection['dialect']} connections",
        }
    config = ctx.store.dbt_configs.get(connection["id"])
    if config is None:
        return {"supportsDbt": True, "message": "dbt not configured for this connection"}
    return {"supportsDbt": True, **{k: config[k] for k in _SETTINGS}}


def put_dbt(ctx: Context) -> dict:
    connection = _connection(ctx)
    body = ctx.body
    if not _supports_dbt(ctx, connection):
        raise bad_request(f"dbt is not supported for {connection['dialect']} connections")
    version = body.get("dbtVersion")
    if version is not None and version not in DBT_VERSIONS:
        raise bad_request(
            f"dbtVersion: Unsupported dbt version '{version}'. Supported: {', '.join(DBT_VERSIONS)}"
        )
    previous = ctx.store.dbt_configs.get(connection["id"])
    config = {k: body.get(k) for k in _SETTINGS}
    config["dbtVersion"] = version or "Auto"  # unset means Omni picks
    config["projectRootPath"] = body["projectRootPath"] or None
    # The deploy key stays across updates; rotateKeys (an action, never stored) makes a new one.
    key = previous["deployKeyId"] if previous else None
    config["deployKeyId"] = new_id() if key is None or body["rotateKeys"] else key
    config["updatedAt"] = now()
    ctx.store.dbt_configs[connection["id"]] = config
    return {"success": True, "message": "dbt configuration updated successfully"}


def delete_dbt(ctx: Context) -> dict:
    connection = _connection(ctx)
    if ctx.store.dbt_configs.pop(connection["id"], None) is None:
        raise not_found("dbt not configured for this connection")
    return {"success": True, "message": "dbt repository unlinked successfully"}


_PATH = "/api/v1/connections/{connectionId}/dbt"
_ID = ("connectionId",)
ROUTES = [
    Route("GET", _PATH, get_dbt, uuid_params=_ID),
    Route("PUT", _PATH, put_dbt, body=DBT_CONFIG, uuid_params=_ID),
    Route("DELETE", _PATH, delete_dbt, uuid_params=_ID),
]
