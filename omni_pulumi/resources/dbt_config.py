"""DbtConfig: the dbt repository settings of a connection, one per connection, keyed by its id.

Omni keeps at most one dbt configuration per connection (``/api/v1/connections/{id}/dbt``) and gives
it no id of its own, so the Pulumi id and the adopt id are the connection's id. Its ``PUT`` replaces
the whole configuration (a setting it leaves out goes back to Omni's default), so every write sends
every setting the program holds. ``rotateKeys`` is an action of that ``PUT``, not a setting: the
resource exposes it as ``rotate_keys_trigger``, a value whose change asks for one rotation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from omni_pulumi.argtypes import Uuid
from omni_pulumi.client import OmniClient, quote_segment
from omni_pulumi.errors import OmniApiError, OmniResourceError
from omni_pulumi.spec import Arg, OmniArgs, ResourceSpec

#: What Omni's PUT description lists; the schema itself takes any string.
DbtVersion = Literal["Auto", "1.11", "1.12"]
TRIGGER = "rotate_keys_trigger"
_PROJECT_ROOT = re.compile(r"^(?!/)(?!.*\.\.)[\w ./-]+$")


class DbtConfigArgs(OmniArgs):
    connection_id: Annotated[
        Uuid,
        Arg(
            in_path=True,
            ref="Connection",
            hint="pass a Connection's `id` (a uuid)",
            doc="The connection whose dbt repository this is. Changing it replaces the "
            "configuration.",
        ),
    ]
    ssh_url: Annotated[
        str,
        Field(min_length=1),
        Arg(updatable=True, doc="The dbt project's git repository (`git@host:org/repo.git`)."),
    ]
    branch: Annotated[
        str,
        Field(min_length=1),
        Arg(updatable=True, doc="The branch Omni reads the dbt project from."),
    ]
    autogen_relationships: Annotated[
        bool,
        Arg(
            updatable=True,
            doc="Generate primary keys and relationships from dbt constraints. Always sent "
            "(Omni's PUT requires it).",
        ),
    ] = False
    enable_virtual_schemas: Annotated[
        bool,
        Arg(
            updatable=True,
            doc="Enable virtual schemas from dbt. Always sent (Omni's PUT requires it).",
        ),
    ] = False
    enable_semantic_layer: Annotated[
        bool, Arg(updatable=True, doc="Enable the dbt semantic layer integration.")
    ] = False
    dbt_version: Annotated[
        DbtVersion | None,
        Arg(
            updatable=True,
            computed=True,
            send_null=True,  # the PUT replaces the whole configuration
            hint="use 'Auto', '1.11' or '1.12'",
            doc="The dbt version: `Auto`, `1.11` or `1.12`. Unset: Omni's choice (`Auto`).",
        ),
    ] = None
    project_root_path: Annotated[
        str | None,
        Field(min_length=1),
        Arg(
            updatable=True,
            send_null=True,
            from_api=lambda path: path or None,
            hint="a path inside the repository: no leading `/`, no `..`",
            doc="Where the dbt project lives in the repository. Unset: its root.",
        ),
    ] = None
    rotate_keys_trigger: Annotated[
        str | None,
        Arg(
            updatable=True,
            local=True,
            doc="Not a setting: any value. Changing it in a later `pulumi up` asks Omni to rotate "
            "the repository's SSH deploy key (`rotateKeys: true`, sent once with the update); "
            "authorize the new key with the git host afterwards. Omni keeps nothing of it.",
        ),
    ] = None

    @field_validator("project_root_path")
    @classmethod
    def _inside_the_repository(cls, value: str | None) -> str | None:
        # Omni's own rule (its PUT schema's pattern, which pydantic's regex engine cannot run).
        if value is not None and not _PROJECT_ROOT.match(value):
            raise ValueError("must be a path inside the repository: no leading `/`, no `..`")
        return value


_NOTES = """\
- There is one dbt configuration per connection and it has no id of its own: the Pulumi id and
  `adopt_id` are the connection's id. Creating one for a connection that already has one fails
  and shows how to adopt it, instead of overwriting it.
