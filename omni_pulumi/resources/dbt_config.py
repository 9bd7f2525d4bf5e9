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

import pulumi
from pydantic import Field, field_validator

from omni_pulumi.client import OmniClient, quote_segment
from omni_pulumi.errors import OmniApiError, OmniNotFound
from omni_pulumi.provider import OmniResourceError
from omni_pulumi.resource import OmniResource, given
from omni_pulumi.resources._types import Uuid
from omni_pulumi.spec import Arg, OmniArgs, ResourceSpec

#: What Omni's PUT description lists; the schema itself takes any string.
DbtVersion = Literal["Auto", "1.11", "1.12"]
TRIGGER = "rotate_keys_trigger"
_PROJECT_ROOT = re.compile(r"^(?!/)(?!.*\.\.)[\w ./-]+$")


def _path(connection_id: str) -> str:
    return f"/api/v1/connections/{quote_segment(connection_id)}/dbt"


class DbtConfigArgs(OmniArgs):
    connection_id: Annotated[
        Uuid,
        Arg(
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
            hint="use 'Auto', '1.11' or '1.12'",
            doc="The dbt version: `Auto`, `1.11` or `1.12`. Unset: Omni's choice (`Auto`).",
        ),
    ] = None
    project_root_path: Annotated[
        str | None,
        Field(min_length=1),
        Arg(
            updatable=True,
            hint="a path inside the repository: no leading `/`, no `..`",
            doc="Where the dbt project lives in the repository. Unset: its root.",
        ),
    ] = None
    rotate_keys_trigger: Annotated[
        str | None,
        Arg(
            updatable=True,
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


class DbtConfigSpec(ResourceSpec):
    type_name = "DbtConfig"
    args_model = DbtConfigArgs
    id_doc = "the connection's uuid (a connection has at most one dbt configuration)"
    natural_key = ("connection_id",)
    notes = _NOTES

    def create(self, client: OmniClient, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        connection_id = args["connection_id"]
        current = self._get(client, connection_id)
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
        client.put(_path(connection_id), json=_body(args, rotate=False))
        return connection_id, self.read(client, connection_id, args) or {}

    def read(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> dict[str, Any] | None:
        try:
            answer = self._get(client, id_)
        except OmniNotFound:
            return None  # the connection is gone, and its dbt configuration with it
        return _observed(id_, answer) if _configured(answer) else None

    def update(
        self, client: OmniClient, id_: str, olds: Mapping[str, Any], news: dict[str, Any]
    ) -> dict[str, Any]:
        # Adoption passes what Omni holds as olds, which never has the trigger: no rotation.
        rotate = TRIGGER in olds and olds[TRIGGER] != news[TRIGGER]
        client.put(_path(id_), json=_body(news, rotate=rotate))
        return self.read(client, id_, news) or {}

    def delete(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> None:
        client.delete(_path(id_))

    def find_existing(self, client: OmniClient, args: dict[str, Any]) -> str | None:
        return args["connection_id"] if self.read(client, args["connection_id"], args) else None

    def _get(self, client: OmniClient, connection_id: str) -> dict[str, Any]:
        return client.get(_path(connection_id)) or {}

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


def _body(args: Mapping[str, Any], *, rotate: bool) -> dict[str, Any]:
    """The whole configuration, as Omni's PUT replaces it; ``rotateKeys`` only to rotate."""
    body = {
        "sshUrl": args["ssh_url"],
        "branch": args["branch"],
        "autogenRelationships": bool(args.get("autogen_relationships")),
        "enableVirtualSchemas": bool(args.get("enable_virtual_schemas")),
        "enableSemanticLayer": bool(args.get("enable_semantic_layer")),
        "dbtVersion": args.get("dbt_version"),
        "projectRootPath": args.get("project_root_path"),
    }
    if rotate:
        body["rotateKeys"] = True
    return body


def _observed(connection_id: str, answer: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "connection_id": connection_id,
        "ssh_url": answer.get("sshUrl"),
        "branch": answer.get("branch"),
        "autogen_relationships": bool(answer.get("autogenRelationships")),
        "enable_virtual_schemas": bool(answer.get("enableVirtualSchemas")),
        "enable_semantic_layer": bool(answer.get("enableSemanticLayer")),
        "dbt_version": answer.get("dbtVersion"),
        "project_root_path": answer.get("projectRootPath") or None,
    }


class DbtConfig(OmniResource, spec=DbtConfigSpec):
    """A connection's dbt repository configuration. Its Pulumi id and ``adopt_id`` are the
    connection's uuid."""

    connection_id: pulumi.Output[str]
    ssh_url: pulumi.Output[str]
    branch: pulumi.Output[str]
    autogen_relationships: pulumi.Output[bool]
    enable_virtual_schemas: pulumi.Output[bool]
    enable_semantic_layer: pulumi.Output[bool]
    dbt_version: pulumi.Output[str]
    project_root_path: pulumi.Output[str | None]
    rotate_keys_trigger: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        *,
        connection_id: pulumi.Input[str],
        ssh_url: pulumi.Input[str],
        branch: pulumi.Input[str],
        autogen_relationships: pulumi.Input[bool] | None = None,
        enable_virtual_schemas: pulumi.Input[bool] | None = None,
        enable_semantic_layer: pulumi.Input[bool] | None = None,
        dbt_version: pulumi.Input[str] | None = None,
        project_root_path: pulumi.Input[str] | None = None,
        rotate_keys_trigger: pulumi.Input[str] | None = None,
        adopt_id: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, given(locals()), opts)
