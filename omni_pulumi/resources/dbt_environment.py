"""DbtEnvironment: a dbt target (schema, database, role, variables) of a connection.

Omni keys dbt environments under their connection and has no GET by id, so the Pulumi id is
``<connection_id>/<environment_id>`` and reads walk the connection's list. Omni never returns the
value of a secret variable; read carries it over from state, so ``variables`` as a whole is a Pulumi
secret (a list cannot be half secret): the plain variables are encrypted in state too, and a preview
shows a change of any variable as a change of the secret list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from pydantic import Field

from omni_pulumi.client import OmniClient, quote_segment
from omni_pulumi.diagnostics import warn
from omni_pulumi.errors import OmniNotFound
from omni_pulumi.listcache import LISTS, invalidated_by_writes
from omni_pulumi.resources._composite_id import join_id, split_id
from omni_pulumi.resources._secrets import redacting
from omni_pulumi.resources._types import Uuid
from omni_pulumi.spec import Arg, OmniArgs, Output, ResourceSpec

ID_FORM = "<connection_id>/<environment_id>"


class DbtVariable(OmniArgs):
    name: Annotated[str, Field(min_length=1)]
    value: str
    is_secret: bool = False


class DbtEnvironmentArgs(OmniArgs):
    connection_id: Annotated[
        Uuid,
        Arg(
            hint="pass a Connection's `id` (a uuid)",
            doc="The connection (with dbt configured) the environment belongs to. A change "
            "replaces the environment.",
        ),
    ]
    name: Annotated[str, Field(min_length=1), Arg(updatable=True, doc="The environment's name.")]
    target_schema: Annotated[
        str,
        Field(min_length=1),
        Arg(updatable=True, doc="The schema dbt builds into (dbt's `target.schema`)."),
    ]
    target_database: Annotated[
        str | None, Arg(updatable=True, doc="Override of dbt's target database.")
    ] = None
    target_name: Annotated[
        str | None, Arg(updatable=True, doc="Override of dbt's target name.")
    ] = None
    target_role: Annotated[
        str | None, Arg(updatable=True, doc="Override of dbt's target role.")
    ] = None
    owner_id: Annotated[
        Uuid | None,
        Arg(
            updatable=True,
            computed=True,
            hint="pass a user's membership id (a uuid)",
            doc="The user owning a personal development environment (organization API keys "
            "only; with a personal access token Omni makes its user the owner). Unset: Omni's "
            "choice is kept.",
        ),
    ] = None
    is_deferral_enabled: Annotated[
        bool,
        Arg(
            updatable=True,
            doc="Enable dbt deferral. Omni forces it off for the default (production) environment.",
        ),
    ] = False
    variables: Annotated[
        list[DbtVariable],
        Arg(
            updatable=True,
            secret=True,
            unordered=True,
            hint="pass a list of {'name': ..., 'value': ..., 'is_secret': bool}",
            doc="Environment variables, `{name, value, is_secret}` each, compared as a set. The "
            "whole list is a Pulumi secret, because Omni never returns secret values and they "
            "must be kept in state. Updated in place; a variable's name cannot change in Omni, "
            "so a renamed variable is added under the new name.",
        ),
    ] = []


def _path(connection_id: str, environment_id: str | None = None) -> str:
    path = f"/api/v1/connections/{quote_segment(connection_id)}/dbt/environments"
    return f"{path}/{quote_segment(environment_id)}" if environment_id else path


def _observed(
    record: Mapping[str, Any], connection_id: str, known: list[Mapping[str, Any]] | None
) -> dict[str, Any]:
    """A dbt environment record in argument names; secret values come from ``known`` (state)."""
    secrets = {v["name"]: v["value"] for v in known or [] if v.get("is_secret")}
    variables = [
        {
            "name": v["name"],
            "value": secrets.get(v["name"]) if v.get("isSecret") else v.get("value"),
            "is_secret": bool(v.get("isSecret")),
        }
        for v in record.get("variables") or []
    ]
    return {
        "connection_id": connection_id,
        "name": record["name"],
        "target_schema": record["targetSchema"],
        "target_database": record.get("targetDatabase"),
        "target_name": record.get("targetName"),
        "target_role": record.get("targetRole"),
        "owner_id": record.get("ownerId"),
        "is_deferral_enabled": bool(record.get("isDeferralEnabled", False)),
        "variables": sorted(variables, key=repr),
        "environment_id": record["id"],
        "is_default_environment": bool(record.get("isDefaultEnvironment", False)),
    }


def _settings(args: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": args["name"],
        "targetSchema": args["target_schema"],
        "targetDatabase": args.get("target_database"),
        "targetName": args.get("target_name"),
        "targetRole": args.get("target_role"),
        "isDeferralEnabled": bool(args.get("is_deferral_enabled")),
    }


def _secret_values(args: Mapping[str, Any]) -> list[str]:
    return [v["value"] for v in args.get("variables") or [] if v.get("is_secret")]


def _new_variable(variable: Mapping[str, Any]) -> dict[str, Any]:
    return {"name": variable["name"], "value": variable["value"], "isSecret": variable["is_secret"]}


@invalidated_by_writes
class DbtEnvironmentSpec(ResourceSpec, register=True):
    """A dbt environment of an Omni connection. ``variables`` is stored as a Pulumi secret."""

    type_name = "DbtEnvironment"
    args_model = DbtEnvironmentArgs
    id_doc = f"`{ID_FORM}`"
    outputs = {
        "environment_id": Output("Omni's id of the dbt environment (a uuid)."),
        "is_default_environment": Output("Whether this is the connection's default environment."),
    }
    notes = """\