- Omni's `PUT` replaces the whole configuration: every update sends every setting of the
  program (a setting left unset goes back to Omni's default), never only what changed.
- Create checks `GET /api/v1/connections/{id}/dbt` first: a connection whose dialect (or an
  instance) without dbt answers `supportsDbt: false`, and create then fails naming the
  connection's dialect, before writing anything. Then it writes (`PUT`) and reads the
  configuration back, since the `PUT` answers only `{success, message}`: 3 calls (4 when refused).
- `rotateKeys` is an action, not a setting: Omni makes a new SSH deploy key and keeps nothing to
  read back. `rotate_keys_trigger` stands for it: changing its value sends one `rotateKeys: true`
  with the update (a `PUT` of the whole configuration, as any update); setting it at create or
  adoption rotates nothing (Omni makes a deploy key with the configuration). The value is kept in
  the stack only. Omni's dbt API does not
  return the deploy key's public half, so this resource has no `public_key` output: copy the key
  from the connection's dbt settings in Omni's UI into the git host.
- Destroy unlinks the repository (`DELETE`); the connection and its dbt environments stay. A
  configuration already removed in Omni (404) counts as deleted.
"""


class DbtConfigSpec(ResourceSpec, register=True):
    """A connection's dbt repository configuration."""

    type_name = "DbtConfig"
    args_model = DbtConfigArgs
    id_doc = "the connection's uuid (a connection has at most one dbt configuration)"
    natural_key = ("connection_id",)
    notes = _NOTES
    title = None
    export_label = "{connection_id} dbt"
    path = "/api/v1/connections/{connection_id}/dbt"
    id_api = None  # one per connection: the connection's id is its id

    def create(self, client: OmniClient, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        # Omni's PUT would overwrite a configuration made in its UI: look first.
        connection_id = args["connection_id"]
        current = client.get(self.item_path(connection_id)) or {}
        if not current.get("supportsDbt"):
            raise self._unsupported(client, connection_id, current)
        if _configured(current):
            raise OmniResourceError(
                f"DbtConfig for connection {connection_id}: the connection already has a dbt "
                f"configuration ({current.get('sshUrl')}, branch {current.get('branch')}); "
                "nothing was changed. Manage it with "
                f"adopt_id={connection_id!r} or opts=pulumi.ResourceOptions(import_="
                f"{connection_id!r})"
            )
        client.put(self.item_path(connection_id), json=self.body(args))
        # The PUT answers {success, message}: the settings are read back.
        return connection_id, self.read(client, connection_id, args) or {}

    def observe(
        self, record: Mapping[str, Any], state: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        return super().observe(record, state) if _configured(record) else {}

    def read(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> dict[str, Any] | None:
        observed = super().read(client, id_, state)  # a 404: the connection is gone
        return observed if observed and "ssh_url" in observed else None

    def update(
        self,
        client: OmniClient,
        id_: str,
        olds: Mapping[str, Any],
        news: dict[str, Any],
        changed: set[str],
    ) -> dict[str, Any]:
        # A changed trigger asks for one key rotation with the (whole) PUT; adoption never
        # changes it (a stack-only value), so it never rotates.
        body = self.body(news)
        if TRIGGER in changed:
            body["rotateKeys"] = True
        client.put(self.item_path(id_), json=body)
        return self.read(client, id_, news) or {}

    def _unsupported(
        self, client: OmniClient, connection_id: str, answer: Mapping[str, Any]
    ) -> OmniResourceError:
        """The error for a connection without dbt, naming its dialect (one more call)."""
        try:
            connection = client.get(f"/api/v1/connections/{quote_segment(connection_id)}")
            dialect = (connection or {}).get("connection", {}).get("dialect")
        except OmniApiError:
            dialect = None
        which = f"the {dialect} dialect" if dialect else "its dialect"
        said = answer.get("message") or "supportsDbt: false"
        return OmniResourceError(
            f"DbtConfig for connection {connection_id}: Omni says this connection does not "
            f"support dbt ({said}): {which} has no dbt integration, or this Omni instance has "
            "none. Nothing was created; use a connection whose dialect supports dbt"
        )


def _configured(answer: Mapping[str, Any]) -> bool:
    """Whether a GET answer holds a configuration (not the ``{supportsDbt, message}`` form)."""
    return bool(answer.get("supportsDbt")) and answer.get("sshUrl") is not None
