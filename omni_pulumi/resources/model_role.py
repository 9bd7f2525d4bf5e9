"""ModelRole: one user's or user group's direct role on one model or connection.

Omni keeps model roles under the subject (``/api/v1/users/{membership id}/model-roles``,
``/api/v1/user-groups/{SCIM id}/model-roles``): a ``POST`` is an upsert and there is no delete. A
read lists what the subject inherits too (its groups' roles, the connection's base role); only the
direct assignment is this resource's state. The object has no id of its own, so the Pulumi id names
the subject and the target: ``user/<membership id>/model/<model id>`` and the like.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any

from pydantic import Field, field_validator

from omni_pulumi.argtypes import Uuid
from omni_pulumi.client import OmniClient, quote_segment
from omni_pulumi.diagnostics import warn
from omni_pulumi.errors import OmniApiError, OmniConfigError, OmniNotFound
from omni_pulumi.spec import Arg, Listing, OmniArgs, Output, ResourceSpec, exactly_one

#: Omni's base model roles (docs.omni.co "Assign or update user model role"); any other name is
#: taken as one of the organization's custom roles.
BASE_ROLES = ("NO_ACCESS", "VIEWER", "QUERY_TOPICS", "QUERIER", "MODELER", "CONNECTION_ADMIN")
NO_ACCESS = "NO_ACCESS"
SUBJECTS = ("user_id", "user_group_id")
TARGETS = ("model_id", "connection_id")
#: The words of the Pulumi id for each subject and target argument.
WORDS = {
    "user_id": "user",
    "user_group_id": "group",
    "model_id": "model",
    "connection_id": "connection",
}
#: ``from.type`` of a direct assignment, as documented and seen live, and as the SDK spec spells it.
DIRECT = {"user_id": ("User Role", "USER"), "user_group_id": ("Group Role", "GROUP")}
_PATHS = {
    "user_id": "/api/v1/users/{}/model-roles",
    "user_group_id": "/api/v1/user-groups/{}/model-roles",
}


class ModelRoleArgs(OmniArgs):
    role: Annotated[
        str,
        Field(min_length=1),
        Arg(
            updatable=True,
            api="roleName",
            hint="use one of " + ", ".join(BASE_ROLES) + ", or a custom role's name",
            doc="The role: one of `NO_ACCESS`, `VIEWER`, `QUERY_TOPICS`, `QUERIER`, `MODELER`, "
            "`CONNECTION_ADMIN`, or the name of one of the organization's custom roles. A change "
            "is written in place.",
        ),
    ]
    user_id: Annotated[
        Uuid | None,
        Arg(
            in_body=False,
            ref="User",
            hint="pass the user's SCIM id (a uuid), which is their membership id",
            doc="The user, by **membership id**: the `id` of the user's SCIM record "
            "(`/api/scim/v2/Users`), which is what this path takes (Omni's docs use one id for "
            "both). Not the person's global user id that `whoami` reports beside it. Exactly one "
            "of `user_id` and `user_group_id`.",
        ),
    ] = None
    user_group_id: Annotated[
        str | None,
        Field(min_length=1),
        Arg(
            in_body=False,
            ref="UserGroup",
            hint="pass a UserGroup's `id` (its SCIM id, such as mEhXj6ZI)",
            doc="The user group, by its SCIM id (a UserGroup's `id`). Exactly one of `user_id` and "
            "`user_group_id`.",
        ),
    ] = None
    model_id: Annotated[
        Uuid | None,
        Arg(
            ref="Model",
            hint="pass a shared Model's `id` (a uuid)",
            doc="The model (a shared or shared-extension model). Exactly one of `model_id` and "
            "`connection_id`.",
        ),
    ] = None
    connection_id: Annotated[
        Uuid | None,
        Arg(
            ref="Connection",
            hint="pass a Connection's `id` (a uuid)",
            doc="The connection, for a connection-level role (`CONNECTION_ADMIN` or a custom role "
            "based on it; Omni requires a model for any other base role). Exactly one of "
            "`model_id` and `connection_id`.",
        ),
    ] = None

    @field_validator("role")
    @classmethod
    def _base_role_spelling(cls, value: str) -> str:
        # A custom role may have any name, but `viewer` is surely the base role misspelled.
        upper = value.upper().replace(" ", "_")
        if upper in BASE_ROLES and value != upper:
            raise ValueError(f"Omni's base roles are upper case: use {upper!r}")
        return value


_NOTES = """\
- Exactly one subject (`user_id` or `user_group_id`) and exactly one target (`model_id` or
  `connection_id`); anything else is refused at preview. A change of role is written in place
  (Omni's `POST` is an upsert); a change of subject or target replaces the resource.
- `user_id` is the user's **membership id**. Omni's docs name the user in this path with the `id` of
  the user's SCIM record (the "Assign or update user model role" example uses the id the "Create a
  user" example returns), so pass a SCIM user's `id`; `whoami`'s own `userId` is a different id.
- A read lists what the subject inherits too (its groups' roles, the connection's base role).
  Only the direct assignment (`from.type` `User Role`, or a group's own `Group Role`) is this
  resource's state, so an inherited role never shows as drift. A role changed in Omni's UI shows on
  refresh and `up` writes it back; an assignment removed there leaves the stack on refresh.
- Omni has no revoke. **Destroy writes `NO_ACCESS`**, which does not take away what another role
  grants: for a user, destroy reads the roles back and warns with the one that still resolves (a
  group role, the connection's base role). A direct `NO_ACCESS` stays listed in Omni.
- A connection-level role is recorded by Omni against one of the connection's models (the answer
  names it): `recorded_model_id` keeps it, so reads find that entry among the connection's.
- The Pulumi id is `<subject>/<id>/<target>/<id>` with subject `user` or `group` and target
  `model` or `connection`, e.g. `group/mEhXj6ZI/model/7d3e4f5a-...`; that is also `adopt_id`.
"""


class ModelRoleSpec(ResourceSpec, register=True):
    """A subject's direct role on a model or a connection."""

    type_name = "ModelRole"
    args_model = ModelRoleArgs
    outputs = {
        "recorded_model_id": Output(
            "The model Omni records the assignment against: `model_id`, or for a connection-level "
            "role the model Omni chose (the connection's schema model).",
            api="modelId",
        )
    }
    id_doc = (
        "`<user|group>/<subject id>/<model|connection>/<target id>` (a user by membership id, a "
        "group by SCIM id)"
    )
    notes = _NOTES
    title = None
    export_label = "{user_group_id}{user_id} {role} on {model_id}{connection_id}"
    path = "/api/v1/user-groups/{user_group_id}/model-roles"
    # Not one list: export walks every group's and user's roles (list_records below).
    listing = Listing(
        "/api/scim/v2/Groups",
        style="scim",
        thin="roles are listed per subject, with inherited ones: a refresh reads each subject's",
    )

    def check_rules(self, args: dict[str, Any], unknown: set[str]) -> Iterator[tuple[str, str]]:
        yield from exactly_one(args, unknown, SUBJECTS, "user or user group given the role")
        yield from exactly_one(args, unknown, TARGETS, "model or connection the role is on")
        role = args.get("role")
        connection_level = args.get("connection_id") and "role" not in unknown
        if connection_level and role in BASE_ROLES and role != "CONNECTION_ADMIN":
            yield (
                "role",
                (
                    f"{role!r} needs a model: Omni takes a connection-level role only for "
                    "CONNECTION_ADMIN (or a custom role based on it); set `model_id` instead"
                ),
            )

    # -- ids: the subject and the target ----------------------------------------------------------

    @property
    def id_form(self) -> str:
        return "<user|group>/<subject id>/<model|connection>/<target id>"

    def id_of(self, args: Mapping[str, Any], record: Mapping[str, Any]) -> str:
        values = {**record, **{k: v for k, v in args.items() if v is not None}}
        subject = next(n for n in SUBJECTS if values.get(n))
        target = next(n for n in TARGETS if values.get(n))
        return f"{WORDS[subject]}/{values[subject]}/{WORDS[target]}/{values[target]}"

    def id_parts(self, id_: str) -> dict[str, str]:
        names = {word: name for name, word in WORDS.items()}
        parts = str(id_).split("/")
        if (
            len(parts) != 4
            or names.get(parts[0]) not in SUBJECTS
            or names.get(parts[2]) not in TARGETS
            or not all(parts)
        ):
            raise OmniConfigError(f"ModelRole id {id_!r} is not of the form {self.id_form}")
        return {names[parts[0]]: parts[1], names[parts[2]]: parts[3]}

    def _subject_path(self, parts: Mapping[str, str]) -> str:
        subject = next(n for n in SUBJECTS if n in parts)
        return _PATHS[subject].format(quote_segment(parts[subject]))

    # -- the calls (Omni keeps roles under the subject, with no id and no delete) -----------------

    def create(self, client: OmniClient, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        id_ = self.id_of(args, {})
        answer = client.post(self._subject_path(self.id_parts(id_)), json=self.body(args))
        return id_, _seen(answer)

    def update(
        self,
        client: OmniClient,
        id_: str,
        olds: Mapping[str, Any],
        news: dict[str, Any],
        changed: set[str],
    ) -> dict[str, Any]:
        # POST is an upsert: the same call as create, with the new role.
        answer = client.post(self._subject_path(self.id_parts(id_)), json=self.body(news))
        return _seen(answer)

    def find_existing(self, client: OmniClient, args: dict[str, Any]) -> str | None:
        # After a lost answer, writing again is safe: POST is an upsert, so never a duplicate.
        return None

    def read(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> dict[str, Any] | None:
        parts = self.id_parts(id_)
        entry = self._direct_entry(client, parts, state.get("recorded_model_id"))
        if entry is None:
            return None
        # The subject and target are the id's; only the role is Omni's to report.
        return {**parts, **_seen(entry)}

    def _entries(self, client: OmniClient, parts: Mapping[str, str]) -> list[dict[str, Any]]:
        keys = {"model_id": "modelId", "connection_id": "connectionId"}
        params = {key: parts[name] for name, key in keys.items() if name in parts}
        try:
            answer = client.get(self._subject_path(parts), params=params)
        except OmniNotFound:
            return []  # the user or group is gone, and its roles with it
        return [e for e in (answer or {}).get("results") or [] if isinstance(e, Mapping)]

    def _direct_entry(
        self, client: OmniClient, parts: Mapping[str, str], recorded: str | None
    ) -> dict[str, Any] | None:
        subject = next(n for n in SUBJECTS if n in parts)
        entries = [e for e in self._entries(client, parts) if _direct(e, subject, parts[subject])]
        if "model_id" in parts:
            entries = [e for e in entries if e.get("modelId") == parts["model_id"]]
        else:
            entries = [e for e in entries if e.get("connectionId") == parts["connection_id"]]
            if len(entries) > 1:
                # Model-level roles on the connection's models are listed too: the connection-level
                # one is recorded against the model its create answer named, or the schema model.
                recorded = recorded or _schema_model(client, parts["connection_id"])
                entries = [e for e in entries if e.get("modelId") == recorded]
        return dict(entries[0]) if entries else None

    def delete(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> None:
        # Omni has no revoke: NO_ACCESS is the nearest thing, and may not take access away.
        parts = self.id_parts(id_)
        client.post(self._subject_path(parts), json=self.body({**parts, "role": NO_ACCESS}))
        if "user_id" not in parts:
            return  # a group's read resolves nothing: its members' other roles are their own
        resolved = next((e for e in self._entries(client, parts) if e.get("resolved")), None)
        if resolved and resolved.get("roleName") != NO_ACCESS:
            origin = resolved.get("from") or {}
            source = origin.get("type") or "another assignment"
            if origin.get("name"):
                source += f" of {origin['name']!r}"
            warn(
                f"ModelRole {id_}: Omni has no revoke, so destroy wrote NO_ACCESS; the user still "
                f"has {resolved['roleName']} there through the {source}. Change that role in Omni "
                "(or in its own resource) to take the access away."
            )

    # -- export: every group's and user's direct roles --------------------------------------------

    def list_records(
        self, client: Any, parents: Mapping[str, Any], params: Mapping[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        schema_models = {
            m["id"] for m in client.paginate_cursor("/api/v1/models", {"modelKind": "SCHEMA"})
        }
        subjects = [
            ("user_group_id", g["id"])
            for g in client.paginate_scim("/api/scim/v2/Groups", {"excludedAttributes": "members"})
        ] + [("user_id", u["id"]) for u in client.paginate_scim("/api/scim/v2/Users", {})]
        for subject, subject_id in subjects:
            try:
                entries = self._entries(client, {subject: subject_id})
            except OmniApiError:
                continue  # a user or group whose roles this key cannot read
            for entry in entries:
                if not _direct(entry, subject, subject_id):
                    continue
                target = (
                    {"connection_id": entry.get("connectionId")}
                    if entry.get("modelId") in schema_models
                    else {"model_id": entry.get("modelId")}
                )
                yield {subject: subject_id, **target, "role": entry.get("roleName")}

    def unexportable(self, record: Mapping[str, Any]) -> str | None:
        if record.get("role") == NO_ACCESS:
            return "a direct NO_ACCESS is what a destroyed ModelRole leaves (Omni has no revoke)"
        return None


def _seen(entry: Any) -> dict[str, Any]:
    """The role and the recorded model of an entry or a POST answer (which also name the
    connection, a target only a connection-level role has)."""
    entry = entry if isinstance(entry, Mapping) else {}
    seen = {"role": entry.get("roleName"), "recorded_model_id": entry.get("modelId")}
    return {k: v for k, v in seen.items() if v is not None}


def _direct(entry: Mapping[str, Any], subject: str, subject_id: str) -> bool:
    """Whether a model-roles entry is the subject's own assignment, not an inherited one."""
    origin = entry.get("from")
    if not isinstance(origin, Mapping):
        # A group's read: Omni's docs show its entries without `from`, all its own.
        return subject == "user_group_id"
    if origin.get("type") not in DIRECT[subject]:
        return False
    # A group's own role, not one of a parent group (nested groups read with depth > 0).
    return subject == "user_id" or (
        origin.get("miniUuid", subject_id) == subject_id and not origin.get("depth")
    )


def _schema_model(client: OmniClient, connection_id: str) -> str | None:
    """The connection's schema model, against which Omni records a connection-level role."""
    params = {"connectionId": connection_id, "modelKind": "SCHEMA"}
    return next((m["id"] for m in client.paginate_cursor("/api/v1/models", params)), None)
