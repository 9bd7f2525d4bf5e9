"""SCIM 2.0 user groups and users (create, replace, patch, delete).

Every SCIM route needs an organization API key: a personal access token gets 403.

A group has two ids, as in Omni: the SCIM id (``id``, a miniUuid such as ``mEhXj6ZI``) that SCIM and
the model-role routes take, and a full UUID (``uuid``) by which folder permits name it.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import bad_request, conflict, not_found
from ..pagination import scim_page
from ..store import Store, mini_uuid, new_id
from ..validation import any_of, array, boolean, free_object, obj, string, uuid_str
from . import Context, Route, created, no_content
from .common import now

GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
#: Where a SCIM user carries its Omni user attribute values (docs example; live TC-03b).
ATTRIBUTES = "urn:omni:params:1.0:UserAttribute"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
_NUMERIC = r"^-?\d*\.?\d+$"

MEMBER_REF = obj({"display": string(), "value*": uuid_str()})
GROUP_CREATE = obj(
    {"displayName*": string(), "members": array(obj({"value*": uuid_str()}), default=[])}
)
GROUP_REPLACE = obj(
    {"displayName*": string(), "members*": array(obj({"display*": string(), "value*": uuid_str()}))}
)
GROUP_PATCH = obj(
    {
        "schemas*": array(string(enum=(PATCH_SCHEMA,))),
        "Operations*": array(
            any_of(
                obj(
                    {
                        "op*": string(enum=("replace", "Replace")),
                        "value*": obj({"displayName*": string(), "id": string()}),
                    }
                ),
                obj(
                    {
                        "op*": string(enum=("remove", "Remove")),
                        "path*": string(pattern=r'members\[value eq "(.{36})"\]'),
                    }
                ),
                obj(
                    {
                        "op*": string(enum=("add", "Add")),
                        "path*": string(enum=("members",)),
                        "value*": array(MEMBER_REF),
                    }
                ),
                obj(
                    {
                        "op*": string(enum=("replace", "Replace")),
                        "path*": string(enum=("members", "displayName")),
                        "value*": any_of(array(MEMBER_REF), string()),
                    }
                ),
            )
        ),
    }
)
LIST_QUERY = obj(
    {
        "count": string(pattern=_NUMERIC),
        "excludedAttributes": string(enum=("members",)),
        "filter": string(),
        "startIndex": string(pattern=_NUMERIC),
    }
)
USERS_QUERY = obj(
    {"count": string(pattern=_NUMERIC), "filter": string(), "startIndex": string(pattern=_NUMERIC)}
)
# The extensions' values are free-form maps (the spec's anyOf of scalars, arrays and objects).
USER_CREATE = obj(
    {"displayName*": string(), "userName*": string(fmt="email"), ATTRIBUTES: free_object()}
)
USER_REPLACE = obj(
    {
        "active": boolean(),
        "displayName": string(),
        ENTERPRISE: free_object(),
        ATTRIBUTES: free_object(),
        "userName*": string(fmt="email"),
    }
)
USER_PATCH = obj(
    {
        "schemas*": array(string(enum=(PATCH_SCHEMA,))),
        "Operations*": array(free_object()),
    }
)
GET_QUERY = obj({"excludedAttributes": string(enum=("members",))})
_FILTER = re.compile(r'^\s*(\w+)\s+eq\s+"([^"]*)"\s*$', re.IGNORECASE)


def _filter(records: list[dict[str, Any]], expression: str | None) -> list[dict[str, Any]]:
    if not expression:
        return records
    match = _FILTER.match(expression)
    if match is None:
        raise bad_request(f"filter: Unsupported filter expression '{expression}'")
    attribute, value = match.groups()
    return [r for r in records if str(r.get(attribute, "")).lower() == value.lower()]


# --- groups ---------------------------------------------------------------------------------


def group_or_404(store: Store, group_id: str) -> dict[str, Any]:
    group = store.groups.get(group_id)
    if group is None:
        raise not_found("Group not found")
    return group


def group_uuid(group: dict[str, Any]) -> str:
    """The group's full UUID (folder permits name groups by it, not by the SCIM miniUuid).

    State files written before groups had one get it on first use.
    """
    return group.setdefault("uuid", new_id())


def group_by_any_id(store: Store, group_id: str) -> dict[str, Any] | None:
    """A group named by its SCIM miniUuid or by its full UUID."""
    group = store.groups.get(group_id)
    if group is not None:
        return group
    return next((g for g in store.groups.values() if group_uuid(g) == group_id), None)


def _members(store: Store, refs: list[dict[str, Any]]) -> list[str]:
    ids: list[str] = []
    for index, ref in enumerate(refs):
        if ref["value"] not in store.users:
            raise bad_request(f"members.{index}.value: User not found in organization")
        if ref["value"] not in ids:
            ids.append(ref["value"])
    return ids


def _check_name_free(store: Store, name: str, own_id: str | None = None) -> None:
    for group in store.groups.values():
        if group["displayName"].lower() == name.lower() and group["id"] != own_id:
            raise conflict("Group with this name already exists")


def _group_view(store: Store, group: dict[str, Any], members: bool = True) -> dict[str, Any]:
    view: dict[str, Any] = {
        "schemas": [GROUP_SCHEMA],
        "id": group["id"],
        "displayName": group["displayName"],
        "meta": {
            "resourceType": "Group",
            "created": group["created"],
            "lastModified": group["lastModified"],
        },
    }
    if members:
        view["members"] = [
            {"value": user_id, "display": store.users[user_id]["name"]}
            for user_id in group["members"]
            if user_id in store.users
        ]
    return view


def list_groups(ctx: Context) -> dict:
    q = ctx.query
    groups = sorted(ctx.store.groups.values(), key=lambda g: g["created"])
    groups = _filter(groups, q.get("filter"))
    page = scim_page(groups, q.get("startIndex"), q.get("count"))
    keep = q.get("excludedAttributes") != "members"
    page["Resources"] = [_group_view(ctx.store, g, keep) for g in page["Resources"]]
    return page


def create_group(ctx: Context):
    store, body = ctx.store, ctx.body
    _check_name_free(store, body["displayName"])
    stamp = now()
    group = {
        "id": mini_uuid(),
        "uuid": new_id(),
        "displayName": body["displayName"],
        "members": _members(store, body["members"]),
        "created": stamp,
        "lastModified": stamp,
    }
    store.groups[group["id"]] = group
    return created(_group_view(store, group))


def get_group(ctx: Context) -> dict:
    group = group_or_404(ctx.store, ctx.params["miniUuid"])
    return _group_view(ctx.store, group, ctx.query.get("excludedAttributes") != "members")


def replace_group(ctx: Context) -> dict:
    store, body = ctx.store, ctx.body
    if not ctx.emulator.spec_only:
        # Live finding 13 (ashima-omni/terraform-provider-omni docs/TEST-CASES.md, "Known
        # findings"): a live Omni refuses SCIM PUT on groups with `members: Required` even for a
        # well-formed replace body (its body check fails before the group is looked up); PATCH
        # with replace operations is what works.
        raise bad_request("members: Required")
    group = group_or_404(store, ctx.params["miniUuid"])
    _check_name_free(store, body["displayName"], group["id"])
    group.update(displayName=body["displayName"], members=_members(store, body["members"]))
    group["lastModified"] = now()
    return _group_view(store, group)


def patch_group(ctx: Context) -> dict:
    store = ctx.store
    group = group_or_404(store, ctx.params["miniUuid"])
    name, members = group["displayName"], list(group["members"])
    for operation in ctx.body["Operations"]:
        op, path, value = operation["op"].lower(), operation.get("path"), operation.get("value")
        if op == "replace" and path is None:
            name = value["displayName"]
        elif op == "replace" and path == "displayName":
            if not isinstance(value, str):
                raise bad_request("Operations: displayName must be a string")
            name = value
        elif op == "replace":
            if not isinstance(value, list):
                raise bad_request("Operations: members must be an array")
            members = _members(store, value)
        elif op == "add":
            members += [m for m in _members(store, value) if m not in members]
        else:
            removed = re.search(r'"(.{36})"', path).group(1)  # type: ignore[union-attr]
            members = [m for m in members if m != removed]
    _check_name_free(store, name, group["id"])
    group.update(displayName=name, members=members, lastModified=now())
    return _group_view(store, group)


def delete_group(ctx: Context):
    group = group_or_404(ctx.store, ctx.params["miniUuid"])
    del ctx.store.groups[group["id"]]
    ctx.store.group_model_roles.pop(group["id"], None)
    return no_content()


# --- users ----------------------------------------------------------------------------------


def user_or_404(store: Store, user_id: str) -> dict[str, Any]:
    user = store.users.get(user_id)
    if user is None:
        raise not_found("User not found")
    return user


def _user_view(user: dict[str, Any]) -> dict[str, Any]:
    view: dict[str, Any] = {
        "schemas": [USER_SCHEMA],
        "id": user["id"],
        "userName": user["email"],
        "displayName": user["name"],
        "active": user["active"],
    }
    # Reads carry the user's attribute values under Omni's extension (docs example, live TC-03b).
    view[ATTRIBUTES] = dict(user.get("attributes") or {})
    if user.get("enterprise"):
        view[ENTERPRISE] = dict(user["enterprise"])
    return view


def _attributes(values: dict[str, Any] | None) -> dict[str, Any]:
    """What Omni keeps of an attribute map: its own ``omni_*`` attributes are never stored or
    returned through SCIM (live finding 15), and a null clears a value."""
    return {
        name: value
        for name, value in (values or {}).items()
        if not name.startswith("omni_") and value is not None
    }


def _check_email_free(store: Store, email: str, own_id: str | None = None) -> None:
    for user in store.users.values():
        if user["email"].lower() == email.lower() and user["id"] != own_id:
            # The spec's 409: "User with this email already exists".
            raise conflict("User with this email already exists")


def list_users(ctx: Context) -> dict:
    users = [_user_view(u) for u in sorted(ctx.store.users.values(), key=lambda u: u["email"])]
    users = _filter(users, ctx.query.get("filter"))
    return scim_page(users, ctx.query.get("startIndex"), ctx.query.get("count"))


def get_user(ctx: Context) -> dict:
    return _user_view(user_or_404(ctx.store, ctx.params["id"]))


def create_user(ctx: Context):
    store, body = ctx.store, ctx.body
    _check_email_free(store, body["userName"])
    user = {
        "id": new_id(),
        "email": body["userName"],
        "name": body["displayName"],
        # The create body has no `active` (spec): a new user is active.
        "active": True,
        "attributes": _attributes(body.get(ATTRIBUTES)),
    }
    store.users[user["id"]] = user
    return created(_user_view(user))


def replace_user(ctx: Context) -> dict:
    store, body = ctx.store, ctx.body
    user = user_or_404(store, ctx.params["id"])
    _check_email_free(store, body["userName"], user["id"])
    # A PUT replaces the user: optional fields it omits go back to their defaults (Omni's docs;
    # RESOURCES.md "Beyond the spec"): `active` to true (the spec's default), the attribute
    # values and the enterprise extension to empty. An omitted displayName becomes the email
    # (the emulator's choice: the docs do not say what Omni shows then).
    user.update(
        email=body["userName"],
        name=body.get("displayName") or body["userName"],
        active=body.get("active", True),
        attributes=_attributes(body.get(ATTRIBUTES)),
        enterprise=dict(body.get(ENTERPRISE) or {}),
    )
    return _user_view(user)


def patch_user(ctx: Context) -> dict:
    store = ctx.store
    user = user_or_404(store, ctx.params["id"])
    changes = dict(email=user["email"], name=user["name"], active=user["active"])
    attributes = dict(user.get("attributes") or {})
    simple = {"active": "active", "displayName": "name", "userName": "email"}
    for index, operation in enumerate(ctx.body["Operations"]):
        op, path, value = str(operation.get("op", "")).lower(), operation.get("path"), None
        value = operation.get("value")
        if op not in ("replace", "add", "remove"):
            raise bad_request(
                f"Operations.{index}.op: Invalid enum value. Expected 'replace' | "
                f"'add' | 'remove', received '{operation.get('op')}'"
            )
        if path is None and isinstance(value, dict):
            for key, item in value.items():
                if key in simple:
                    changes[simple[key]] = item
                elif key == ATTRIBUTES and isinstance(item, dict):
                    attributes.update(item)
        elif path in simple:
            changes[simple[path]] = None if op == "remove" else value
        elif isinstance(path, str) and path.startswith(ATTRIBUTES + ":"):
            attributes[path.removeprefix(ATTRIBUTES + ":")] = None if op == "remove" else value
        else:
            raise bad_request(f"Operations.{index}.path: Unsupported path '{path}'")
    if not isinstance(changes["email"], str) or not changes["email"]:
        raise bad_request("userName: Required")
    _check_email_free(store, changes["email"], user["id"])
    user.update(changes, attributes=_attributes(attributes))
    return _user_view(user)


def delete_user(ctx: Context):
    store = ctx.store
    user = user_or_404(store, ctx.params["id"])
    del store.users[user["id"]]
    for group in store.groups.values():
        group["members"] = [m for m in group["members"] if m != user["id"]]
    store.user_model_roles.pop(user["id"], None)
    return no_content()


_USER = "/api/scim/v2/Users/{id}"
_GROUPS = "/api/scim/v2/Groups"
_GROUP = "/api/scim/v2/Groups/{miniUuid}"
ROUTES = [
    Route("GET", _GROUPS, list_groups, query=LIST_QUERY, org_only=True),
    Route("POST", _GROUPS, create_group, body=GROUP_CREATE, org_only=True),
    Route("GET", _GROUP, get_group, query=GET_QUERY, org_only=True),
    Route("PUT", _GROUP, replace_group, body=GROUP_REPLACE, org_only=True),
    Route("PATCH", _GROUP, patch_group, body=GROUP_PATCH, org_only=True),
    Route("DELETE", _GROUP, delete_group, org_only=True),
    Route("GET", "/api/scim/v2/Users", list_users, query=USERS_QUERY, org_only=True),
    Route("POST", "/api/scim/v2/Users", create_user, body=USER_CREATE, org_only=True),
    Route("GET", _USER, get_user, org_only=True, uuid_params=("id",)),
    Route("PUT", _USER, replace_user, body=USER_REPLACE, org_only=True, uuid_params=("id",)),
    Route("PATCH", _USER, patch_user, body=USER_PATCH, org_only=True, uuid_params=("id",)),
    Route("DELETE", _USER, delete_user, org_only=True, uuid_params=("id",)),
]
