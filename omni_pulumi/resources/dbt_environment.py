"""DbtEnvironment: a dbt target (schema, database, role, variables) of a connection.

Omni keys dbt environments under their connection and has no GET by id, so the Pulumi id is
``<connection_id>/<environment_id>`` and reads walk the connection's list. Omni never returns the
value of a secret variable; read carries it over from state, so ``variables`` as a whole is a Pulumi
secret (a list cannot be half secret): the plain variables are encrypted in state too, and a preview
shows a change of any variable as a change of the secret list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Field

from omni_pulumi.argtypes import Uuid
from omni_pulumi.client import OmniClient
from omni_pulumi.diagnostics import warn
from omni_pulumi.errors import OmniNotFound
from omni_pulumi.spec import Arg, Listing, OmniArgs, Output, ResourceSpec, listed_once


class DbtVariable(OmniArgs):
    name: Annotated[str, Field(min_length=1)]
    #: Every value is kept out of messages: Omni echoes variables whole.
    value: Annotated[str, Arg(secret=True)]
    is_secret: bool = False


class DbtEnvironmentArgs(OmniArgs):
    connection_id: Annotated[
        Uuid,
        Arg(
            in_path=True,
            ref="Connection",
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
            check=listed_once("variable", "name"),
            hint="pass a list of {'name': ..., 'value': ..., 'is_secret': bool}",
            to_api=lambda variables: [_new_variable(v) for v in variables] or None,
            doc="Environment variables, `{name, value, is_secret}` each, compared as a set. The "
            "whole list is a Pulumi secret, because Omni never returns secret values and they "
            "must be kept in state. Updated in place; a variable's name cannot change in Omni, "
            "so a renamed variable is added under the new name.",
        ),
    ] = []


def _new_variable(variable: Mapping[str, Any]) -> dict[str, Any]:
    """A variable Omni does not hold yet, sent by name (Omni refuses an empty list)."""
    return {"name": variable["name"], "value": variable["value"], "isSecret": variable["is_secret"]}


class DbtEnvironmentSpec(ResourceSpec, register=True):
    """A dbt environment of an Omni connection. ``variables`` is stored as a Pulumi secret."""

    type_name = "DbtEnvironment"
    export_label = "{connection_id} dbt {name}"
    args_model = DbtEnvironmentArgs
    id_doc = "`<connection_id>/<environment_id>`"
    outputs = {
        "environment_id": Output("Omni's id of the dbt environment (a uuid).", api="id"),
        "is_default_environment": Output("Whether this is the connection's default environment."),
    }
    notes = """\
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

    path = "/api/v1/connections/{connection_id}/dbt/environments"
    listing = Listing(path, style="cursor")
    reads_from_listing = True
    natural_key = ("name",)
    id_name = "environment_id"

    def observe(
        self, record: Mapping[str, Any], state: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        # Omni answers a secret variable's value with null: it is carried over from state.
        observed = super().observe(record, state)
        known = {v["name"]: v["value"] for v in (state or {}).get("variables") or []}
        observed["variables"] = sorted(
            (
                {
                    "name": v["name"],
                    "value": known.get(v["name"]) if v.get("isSecret") else v.get("value"),
                    "is_secret": bool(v.get("isSecret")),
                }
                for v in record.get("variables") or []
            ),
            key=repr,
        )
        return observed

    def update(
        self,
        client: OmniClient,
        id_: str,
        olds: Mapping[str, Any],
        news: dict[str, Any],
        changed: set[str],
    ) -> dict[str, Any]:
        # A PUT names the variables Omni holds by their ids (from the list), new ones by name.
        path = self.item_path(id_)
        current = self.listed(client, id_)
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
        body = {**self.body(news), "ownerId": owner, "variables": variables}
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
        return self.observe(updated, news)
