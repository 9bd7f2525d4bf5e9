"""ConnectionEnvironment: one connection serving as an environment of a base connection.

Omni creates environments in bulk (one POST takes several environment connections), but each one
gets its own record, id, values and DELETE, so the resource is one pair of base and environment
connection: a program lists them side by side and removing one touches no other. Omni has no GET
by id; the list it documents is missing from some instances, where refresh keeps state and says so.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from omni_pulumi.client import OmniClient, quote_segment
from omni_pulumi.diagnostics import warn
from omni_pulumi.errors import OmniApiError
from omni_pulumi.listcache import LISTS
from omni_pulumi.resources._rollback import finish_or_undo
from omni_pulumi.resources._types import Uuid
from omni_pulumi.spec import Arg, OmniArgs, ResourceSpec

PATH = "/api/v1/connection-environments"
#: Answers of an instance that does not serve the list at all.
_NO_LIST = (404, 405)


class ConnectionEnvironmentArgs(OmniArgs):
    base_connection_id: Annotated[
        Uuid,
        Arg(
            hint="pass the base Connection's `id` (a uuid)",
            doc="The base connection. A change replaces the environment.",
        ),
    ]
    environment_connection_id: Annotated[
        Uuid,
        Arg(
            hint="pass the environment Connection's `id` (a uuid)",
            doc="The connection that serves as the environment: same dialect as the base, not "
            "the base itself. A change replaces the environment.",
        ),
    ]
    user_attribute_values: Annotated[
        list[str],
        Arg(
            updatable=True,
            unordered=True,
            hint="pass a list of strings such as ['dev', 'staging']",
            doc="Values of the base connection's environment user attribute that select this "
            "environment, compared as a set; unique across the base's environments. Updated in "
            "place.",
        ),
    ] = []


def _path(id_: str) -> str:
    return f"{PATH}/{quote_segment(id_)}"


def _observed(record: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "base_connection_id": record["baseConnectionId"],
        "environment_connection_id": record["connectionId"],
        "user_attribute_values": sorted(record.get("userAttributeValues") or []),
    }


class _OncePerProcess:
    """Says a thing once per provider host, however many environments are refreshed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.said = False

    def __call__(self, message: str) -> None:
        with self._lock:
            if self.said:
                return
            self.said = True
        warn(message)


_warn_no_list = _OncePerProcess()
NO_LIST_WARNING = (
    "this Omni instance does not list connection environments (GET {path} answered {status}), so "
    "refresh cannot show drift for ConnectionEnvironment resources; their state is kept as it is"
)


class ConnectionEnvironmentSpec(ResourceSpec, register=True):
    """One environment connection of a base connection."""

    type_name = "ConnectionEnvironment"
    args_model = ConnectionEnvironmentArgs
    id_doc = "the connection environment record's uuid"
    # User attribute values are unique per base connection, so a replacement under the same base
    # (a new environment connection) must delete the old record first, or Omni refuses the values.
    natural_key = ("base_connection_id",)
    notes = """\
- Omni has no GET by id for connection environments; read uses the list
  (`GET /api/v1/connection-environments`) and matches the id. That list is absent from the spec of
  Omni's 2026-07-22 SDK: where an instance answers 404 or 405 to it, refresh keeps the state as it is
  and warns once per run that drift cannot be seen, and adopting an environment is refused.
- Create is `POST /api/v1/connection-environments` with this one environment connection, then, when
  `user_attribute_values` is set, `PUT` of the values; if Omni refuses the values, the new environment
  is deleted again.
- The attribute's name and the base connection's own values are set on the base `Connection`
  (`environment_user_attribute`).
"""

    def check_rules(self, args: dict[str, Any], unknown: set[str]) -> Iterable[tuple[str, str]]:
        ids = ("base_connection_id", "environment_connection_id")
        if not unknown & set(ids) and args.get(ids[0]) == args.get(ids[1]):
            yield (
                "environment_connection_id",
                "is the base connection itself; pass another connection of the same dialect",
            )
        values = args.get("user_attribute_values")
        if "user_attribute_values" not in unknown and values and len(set(values)) != len(values):
            yield "user_attribute_values", "lists a value twice; list each value once"

    def create(self, client: OmniClient, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        env = args["environment_connection_id"]
        made = client.post(
            PATH,
            json={
                "baseConnectionId": args["base_connection_id"],
                "environmentConnectionIds": [env],
            },
        )
        records = (made or {}).get("connectionEnvironments") or []
        record = next((r for r in records if r.get("connectionId") == env), None)
        if record is None:
            raise OmniApiError(
                201, "POST", PATH, f"the answer holds no environment for connection {env}"
            )
        id_ = record["id"]
        observed = _observed(record)
        if args["user_attribute_values"]:
            finish_or_undo(
                f"the new connection environment {id_}",
                lambda: self._put_values(client, id_, args["user_attribute_values"]),
                lambda: client.delete(_path(id_)),
            )
            observed["user_attribute_values"] = sorted(args["user_attribute_values"])
        return id_, observed

    def read(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> dict[str, Any] | None:
        try:
            records = self._list(client)
        except OmniApiError as exc:
            if exc.status not in _NO_LIST:
                raise
            if not state:
                hint = (
                    "this instance cannot list connection environments, so one cannot be "
                    "adopted; manage it without adopt_id (delete it in Omni and let Pulumi "
                    "create it)"
                )
                raise exc.with_hint(hint) from None
            _warn_no_list(NO_LIST_WARNING.format(path=PATH, status=exc.status))
            return {name: state.get(name) for name in ConnectionEnvironmentArgs.model_fields}
        record = next((r for r in records if r.get("id") == id_), None)
        return _observed(record) if record else None

    def update(
        self,
        client: OmniClient,
        id_: str,
        olds: Mapping[str, Any],
        news: dict[str, Any],
        changed: set[str],
    ) -> dict[str, Any]:
        self._put_values(client, id_, news["user_attribute_values"])
        return {}

    def delete(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> None:
        client.delete(_path(id_))

    def find_existing(self, client: OmniClient, args: dict[str, Any]) -> str | None:
        try:
            records = self._list(client)
        except OmniApiError as exc:
            if exc.status in _NO_LIST:
                return (
                    None  # cannot look; Omni refuses a duplicate pair, so a retry cannot duplicate
                )
            raise
        for record in records:
            if (
                record.get("baseConnectionId") == args["base_connection_id"]
                and record.get("connectionId") == args["environment_connection_id"]
            ):
                return record["id"]
        return None

    def _list(self, client: OmniClient) -> list[dict[str, Any]]:
        def fetch() -> list[dict[str, Any]]:
            return (client.get(PATH) or {}).get("connectionEnvironments") or []

        # One list serves every environment read of the same burst (a refresh lists once).
        return LISTS.records(client, self.type_name, PATH, None, fetch)

    @staticmethod
    def _put_values(client: OmniClient, id_: str, values: list[str]) -> None:
        client.put(_path(id_), json={"userAttributeValues": list(values)})
