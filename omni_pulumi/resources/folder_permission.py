"""FolderPermission and FolderPermissions: direct grants on a folder, one at a time or all of them.

Omni keeps a folder's grants at ``/api/v1/folders/{id}/permissions``: ``POST`` grants, ``PATCH``
changes, ``DELETE`` revokes (bodies name users and groups in lists), and ``GET`` lists every permit
as ``{id, name, type: user|userGroup, direct: {role, accessBoost, isOwner}}``. A permit names a group
by its full UUID while SCIM (and so a UserGroup's ``id``) names it by its miniUuid, and nothing maps
one onto the other but the name, which Omni keeps unique: reads match a group's permit by its
current SCIM name. ``FolderPermission`` is one principal's grant; ``FolderPermissions`` is the
authoritative set of a folder's direct grants plus the organization-level access (``PUT``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from omni_pulumi.argtypes import Uuid
from omni_pulumi.client import OmniClient, quote_segment
from omni_pulumi.diagnostics import warn
from omni_pulumi.errors import OmniConfigError, OmniNotFound, OmniResourceError
from omni_pulumi.spec import Arg, Listing, OmniArgs, ResourceSpec, exactly_one

#: The roles a grant takes (the permits `POST` body's enum).
FolderRole = Literal["NO_ACCESS", "VIEWER", "EXPLORER", "EDITOR", "MANAGER"]
#: The roles the organization-level `PUT` takes; OWNER, which its docs list, it refuses.
OrganizationRole = Literal["NO_ACCESS", "VIEWER", "EDITOR", "MANAGER"]
ROLE_HINT = "use NO_ACCESS, VIEWER, EXPLORER, EDITOR or MANAGER"
PRINCIPALS = ("user_id", "user_group_id")
WORDS = {"user_id": "user", "user_group_id": "group"}
BODY_LISTS = {"user_id": "userIds", "user_group_id": "userGroupIds"}
GROUPS = "/api/scim/v2/Groups"
#: What both kinds claim of a folder: a program may manage it through one of them only.
CLAIM = ("the direct grants", "folder_id")

_FOLDER_DOC = "The folder. Changing it replaces the resource."
_USER_DOC = (
    "A user, by membership id (the `id` of the user's SCIM record). Exactly one of `user_id` "
    "and `user_group_id`."
)
_GROUP_DOC = (
    "A user group, by its SCIM id (a UserGroup's `id`, such as `mEhXj6ZI`), although Omni's "
    "permits name groups by a full UUID: reads match the group by its name. Exactly one of "
    "`user_id` and `user_group_id`."
)


def _path(folder_id: str) -> str:
    return f"/api/v1/folders/{quote_segment(folder_id)}/permissions"


def _permits(client: OmniClient, folder_id: str, **params: str) -> list[dict[str, Any]] | None:
    """The folder's permits, or ``None`` when the folder is gone."""
    try:
        answer = client.get(_path(folder_id), params=params or None)
    except OmniNotFound:
        return None
    return [p for p in (answer or {}).get("permits") or [] if isinstance(p, Mapping)]