- Omni has no GET by id for dbt environments: read lists the connection's environments
  (`GET /api/v1/connections/{id}/dbt/environments`, cursor pages) and matches the id.
- Omni never returns a secret variable's value (it answers `null`), so it is carried over from
  state: a secret value changed in Omni's UI cannot show drift, and an adopted environment's secret
  values are written once. Because of that, the whole `variables` list is stored as a Pulumi
  secret, non-secret values included.
- An update is one `PUT` of the whole environment: existing variables are sent by Omni's variable id
  (looked up with the list first), new ones by name. Omni's API does not document what happens to a
  variable left out of the `PUT`; if Omni keeps one the program no longer lists, the provider warns
  and the next refresh shows it as drift: delete it in Omni's UI.
- Omni forces `is_deferral_enabled` off for the default (production) environment.
- Every call needs the Connection Admin role and a connection whose dialect supports dbt (403).
"""

    def check_rules(self, args: dict[str, Any], unknown: set[str]) -> Iterable[tuple[str, str]]:
        if "variables" in unknown:
            return
        names = [v["name"] for v in args.get("variables") or [] if isinstance(v, Mapping)]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            yield "variables", f"names {', '.join(twice)} more than once; list each variable once"

    def create(self, client: OmniClient, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        body = {k: v for k, v in _settings(args).items() if v is not None}
        if args.get("owner_id"):
            body["ownerId"] = args["owner_id"]
        if args["variables"]:  # Omni refuses an empty list: at least one, if the key is sent
            body["variables"] = [_new_variable(v) for v in args["variables"]]
        with redacting(_secret_values(args)):
            made = client.post(_path(args["connection_id"]), json=body)
        observed = _observed(made, args["connection_id"], args["variables"])
        return join_id(args["connection_id"], made["id"]), observed

    def read(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> dict[str, Any] | None:
        connection_id, environment_id = split_id(id_, self.type_name, ID_FORM)
        record = self._find(client, connection_id, lambda r: r.get("id") == environment_id)
        if record is None:
            return None
        return _observed(record, connection_id, state.get("variables"))

    def update(
        self,
        client: OmniClient,
        id_: str,
        olds: Mapping[str, Any],
        news: dict[str, Any],
        changed: set[str],
    ) -> dict[str, Any]:
        connection_id, environment_id = split_id(id_, self.type_name, ID_FORM)
        path = _path(connection_id, environment_id)
        current = self._find(client, connection_id, lambda r: r.get("id") == environment_id)
        if current is None:
            raise OmniNotFound(404, "PUT", path, "the dbt environment no longer exists")
        ids = {v["name"]: v["id"] for v in current.get("variables") or []}
        variables = [
            {"id": ids[v["name"]], "isSecret": v["is_secret"], "value": v["value"]}
            if v["name"] in ids
            else _new_variable(v)
            for v in news["variables"]
        ]
        owner = news.get("owner_id") or olds.get("owner_id") or current.get("ownerId")
        body = {**_settings(news), "ownerId": owner, "variables": variables}
        with redacting(_secret_values(news)):
            updated = client.put(path, json=body)
        kept = sorted(
            {v["name"] for v in updated.get("variables") or []}
            - {v["name"] for v in news["variables"]}
        )
        if kept:
            warn(
                f"DbtEnvironment {news['name']!r}: Omni kept variable(s) {', '.join(kept)} that "
                "the program no longer lists; delete them in Omni's UI (dbt environment settings)"
            )
        return _observed(updated, connection_id, news["variables"])

    def delete(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> None:
        connection_id, environment_id = split_id(id_, self.type_name, ID_FORM)
        client.delete(_path(connection_id, environment_id))

    def find_existing(self, client: OmniClient, args: dict[str, Any]) -> str | None:
        connection_id = args["connection_id"]
        record = self._find(client, connection_id, lambda r: r.get("name") == args["name"])
        return join_id(connection_id, record["id"]) if record else None

    def _find(self, client: OmniClient, connection_id: str, match) -> dict[str, Any] | None:
        path = _path(connection_id)

        def fetch() -> list[dict[str, Any]]:
            try:
                return list(client.paginate_cursor(path))
            except OmniNotFound:
                return []  # the connection itself is gone

        # One list per connection serves every environment read of the same burst.
        records = LISTS.records(client, self.type_name, path, None, fetch)
        return next((record for record in records if match(record)), None)
