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

from omni_pulumi.argtypes import Uuid
from omni_pulumi.client import OmniClient
from omni_pulumi.diagnostics import warn
from omni_pulumi.errors import OmniApiError
from omni_pulumi.spec import Arg, Listing, OmniArgs, ResourceSpec, listed_once

#: Answers of an instance that does not serve the list at all.
_NO_LIST = (404, 405)


class ConnectionEnvironmentArgs(OmniArgs):
    base_connection_id: Annotated[
        Uuid,
        Arg(
            ref="Connection",
            hint="pass the base Connection's `id` (a uuid)",
            doc="The base connection. A change replaces the environment.",
        ),
    ]
    environment_connection_id: Annotated[
        Uuid,
        Arg(
            ref="Connection",
            # Omni's create takes a list of environment connections; each gets its own record.
            api="environmentConnectionIds",
            read_api="connectionId",
            to_api=lambda connection_id: [connection_id],
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
            after_create=True,  # the create takes connections only: a PUT right after sets them
            check=listed_once("value"),
            hint="pass a list of strings such as ['dev', 'staging']",
            doc="Values of the base connection's environment user attribute that select this "
            "environment, compared as a set; unique across the base's environments. Updated in "
            "place.",
        ),
    ] = []


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
    title = None
    export_label = "{environment_connection_id} environment"
    args_model = ConnectionEnvironmentArgs
    id_doc = "the connection environment record's uuid"
    # User attribute values are unique per base connection, so a replacement under the same base
    # (a new environment connection) must delete the old record first, or Omni refuses the values.
    natural_key = ("base_connection_id",)
    matched_by = ("base_connection_id", "environment_connection_id")
    notes = """\
- The list of connection environments is absent from the spec of Omni's 2026-07-22 SDK: where an
  instance answers 404 or 405 to it, refresh keeps the state as it is and warns once per run that
  drift cannot be seen, and adopting an environment is refused.
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

    path = "/api/v1/connection-environments"
    listing = Listing(path, records="connectionEnvironments")
    reads_from_listing = True

    def create(self, client: OmniClient, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        # One POST makes the record; its values need a second call (undone if Omni refuses them).
        answer = client.post(self.path, json=self.body(args))
        env = args["environment_connection_id"]
        records = (answer or {}).get("connectionEnvironments") or []
        record = next((r for r in records if r.get("connectionId") == env), None)
        if record is None:
            raise OmniApiError(
                201, "POST", self.path, f"the answer holds no environment for connection {env}"
            )
        id_ = record["id"]
        return id_, {**self.observe(record), **self.write_after_create(client, id_, args)}

    def read(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> dict[str, Any] | None:
        try:
            return super().read(client, id_, state)
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
            _warn_no_list(NO_LIST_WARNING.format(path=self.path, status=exc.status))
            return {f.name: state.get(f.name) for f in self.fields()}

    def find_existing(self, client: OmniClient, args: dict[str, Any]) -> str | None:
        # The pair (base, environment) names the record (matched_by); the base alone is the
        # replacement's key.
        try:
            return super().find_existing(client, args)
        except OmniApiError as exc:
            if exc.status not in _NO_LIST:
                raise
            # Cannot look; Omni refuses a duplicate pair, so a retry cannot duplicate.
        return None
