"""Connection: a database Omni queries, in any of the 17 dialects Omni's API creates.

Omni's API can change only four things on a connection (PATCH: base role, environment user
attribute, password, private key); every other setting is fixed at create, so changing it replaces
the connection. Omni returns few settings and no secrets, so read maps what it returns and leaves
the rest out, which carries it over from state: those settings cannot show drift, but they never
make a perpetual diff either. Each dialect's required settings are checked at preview (declared on
the arguments, and :meth:`ConnectionSpec.check_rules`), where Omni would only refuse them mid-``up``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from omni_pulumi.client import OmniClient
from omni_pulumi.diagnostics import archived
from omni_pulumi.errors import OmniApiError
from omni_pulumi.spec import Arg, Listing, OmniArgs, ResourceSpec, When

PATH = "/api/v1/connections"

Dialect = Literal[
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
BaseRole = Literal[
    "NO_ACCESS", "VIEWER", "RESTRICTED_QUERIER", "QUERIER", "MODELER", "CONNECTION_ADMIN"
]
#: Read answers name some dialects differently from create (the list's enum says `sqlserver`).
_READ_DIALECTS = {"sqlserver": "mssql"}
SNOWFLAKE_SUFFIX = ".snowflakecomputing.com"


class EnvironmentUserAttribute(OmniArgs):
    """Which user attribute picks a connection environment, and its values for the base one."""

    attribute_name: Annotated[str, Field(min_length=1)]
    #: Sorted at check (and read) as the engine sorts unordered lists: the values are a set, and
    #: the engine's own set comparison does not reach inside a dict.
    default_values: Annotated[list[str], AfterValidator(sorted)] = []


def _replace(doc: str, **kw: Any) -> Arg:
    """A setting Omni fixes at create and never returns: a change replaces the connection."""
    return Arg(doc=f"{doc} A change replaces the connection.", write_only=True, **kw)


def _csv(values: list[str]) -> str:
    """Omni takes some lists as one comma-separated string."""
    return ",".join(values)


def _no_comma(values: list[str]) -> str | None:
    """Why a list sent as one comma-separated string is refused: an item holding a comma."""
    item = next((item for item in values if "," in item), None)
    if item is None:
        return None
    return (
        f"{item!r} contains a comma, but Omni takes the list as one comma-separated string, so "
        "it would be read as several names; pass each name as its own list item"
    )


class ConnectionArgs(OmniArgs):
    dialect: Annotated[
        Dialect,
        Arg(
            doc="The database dialect. A change replaces the connection.",
            # Read answers name some dialects differently from create (`sqlserver`).
            from_api=lambda dialect: _READ_DIALECTS.get(dialect, dialect),
            hint="use one of Omni's dialects, e.g. 'snowflake', 'bigquery', 'postgres'",
            kinds="connections",
        ),
    ]
    name: Annotated[
        str,
        Field(min_length=1),
        Arg(
            doc="A descriptive name. Omni's API cannot rename a connection, so a new name (here or "
            "in Omni's UI) means a new connection. A change replaces the connection."
        ),
    ]
    password: Annotated[
        str | None,
        Arg(
            updatable=True,
            secret=True,
            write_only=True,
            api="passwordUnencrypted",
            doc="The password. For BigQuery, the service account's JSON "
            "key file content. May be omitted for Snowflake keypair authentication. A change "
            "rotates it in place.",
        ),
    ] = None
    private_key: Annotated[
        str | None,
        Arg(
            updatable=True,
            secret=True,
            write_only=True,
            doc="Snowflake keypair authentication: a PEM-encoded PKCS#8 RSA key, at least 2048 "
            "bits (Omni adds PEM headers if missing). A change rotates "
            "it in place.",
        ),
    ] = None
    oauth_client_secret: Annotated[
        str | None,
        Arg(
            secret=True,
            write_only=True,
            api="oauthClientSecretUnencrypted",
            doc="OAuth client secret for admin schema refresh (Snowflake, "
            "Databricks). A change replaces the connection.",
        ),
    ] = None
    base_role: Annotated[
        BaseRole | None,
        Arg(
            updatable=True,
            computed=True,
            hint="use NO_ACCESS, VIEWER, RESTRICTED_QUERIER, QUERIER, MODELER or CONNECTION_ADMIN",
            doc="The role users get on this connection by default. Unset: Omni's default. "
            "Updated in place.",
        ),
    ] = None
    environment_user_attribute: Annotated[
        EnvironmentUserAttribute | None,
        Arg(
            updatable=True,
            hint="pass {'attribute_name': ..., 'default_values': [...]}",
            doc="Connection environments: `{attribute_name, default_values}`, the user attribute "
            "that picks an environment and its values that select this (base) connection "
            "(`default_values` compared as a set). Updated in place; unset removes it.",
            send_null=True,  # null removes the setting
            after_create=True,  # the create body does not take it
        ),
    ] = None
    host: Annotated[
        str | None,
        _replace(
            "Host name or IP of the database. For Snowflake, only the account identifier "
            "(`acme-xy12345`, not `acme-xy12345.snowflakecomputing.com`)."
        ),
    ] = None
    host_override: Annotated[
        str | None,
        _replace("Snowflake: a custom host, instead of `host`'s account identifier."),
    ] = None
    port: Annotated[
        int | None,
        Field(ge=1, le=65535),
        _replace(
            "The database port. Not needed for Snowflake, MotherDuck, BigQuery, Databricks, Athena."
        ),
    ] = None
    database: Annotated[
        str | None,
        Arg(
            computed=True,
            doc="The default database or catalog; the project id for BigQuery, the data catalog "
            "for Athena. A change replaces the connection.",
        ),
    ] = None
    username: Annotated[
        str | None,
        _replace("The user to log in as (for BigQuery, the service account's client email)."),
    ] = None
    warehouse: Annotated[
        str | None,
        _replace(
            "Snowflake: the warehouse (may be omitted with OAuth, where each user's default "
            "applies). Databricks: the SQL warehouse's HTTP path, e.g. `/sql/1.0/warehouses/abc`.",
            # Snowflake's need depends on the authentication: check_rules says it.
            required_when=When("dialect", "databricks"),
            hint="for databricks, the SQL warehouse's HTTP path, e.g. "
            "warehouse='/sql/1.0/warehouses/abc123' (for snowflake, the warehouse's name)",
        ),
    ] = None
    default_schema: Annotated[
        str | None,
        Arg(
            computed=True,
            required_when=When("dialect", "mssql"),
            hint="set default_schema='dbo'",
            doc="The default schema. A change replaces the connection.",
        ),
    ] = None
    include_schemas: Annotated[
        list[str] | None,
        _replace("Schemas to include; unset includes all.", to_api=_csv, check=_no_comma),
    ] = None
    include_other_catalogs: Annotated[
        list[str] | None,
        _replace(
            "Other catalogs or databases to include (multi-catalog dialects only).",
            to_api=_csv,
            check=_no_comma,
        ),
    ] = None
    offloaded_schemas: Annotated[
        list[str] | None,
        _replace("Schemas whose tables are queried through the offloaded engine."),
    ] = None
    scratch_schema: Annotated[
        str | None,
        _replace("Schema for data input (upload) tables. Unset: Omni picks one."),
    ] = None
    query_timeout_seconds: Annotated[
        int | None,
        Field(ge=1, le=3600),
        _replace(
            "Query timeout in seconds, at most 3600 (Omni's default is 900).",
            hint="use a number of seconds from 1 to 3600 (one hour)",
        ),
    ] = None
    region: Annotated[
        str | None,
        _replace(
            "Required for BigQuery (a location such as `us`) and Athena (an AWS region such as "
            "`us-east-1`).",
            required_when=When("dialect", "bigquery", "athena"),
            hint="set region='us' (a BigQuery location) or region='us-east-1' (an Athena AWS region)",
        ),
    ] = None
    max_billing_bytes: Annotated[
        str | None,
        Field(pattern=r"^\d+$"),
        _replace(
            "BigQuery: the most bytes one query may bill, as a string of digits.",
            hint="pass a number of bytes as a string of digits, e.g. '1000000000'",
        ),
    ] = None
    system_timezone: Annotated[
        str | None, _replace("The database's time zone (Omni's default: `UTC`).")
    ] = None
    query_timezone: Annotated[
        str | None, _replace("The time zone queries convert to (Omni's default: `NONE`).")
    ] = None
    allows_user_specific_timezones: Annotated[
        bool | None, _replace("Let users pick their own time zone (Omni's default: false).")
    ] = None
    trust_server_certificate: Annotated[
        bool | None,
        _replace("Trust the server's certificate (MSSQL, Exasol, ClickHouse, Trino, SAP HANA)."),
    ] = None
    authentication_type: Annotated[
        str | None,
        _replace(
            "Authentication type, e.g. `snowflake-password` (BigQuery, MSSQL, Snowflake, "
            "Databricks, Athena)."
        ),
    ] = None
    aws_role_arn: Annotated[str | None, _replace("Athena: the AWS IAM role ARN to assume.")] = None
    oauth_client_id: Annotated[
        str | None,
        _replace("OAuth client id for admin schema refresh (Snowflake, Databricks)."),
    ] = None
    external_oauth_audience: Annotated[
        str | None, _replace("Snowflake external OAuth: the audience claim.")
    ] = None
    external_oauth_authorization_url: Annotated[
        str | None,
        Field(pattern=r"^https://"),
        _replace(
            "Snowflake external OAuth: the authorization URL (https).",
            hint="use an https:// URL",
        ),
    ] = None
    external_oauth_token_url: Annotated[
        str | None,
        Field(pattern=r"^https://"),
        _replace("Snowflake external OAuth: the token URL (https).", hint="use an https:// URL"),
    ] = None
    use_machine_auth: Annotated[
        bool | None,
        _replace("Authenticate with machine credentials, OAuth M2M (Athena, Databricks)."),
    ] = None
    accepts_license: Annotated[
        bool | None, _replace("Accept the driver's license terms (required for Oracle).")
    ] = None
    always_scope_view_names: Annotated[
        bool | None,
        _replace(
            "Prefix generated view names with schema (and catalog) even in the default schema. "
            "Omni's default: true for multi-catalog dialects."
        ),
    ] = None
    infer_relationships_from_column_names: Annotated[
        bool | None,
        _replace("Infer relationships from column names at schema refresh (Omni's default: true)."),
    ] = None
    infer_relationships_from_foreign_keys: Annotated[
        bool | None,
        _replace("Infer relationships from declared foreign keys (Postgres, Snowflake)."),
    ] = None
    enable_db_semantic_layer_integration: Annotated[
        bool | None, _replace("Use the database's semantic layer (Snowflake, Databricks).")
    ] = None
    enable_db_semantic_layer_topics: Annotated[
        bool | None, _replace("Use the database's semantic layer topics (Snowflake, Databricks).")
    ] = None
    wif_audience: Annotated[
        str | None,
        _replace(
            "BigQuery workload identity federation: the full resource name of the workload "
            "identity pool provider."
        ),
    ] = None
    wif_service_account_email: Annotated[
        str | None,
        _replace(
            "BigQuery workload identity federation: the service account to impersonate (unset: "
            "the federated identity is used directly)."
        ),
    ] = None


def _snowflake_account(host: str) -> str:
    """``https://acme-xy12345.snowflakecomputing.com/`` -> ``acme-xy12345``."""
    bare = host.strip().split("://", 1)[-1].split("/", 1)[0]
    return bare[: -len(SNOWFLAKE_SUFFIX)] if bare.lower().endswith(SNOWFLAKE_SUFFIX) else bare