def _granted(permit: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """A permit's direct grant; ``None`` for access inherited from a parent, or the owner's."""
    direct = permit.get("direct")
    if not isinstance(direct, Mapping) or direct.get("isOwner"):
        return None
    return direct


def _group_names(client: OmniClient, group_ids: Iterable[str] | None = None) -> dict[str, str]:
    """SCIM id -> name of the given groups (one read each, a gone group left out), or of every
    group (one list)."""
    if group_ids is None:
        records = client.paginate_scim(GROUPS, {"excludedAttributes": "members"})
        return {g["id"]: g.get("displayName", "") for g in records}
    names = {}
    for group_id in group_ids:
        try:
            names[group_id] = client.get(f"{GROUPS}/{quote_segment(group_id)}")["displayName"]
        except OmniNotFound:
            continue
    return names


def _principal(permit: Mapping[str, Any], groups: Mapping[str, str]) -> tuple[str, str]:
    """The argument and id naming a permit's user or group.

    A user's permit carries the membership id. A group's carries its full UUID (a spec-only Omni,
    its SCIM id): matched by its name to the SCIM id, or left as the UUID when no group matches
    (an up then revokes it by that UUID, which Omni takes too).
    """
    if permit.get("type") == "user":
        return "user_id", str(permit.get("id"))
    if permit.get("id") in groups:
        return "user_group_id", str(permit["id"])
    by_name = next((g for g, name in groups.items() if name == permit.get("name")), None)
    return "user_group_id", by_name or str(permit.get("id"))


def _grants(
    permits: list[dict[str, Any]], groups: Mapping[str, str]
) -> dict[tuple[str, str], dict[str, Any]]:
    """The direct grants of a permits answer, keyed by (argument, principal id)."""
    found = {}
    for permit in permits:
        direct = _granted(permit)
        if direct is not None:
            found[_principal(permit, groups)] = {
                "role": direct.get("role"),
                "access_boost": bool(direct.get("accessBoost")),
            }
    return found


def _grant_body(principal: tuple[str, str], grant: Mapping[str, Any] | None) -> dict[str, Any]:
    name, id_ = principal
    body: dict[str, Any] = {BODY_LISTS[name]: [id_]}
    if grant is not None:
        body.update(role=grant["role"], accessBoost=bool(grant.get("access_boost")))
    return body


# -- FolderPermission ---------------------------------------------------------------------------


class FolderPermissionArgs(OmniArgs):
    folder_id: Annotated[
        Uuid,
        Arg(in_path=True, ref="Folder", hint="pass a Folder's `id` (a uuid)", doc=_FOLDER_DOC),
    ]
    role: Annotated[
        FolderRole,
        Arg(
            updatable=True,
            hint=ROLE_HINT,
            doc="The content role: `NO_ACCESS`, `VIEWER`, `EXPLORER`, `EDITOR` or `MANAGER`. "
            "A change is written in place.",
        ),
    ]
    user_id: Annotated[
        Uuid | None,
        Arg(in_body=False, ref="User", hint="pass the user's SCIM id (a uuid)", doc=_USER_DOC),
    ] = None
    user_group_id: Annotated[
        str | None,
        Field(min_length=1),
        Arg(
            in_body=False,
            ref="UserGroup",
            hint="pass a UserGroup's `id` (its SCIM id)",
            doc=_GROUP_DOC,
        ),
    ] = None
    access_boost: Annotated[
        bool,
        Arg(updatable=True, doc="Grant AccessBoost with the role. A change is written in place."),
    ] = False


_ONE_NOTES = """\
- One principal's direct grant on one folder: exactly one of `user_id` and `user_group_id`, refused
  at preview otherwise. A change of `role` or `access_boost` is written in place (`PATCH`); a change
  of principal or folder replaces the grant (revoke, then grant).
- Omni's permits name a group by its full UUID, not by the SCIM id a UserGroup has: a read finds
  the group's permit by the group's current name (one more call, `GET` of the SCIM group), which
  Omni keeps unique. A user's grant is read with `?userId=` (one call).
- Only a direct grant is state: access inherited from a parent folder, or the owner's, is not. A
  grant changed in Omni shows on refresh and `up` writes it back; a grant revoked there leaves the
  stack on refresh and `up` grants it again.
- Destroy revokes the grant (`DELETE`).
- Do not manage one folder with both `FolderPermission` and `FolderPermissions`: the set would
  revoke the single grants. A program that does is refused when its resources are registered (see
  the FolderPermissions page for the limits of that check).
- The Pulumi id and `adopt_id` are `<folder id>/user/<membership id>` or
  `<folder id>/group/<SCIM group id>`.
"""


class FolderPermissionSpec(ResourceSpec, register=True):
    """One user's or user group's direct grant on a folder."""

    type_name = "FolderPermission"
    args_model = FolderPermissionArgs
    id_doc = "`<folder id>/user/<membership id>` or `<folder id>/group/<SCIM group id>`"
    notes = _ONE_NOTES
    title = None
    export_label = "{folder_id} {user_group_id}{user_id}"
    path = "/api/v1/folders/{folder_id}/permissions"
    listing = Listing(
        path,
        records="permits",
        thin="a group's permit names it by its full UUID, matched by the group's name in read",
    )
    claims = CLAIM

    def check_rules(self, args: dict[str, Any], unknown: set[str]) -> Iterator[tuple[str, str]]:
        return exactly_one(args, unknown, PRINCIPALS, "user or user group granted the role")

    @property
    def id_form(self) -> str:
        return "<folder id>/<user|group>/<principal id>"

    def id_of(self, args: Mapping[str, Any], record: Mapping[str, Any]) -> str:
        values = {**record, **{k: v for k, v in args.items() if v is not None}}
        name = next(n for n in PRINCIPALS if values.get(n))
        return f"{values['folder_id']}/{WORDS[name]}/{values[name]}"

    def id_parts(self, id_: str) -> dict[str, str]:
        parts = str(id_).split("/")
        names = {word: name for name, word in WORDS.items()}
        if len(parts) != 3 or parts[1] not in names or not all(parts):
            raise OmniConfigError(f"FolderPermission id {id_!r} is not of the form {self.id_form}")
        return {"folder_id": parts[0], names[parts[1]]: parts[2]}

    def _principal_of(self, parts: Mapping[str, str]) -> tuple[str, str]:
        name = next(n for n in PRINCIPALS if n in parts)
        return name, parts[name]

    def create(self, client: OmniClient, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        id_ = self.id_of(args, {})
        parts = self.id_parts(id_)
        client.post(_path(parts["folder_id"]), json=_grant_body(self._principal_of(parts), args))
        return id_, {}

    def read(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> dict[str, Any] | None:
        parts = self.id_parts(id_)
        principal = self._principal_of(parts)
        if principal[0] == "user_id":
            permits = _permits(client, parts["folder_id"], userId=principal[1])
            groups: dict[str, str] = {}
        else:
            groups = _group_names(client, [principal[1]])
            if not groups:
                return None  # the group is gone, and its grants with it
            permits = _permits(client, parts["folder_id"])
        grant = _grants(permits or [], groups).get(principal)
        return None if grant is None else {**parts, **grant}

    def update(
        self,
        client: OmniClient,
        id_: str,
        olds: Mapping[str, Any],
        news: dict[str, Any],
        changed: set[str],
    ) -> dict[str, Any]:
        parts = self.id_parts(id_)
        body = _grant_body(self._principal_of(parts), news)
        try:
            client.patch(_path(parts["folder_id"]), json=body)
        except OmniNotFound:
            # The grant was revoked in Omni (adopted or refreshed away): grant it again.
            client.post(_path(parts["folder_id"]), json=body)
        return {}

    def delete(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> None:
        parts = self.id_parts(id_)
        client.delete(_path(parts["folder_id"]), json=_grant_body(self._principal_of(parts), None))

    def find_existing(self, client: OmniClient, args: dict[str, Any]) -> str | None:
        # After a lost answer, granting again is safe: a second grant replaces the first.
        return None

    def list_records(self, client: Any, parents: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        folder_id = parents["folder_id"]
        permits = _permits(client, folder_id)
        if not permits:
            return
        for (name, principal), grant in _grants(permits, _group_names(client)).items():
            yield {"folder_id": folder_id, name: principal, **grant}


# -- FolderPermissions --------------------------------------------------------------------------


class PermitArgs(OmniArgs):
    user_id: Annotated[Uuid | None, Arg(ref="User", doc=_USER_DOC)] = None
    user_group_id: Annotated[str | None, Field(min_length=1), Arg(doc=_GROUP_DOC)] = None
    role: Annotated[FolderRole, Arg(hint=ROLE_HINT, doc="The content role.")]
    access_boost: Annotated[bool, Arg(doc="Grant AccessBoost with the role.")] = False

    @model_validator(mode="after")
    def _one_principal(self) -> PermitArgs:
        if (self.user_id is None) == (self.user_group_id is None):
            raise ValueError("each permit names exactly one of `user_id` and `user_group_id`")
        return self


class FolderPermissionsArgs(OmniArgs):
    folder_id: Annotated[
        Uuid,
        Arg(in_path=True, ref="Folder", hint="pass a Folder's `id` (a uuid)", doc=_FOLDER_DOC),
    ]
    permits: Annotated[
        list[PermitArgs],
        Arg(
            updatable=True,
            unordered=True,
            hint='each permit is {"user_id" or "user_group_id": ..., "role": ..., '
            '"access_boost": ...}',
            doc="Every direct grant the folder has, compared as a set: `{user_id` or "
            "`user_group_id`, `role`, `access_boost}`. Any other direct grant is revoked (the "
            "owner's stays).",
        ),
    ] = []
    organization_role: Annotated[
        OrganizationRole | None,
        Arg(
            updatable=True,
            write_only=True,
            hint="use NO_ACCESS, VIEWER, EDITOR or MANAGER",
            doc="The role every member of the organization holds on the folder (and on "
            "everything in it). Unset: left as Omni has it. `NO_ACCESS` takes organization-wide "
            "access away.",
        ),
    ] = None
    organization_access_boost: Annotated[
        bool | None,
        Arg(
            updatable=True,
            write_only=True,
            doc="AccessBoost for the organization-wide access (it needs an organization role "
            "that grants access). Unset: left as Omni has it.",
        ),
    ] = None


_SET_NOTES = """\
- The **authoritative** set of a folder's direct grants: `up` grants what `permits` lists, changes
  what differs (`PATCH`) and revokes every other direct grant (`DELETE`), one call per principal.
  The owner's grant and access inherited from parent folders are not direct grants and stay.
  Grants made in Omni's UI show on refresh (or `pulumi preview --refresh`) as a change of
  `permits`, so the preview shows what `up` will revoke; a create revokes unlisted grants too,
  and says which.
- Groups are named by SCIM id; Omni's permits name them by a full UUID, matched by the group's name
  (one list of groups per read).
- `organization_role` and `organization_access_boost` are written with
  `PUT /api/v1/folders/{id}/permissions`, sending only what the program sets: a null role clears
  the role in Omni, so the provider never sends one, and a change of the boost alone sends only
  the boost. Omni has no read of these settings: they are never refreshed, and drift made in the UI
  cannot show. Destroy revokes the listed grants and leaves the organization-level access as it is.
- **Use either this resource or `FolderPermission` on a folder, never both**: the set would revoke
  the single grants, which would grant them back on the next `up`. A program that declares both
  for one folder is refused when it registers them, if both are given the same `folder_id` value
  or the same output (`folder.id`) in one program. Two programs (stacks) managing one folder, or
  ids computed separately and still unknown at preview, cannot be seen: the check runs in the
  program, not in Omni.
- There is one set per folder: the Pulumi id and `adopt_id` are the folder's id.
"""


class FolderPermissionsSpec(ResourceSpec, register=True):
    """The authoritative set of a folder's direct grants, plus its organization-level access."""

    type_name = "FolderPermissions"
    args_model = FolderPermissionsArgs
    id_doc = "the folder's uuid (a folder has one set of grants)"
    notes = _SET_NOTES
    title = None
    export_label = "{folder_id} permissions"
    path = "/api/v1/folders/{folder_id}/permissions"
    id_api = None  # one per folder: the folder's id is its id
    claims = CLAIM
    # Export writes a folder's grants as FolderPermission resources, one per grant.
    exported_as = "FolderPermission"

    def check_rules(self, args: dict[str, Any], unknown: set[str]) -> Iterator[tuple[str, str]]:
        if "permits" in unknown or not isinstance(args.get("permits"), list):
            return
        seen: set[tuple[str, str]] = set()
        for permit in args["permits"]:
            key = next(((n, permit[n]) for n in PRINCIPALS if permit.get(n)), None)
            if key in seen:
                yield "permits", f"{WORDS[key[0]]} {key[1]} is listed twice: list each once"
            seen.add(key)

    def read(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> dict[str, Any] | None:
        current = self._current(client, id_)
        if current is None:
            return None
        return {"folder_id": id_, "permits": _as_permits(current)}

    def _current(
        self, client: OmniClient, folder_id: str
    ) -> dict[tuple[str, str], dict[str, Any]] | None:
        permits = _permits(client, folder_id)
        if permits is None:
            return None
        groups = _group_names(client) if any(p.get("type") != "user" for p in permits) else {}
        return _grants(permits, groups)

    def create(self, client: OmniClient, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        folder_id = args["folder_id"]
        revoked = self._apply(client, folder_id, args)
        if revoked:
            warn(
                f"FolderPermissions {folder_id}: revoked direct grants the program does not list: "
                f"{', '.join(revoked)}"
            )
        self._organization(
            client, folder_id, args, {"organization_role", "organization_access_boost"}
        )
        return folder_id, {}

    def update(
        self,
        client: OmniClient,
        id_: str,
        olds: Mapping[str, Any],
        news: dict[str, Any],
        changed: set[str],
    ) -> dict[str, Any]:
        if "permits" in changed:
            self._apply(client, id_, news)
        self._organization(client, id_, news, changed)
        return {}

    def delete(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> None:
        for principal in _wanted(state.get("permits") or []):
            client.delete(_path(id_), json=_grant_body(principal, None))

    def _apply(self, client: OmniClient, folder_id: str, args: Mapping[str, Any]) -> list[str]:
        """Make the folder's direct grants those of ``args``; return the revoked ones' names."""
        current = self._current(client, folder_id)
        if current is None:
            raise OmniResourceError(
                f"FolderPermissions {folder_id}: Omni has no such folder; nothing was granted"
            )
        wanted = _wanted(args.get("permits") or [])
        path = _path(folder_id)
        for principal, grant in wanted.items():
            if principal not in current:
                client.post(path, json=_grant_body(principal, grant))
            elif current[principal] != grant:
                client.patch(path, json=_grant_body(principal, grant))
        revoked = [p for p in current if p not in wanted]
        for principal in revoked:
            client.delete(path, json=_grant_body(principal, None))
        return [f"{WORDS[name]} {id_}" for name, id_ in revoked]

    def _organization(
        self, client: OmniClient, folder_id: str, args: Mapping[str, Any], changed: set[str]
    ) -> None:
        # Only what the program sets and changed: a null role would clear the role in Omni.
        body = {
            api: args[name]
            for name, api in (
                ("organization_role", "organizationRole"),
                ("organization_access_boost", "organizationAccessBoost"),
            )
            if name in changed and args.get(name) is not None
        }
        if body:
            client.put(_path(folder_id), json=body)


def _wanted(permits: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    wanted = {}
    for permit in permits:
        name = next(n for n in PRINCIPALS if permit.get(n))
        grant = {"role": permit["role"], "access_boost": bool(permit.get("access_boost"))}
        wanted[(name, permit[name])] = grant
    return wanted


def _as_permits(grants: Mapping[tuple[str, str], Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Grants as the engine keeps the argument (sorted; an unset principal left out, as Pulumi
    drops nulls inside objects), so a refresh compares like with like."""
    permits = [{name: id_, **grant} for (name, id_), grant in grants.items()]
    # In the order check sorts the program's (by the checked form), or a refresh would reorder.
    return sorted(permits, key=lambda p: repr(PermitArgs.model_validate(p).model_dump()))