def _service_account_problem(password: str) -> str | None:
    """Why a BigQuery password is not a service-account key; never quotes the key itself."""
    try:
        key = json.loads(password)
    except ValueError:
        return (
            "must be the service account's JSON key file content, and it does not parse as JSON; "
            "pass the file's text, e.g. password=pulumi.Output.secret(open('key.json').read())"
        )
    if not isinstance(key, dict):
        return "must be the service account's JSON key file content (a JSON object)"
    missing = [name for name in ("client_email", "project_id") if not key.get(name)]
    if missing:
        return (
            f"is JSON but has no {' or '.join(missing)}; pass the service account's whole JSON "
            "key file as downloaded from Google Cloud"
        )
    return None


class ConnectionSpec(ResourceSpec, register=True):
    """An Omni database connection. ``password``, ``private_key`` and ``oauth_client_secret`` are stored as Pulumi secrets."""

    type_name = "Connection"
    path = PATH
    listing = Listing(PATH, records="connections")
    export_optional_secrets = ("password",)
    args_model = ConnectionArgs
    id_doc = "the connection's uuid"
    notes = """\
- Omni's API changes only `base_role`, `environment_user_attribute`, `password` and `private_key` in
  place. Every other argument, `name` included, is fixed at create: changing it creates a new
  connection first, then archives the old one. Renaming a connection in Omni's UI therefore shows as
  a replacement on the next refresh; set `name` to the new name to keep it.
- Drift is seen on `name`, `dialect`, `database`, `base_role`, `default_schema` and
  `environment_user_attribute` only: Omni returns no other setting (each row says so).
- Destroy (and the old side of a replacement) **archives** the connection (`DELETE`): it stays
  restorable from the trash in Omni's connection settings, its models go to the trash with it, and
  its passwords and keys are deleted for good, so a restored connection needs its secrets again.
  The provider says so on stderr (Pulumi's own output says "deleted"). A connection that is already
  archived counts as deleted, silently.
- Beside the rules on each argument, preview checks `warehouse` for Snowflake (unless OAuth), a
  parseable service-account JSON as BigQuery's `password`, Snowflake's `host` as the bare account
  identifier, and no comma in an item of `include_schemas` or `include_other_catalogs` (each is sent
  as one comma-separated string).
"""

    def check_rules(self, args: dict[str, Any], unknown: set[str]) -> Iterable[tuple[str, str]]:
        # The CSV lists, region, default_schema and databricks' warehouse declare their rules.
        if "dialect" in unknown:
            return
        dialect = args.get("dialect")

        def missing(name: str) -> bool:
            return name not in unknown and args.get(name) is None

        def known(name: str) -> bool:
            return name not in unknown and args.get(name) is not None

        if dialect == "bigquery" and known("password"):
            problem = _service_account_problem(args["password"])
            if problem:
                yield "password", problem
        if dialect == "snowflake":
            oauth = "oauth" in str(args.get("authentication_type") or "").lower()
            if missing("warehouse") and not oauth and "authentication_type" not in unknown:
                yield (
                    "warehouse",
                    "is required for snowflake connections (except with OAuth); set "
                    "warehouse='COMPUTE_WH' (your warehouse's name)",
                )
            if known("host") and args["host"].lower().rstrip("/").endswith(SNOWFLAKE_SUFFIX):
                account = _snowflake_account(args["host"])
                yield (
                    "host",
                    f"must be the bare Snowflake account identifier, not a URL; use "
                    f"host={account!r} (or host_override for a custom host)",
                )
            if known("host") and known("host_override"):
                yield "host_override", "cannot be set together with host; set only one of them"
        if dialect == "databricks" and known("warehouse") and not args["warehouse"].startswith("/"):
            yield (
                "warehouse",
                "for databricks is the SQL warehouse's HTTP path and starts with '/', "
                "e.g. warehouse='/sql/1.0/warehouses/abc123' (see the warehouse's "
                "Connection details)",
            )

    envelope = "connection"
    #: Only the four settings Omni's PATCH takes change in place; it answers with no settings.
    update_method = "PATCH"
    # Names are not unique in Omni: a create whose answer was lost looks for a live connection
    # of this name, dialect and (where set) database.
    matched_by = ("name", "dialect", "database")
    lookup_params = {"name": "name"}

    def create(self, client: OmniClient, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        # The create answers {"data": <id>} alone.
        id_ = client.post(self.path, json=self.body(args))["data"]
        self.write_after_create(client, id_, args)
        if all(args[f.name] is not None for f in self.fields() if f.arg.computed):
            return id_, {}  # nothing left for Omni to fill in: no read-back
        # Omni's defaults for what the program left unset are read back, or they would be
        # unknown outputs.
        try:
            return id_, self.read(client, id_, args) or {}
        except OmniApiError:
            return id_, {}  # only Omni's defaults are missing; the next refresh reads them

    def observe(
        self, record: Mapping[str, Any], state: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        observed = super().observe(record, state)
        attribute = record.get("userAttributeNameForConnectionEnvironments")
        if attribute or "userAttributeNameForConnectionEnvironments" in record:
            values = record.get("userAttributeValuesForDefaultEnvironment") or []
            observed["environment_user_attribute"] = (
                {"attribute_name": attribute, "default_values": sorted(values)}
                if attribute
                else None
            )
        return observed

    def delete(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> None:
        # Archives; 410 "already archived" is a not-found to the engine, and nothing is said then.
        super().delete(client, id_, state)
        archived(
            f"Connection {state.get('name')!r} ({id_})",
            "Omni moved it to the trash with its models (SCHEMA and shared) and their content; "
            "it can be restored in Omni's connection settings, but its passwords and keys were "
            "deleted for good",
        )
