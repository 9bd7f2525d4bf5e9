"""Folders: generated paths, at most 7 levels, children keep their parent's scope; permissions.

Paths are the slugs of folder names joined by ``/`` (``finance/reports``); listing filters by an
exact path, ``<path>/*`` (direct children) or ``<path>/**`` (all descendants).

Where a live Omni answers otherwise than the spec, the live answer is the default and
``Emulator(spec_only=True)`` keeps the spec's; each such place names its source.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import ApiError, bad_request, conflict, not_found
from ..store import Store, new_id
from ..validation import array, boolean, number, obj, string, uuid_str
from . import Context, Route, created
from .common import SORT_DIRECTION, acting_user, now, user_or_404
from .scim import group_by_any_id, group_uuid

MAX_DEPTH = 7
FORCE_DELETE_LIMIT = 100
SCOPES = ("organization", "restricted")
ROLES = ("NO_ACCESS", "VIEWER", "EXPLORER", "EDITOR", "MANAGER")

FOLDER_CREATE = obj(
    {
        "name*": string(min_len=1),
        "parentFolderId": uuid_str(),
        "scope": string(enum=SCOPES),
        "userId": uuid_str(),
    }
)
FOLDER_UPDATE = obj(
    {
        "name": string(min_len=1),
        "path": string(min_len=1, pattern=r"^[a-zA-Z0-9-]+$"),
        "resolvePathConflict": boolean(default=False),
    }
)
FOLDER_LIST_QUERY = obj(
    {
        "cursor": string(),
        "include": string(),
        "labels": string(),
        "ownerId": uuid_str(),
        "pageSize": number(nullable=True),
        "path": string(),
        "scope": string(enum=SCOPES),
        "sortDirection": SORT_DIRECTION,
        "sortField": string(enum=("name", "createdAt", "updatedAt", "favorites", "path")),
        "userId": uuid_str(),
    }
)
DELETE_QUERY = obj({"force": boolean(nullable=True, default=False)})
PERMIT_TARGETS = {
    "userGroupIds": array(string(), default=[]),
    "userIds": array(uuid_str(), default=[]),
}
PERMIT_ADD = obj(
    {"role*": string(enum=ROLES), "accessBoost": boolean(default=False), **PERMIT_TARGETS}
)
PERMIT_UPDATE = obj({"role": string(enum=ROLES), "accessBoost": boolean(), **PERMIT_TARGETS})
PERMIT_REVOKE = obj(PERMIT_TARGETS)
PERMIT_QUERY = obj({"userId": uuid_str()})
#: Roles the organization-level PUT names; OWNER is listed by Omni's docs but refused there.
ORGANIZATION_ROLES = ("NO_ACCESS", "VIEWER", "EDITOR", "MANAGER", "OWNER")
ORGANIZATION_PERMITS = obj(
    {
        "organizationRole": string(enum=ORGANIZATION_ROLES, nullable=True),
        "organizationAccessBoost": boolean(),
    }
)
#: The role an owner's permit reads with (Omni's docs enum has no OWNER role; ``isOwner`` says it).
OWNER_ROLE = "MANAGER"
INCLUDES = ("_count", "labels", "onlySharedWithMe")


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "folder"


def folder_or_404(store: Store, folder_id: str) -> dict[str, Any]:
    folder = store.folders.get(folder_id)
    if folder is None:
        raise not_found("Folder not found")
    return folder


def _depth(store: Store, folder: dict[str, Any]) -> int:
    depth = 1
    while folder["parentFolderId"] is not None:
        folder = store.folders[folder["parentFolderId"]]
        depth += 1
    return depth


def _children(store: Store, folder_id: str | None) -> list[dict[str, Any]]:
    return [f for f in store.folders.values() if f["parentFolderId"] == folder_id]


def _descendants(store: Store, folder_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for child in _children(store, folder_id):
        found.append(child)
        found.extend(_descendants(store, child["id"]))
    return found


def _documents_in(store: Store, folder_ids: set[str]) -> list[dict[str, Any]]:
    return [
        d
        for d in store.documents.values()
        if d["folderId"] in folder_ids and d["deletedAt"] is None
    ]


def _free_segment(
    store: Store, parent_id: str | None, wanted: str, exclude: str | None = None
) -> str:
    taken = {f["segment"] for f in _children(store, parent_id) if f["id"] != exclude}
    segment, suffix = wanted, 1
    while segment in taken:
        segment = f"{wanted}-{suffix}"
        suffix += 1
    return segment


def _full_path(store: Store, parent_id: str | None, segment: str) -> str:
    return f"{store.folders[parent_id]['path']}/{segment}" if parent_id else segment


def _view(ctx: Context, folder: dict[str, Any], include: set[str]) -> dict[str, Any]:
    view = {
        "id": folder["id"],
        "name": folder["name"],
        "ownerId": folder["ownerId"],
        "path": folder["path"],
        "url": f"{ctx.emulator.base_url}/f/{folder['path']}",
    }
    if "_count" in include:
        view["_count"] = {
            "documents": len(_documents_in(ctx.store, {folder["id"]})),
            "favorites": 0,
        }
    if "labels" in include:
        view["labels"] = []
    return view


def create_folder(ctx: Context):
    body, store = ctx.body, ctx.store
    owner = acting_user(ctx, body.get("userId"))
    parent_id = body.get("parentFolderId")
    scope = body.get("scope")
    if parent_id is not None:
        parent = store.folders.get(parent_id)
        if parent is None:
            raise not_found("Parent folder not found")
        if _depth(store, parent) >= MAX_DEPTH:
            raise bad_request("Maximum folder nesting depth reached")
        if scope is not None and scope != parent["scope"]:
            raise bad_request("Child folder scope must match parent folder scope")
        scope = parent["scope"]
    segment = _free_segment(store, parent_id, slug(body["name"]))
    stamp = now()
    folder = {
        "id": new_id(),
        "name": body["name"],
        "parentFolderId": parent_id,
        "segment": segment,
        "path": _full_path(store, parent_id, segment),
        "scope": scope or "organization",
        "ownerId": owner,
        "createdAt": stamp,
        "updatedAt": stamp,
    }
    store.folders[folder["id"]] = folder
    keys = ("id", "name", "ownerId", "path", "scope")
    if not ctx.emulator.spec_only:
        # Live finding 3 (ashima-omni/terraform-provider-omni docs/TEST-CASES.md): the create
        # answer omits `url` and `path`; only reads (list, get) carry them.
        keys = ("id", "name", "ownerId", "scope")
    return created({k: folder[k] for k in keys})


def get_folder(ctx: Context) -> dict:
    """``GET /api/v1/folders/{folderId}`` (docs.omni.co "Get folder").

    The docs give no response schema; the answer is the documented Folder object of one folder:
    id, name, full path, scope, and the UI address the list also gives. Owner and permissions
    are "returned separately by GET /api/v1/folders/{folderId}/permissions" (the docs' words), and
    no source shows a parent id, so neither is here.
    """
    folder = folder_or_404(ctx.store, ctx.params["folderId"])
    view = _view(ctx, folder, set())
    del view["ownerId"]
    return {**view, "scope": folder["scope"]}


def _match_path(store: Store, pattern: str) -> list[dict[str, Any]]:
    folders = list(store.folders.values())
    if "*" not in pattern:
        matches = [f for f in folders if f["path"] == pattern]
        if not matches:
            raise not_found("Folder not found")
        return matches
    base, _, wildcard = pattern.rpartition("/")
    if wildcard not in ("*", "**") or "*" in base:
        raise bad_request(
            "Invalid path pattern. Only a single wildcard (*) is allowed at the end of the pattern"
        )
    if not base:
        roots = [f for f in folders if f["parentFolderId"] is None]
        return roots if wildcard == "*" else folders
    parents = [f for f in folders if f["path"] == base]
    if not parents:
        raise not_found("Folder not found")
    if wildcard == "*":
        return _children(store, parents[0]["id"])
    return _descendants(store, parents[0]["id"])


def list_folders(ctx: Context) -> dict:
    from ..pagination import cursor_page, sort_records

    q, store = ctx.query, ctx.store
    include = {part for part in (q.get("include") or "").split(",") if part}
    bad = include - set(INCLUDES)
    if bad:
        raise bad_request(
            f"include: Invalid value. Expected: _count, labels, received '{sorted(bad)[0]}'"
        )
    if q.get("scope") == "restricted" and not q.get("ownerId"):
        raise bad_request("ownerId: ownerId is required when scope is 'restricted'")
    folders = _match_path(store, q["path"]) if q.get("path") else list(store.folders.values())
    if q.get("scope"):
        folders = [f for f in folders if f["scope"] == q["scope"]]
    if q.get("ownerId"):
        folders = [f for f in folders if f["ownerId"] == q["ownerId"]]
    if q.get("labels"):
        folders = []  # folders carry no labels in the emulator
    field = {"favorites": "name"}.get(q.get("sortField") or "name", q.get("sortField") or "name")
    folders = sort_records(folders, field, q.get("sortDirection") or "asc")
    page = cursor_page(folders, q.get("cursor"), q.get("pageSize"))
    page["records"] = [_view(ctx, f, include) for f in page["records"]]
    return page


def update_folder(ctx: Context) -> dict:
    store, body = ctx.store, ctx.body
    folder = folder_or_404(store, ctx.params["folderId"])
    if "name" not in body and "path" not in body:
        raise bad_request("At least one of name or path must be provided")
    if "name" in body:
        folder["name"] = body["name"]
    if "path" in body and body["path"] != folder["segment"]:
        segment = body["path"]
        free = _free_segment(store, folder["parentFolderId"], segment, exclude=folder["id"])
        if free != segment and not body["resolvePathConflict"]:
            raise conflict("Path conflicts with an existing folder")
        folder["segment"] = free
        _repath(store, folder)
    folder["updatedAt"] = now()
    if not ctx.emulator.spec_only:
        # Live finding 4 (ashima-omni/terraform-provider-omni docs/TEST-CASES.md): the update
        # answer omits `url` and `path`; read the folder for them.
        return {"id": folder["id"], "name": folder["name"]}
    return {"id": folder["id"], "name": folder["name"], "path": folder["segment"]}


def _repath(store: Store, folder: dict[str, Any]) -> None:
    folder["path"] = _full_path(store, folder["parentFolderId"], folder["segment"])
    for child in _children(store, folder["id"]):
        _repath(store, child)


def delete_folder(ctx: Context) -> dict:
    store = ctx.store
    folder = folder_or_404(store, ctx.params["folderId"])
    subfolders = _descendants(store, folder["id"])
    ids = {folder["id"], *(f["id"] for f in subfolders)}
    documents = _documents_in(store, ids)
    if not ctx.query.get("force"):
        if documents:
            raise ApiError(400, "Folders with documents cannot be deleted")
        if subfolders:
            raise ApiError(400, "Only empty folders can be deleted")
    elif len(documents) + len(subfolders) > FORCE_DELETE_LIMIT:
        raise ApiError(400, f"Force delete is limited to {FORCE_DELETE_LIMIT} items")
    stamp = now()
    for document in documents:
        document["deletedAt"] = stamp  # documents go to the trash
    for folder_id in ids:
        del store.folders[folder_id]
        store.folder_permits.pop(folder_id, None)
    return {"success": True}


# --- permissions ----------------------------------------------------------------------------
#
# Permits are stored per folder, keyed ``user:<membership id>`` or ``group:<SCIM id>``, each
# ``{role, accessBoost}``. Reads answer in the documented FolderPermit shape (docs.omni.co
# "Folder permissions"; live findings 19 and 21): ``{id, name, description, type: user|userGroup,
# direct: {role, accessBoost, isOwner}}``. The owner reads as a permit with ``isOwner``; a grant on
# an ancestor reads without ``direct`` (access inherited, not granted here).


def _targets(ctx: Context) -> list[str]:
    body = ctx.body
    if not body["userIds"] and not body["userGroupIds"]:
        raise bad_request("userIds.userGroupIds: userIds or userGroupIds must be provided")
    keys = []
    for user_id in body["userIds"]:
        user_or_404(ctx.store, user_id)
        keys.append(f"user:{user_id}")
    for group_id in body["userGroupIds"]:
        # Writes take the group's SCIM id or its full UUID (the one permits read back with).
        group = group_by_any_id(ctx.store, group_id)
        if group is None:
            raise not_found("User group not found")
        keys.append(f"group:{group['id']}")
    return keys


def _permits(ctx: Context) -> dict[str, dict[str, Any]]:
    folder = folder_or_404(ctx.store, ctx.params["folderId"])
    return ctx.store.folder_permits.setdefault(folder["id"], {})


def _subject(ctx: Context, key: str) -> dict[str, Any] | None:
    """A permit's ``id``, ``name`` and ``type``, or None when the user or group is gone."""
    kind, _, target = key.partition(":")
    if kind == "user":
        user = ctx.store.users.get(target)
        return user and {"id": target, "name": user["name"], "type": "user"}
    group = ctx.store.groups.get(target)
    if group is None:
        return None
    # Live finding 19 (ashima-omni/terraform-provider-omni docs/TEST-CASES.md): a permit names a
    # group by its full UUID, not by the SCIM miniUuid the SCIM and model-role routes use.
    group_id = group["id"] if ctx.emulator.spec_only else group_uuid(group)
    return {"id": group_id, "name": group["displayName"], "type": "userGroup"}


def _ancestors(store: Store, folder: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    while folder["parentFolderId"] is not None:
        folder = store.folders[folder["parentFolderId"]]
        found.append(folder)
    return found


def _permit_views(ctx: Context, folder: dict[str, Any]) -> list[dict[str, Any]]:
    store = ctx.store
    direct = dict(store.folder_permits.get(folder["id"], {}))
    owner = f"user:{folder['ownerId']}"
    views: dict[str, dict[str, Any]] = {}
    for key in [owner, *direct]:
        subject = _subject(ctx, key)
        if subject is None or key in views:
            continue
        grant = direct.get(key, {"role": OWNER_ROLE, "accessBoost": False})
        views[key] = {
            **subject,
            "description": "Owner" if key == owner else "Direct access",
            "direct": {
                "role": grant["role"],
                "accessBoost": grant["accessBoost"],
                "isOwner": key == owner,
            },
        }
    for ancestor in _ancestors(store, folder):
        for key in store.folder_permits.get(ancestor["id"], {}):
            subject = _subject(ctx, key)
            if subject is None or key in views:
                continue
            views[key] = {**subject, "description": f"Inherited from {ancestor['path']}"}
    return list(views.values())


def get_permissions(ctx: Context) -> dict:
    folder = folder_or_404(ctx.store, ctx.params["folderId"])
    permits = _permit_views(ctx, folder)
    if ctx.query.get("userId"):
        user_or_404(ctx.store, ctx.query["userId"])
        permits = [p for p in permits if p["type"] == "user" and p["id"] == ctx.query["userId"]]
    return {"permits": permits}


def add_permissions(ctx: Context) -> dict:
    permits = _permits(ctx)
    for key in _targets(ctx):
        permits[key] = {"role": ctx.body["role"], "accessBoost": ctx.body["accessBoost"]}
    return {"success": True}


def update_permissions(ctx: Context) -> dict:
    permits = _permits(ctx)
    for key in _targets(ctx):
        permit = permits.get(key)
        if permit is None:
            raise not_found("Permission not found")
        permit.update({k: ctx.body[k] for k in ("role", "accessBoost") if k in ctx.body})
    return {"success": True}


def revoke_permissions(ctx: Context) -> dict:
    permits = _permits(ctx)
    for key in _targets(ctx):
        permits.pop(key, None)
    return {"success": True}


def update_organization_permissions(ctx: Context) -> dict:
    """Organization-level access (docs.omni.co "Update organization-level folder permissions").

    ``organizationRole`` null clears the role (and with it an AccessBoost that needs it);
    AccessBoost needs a role that grants access, sent now or already on the folder. The docs show
    no read of these settings, so the emulator keeps them on the folder record only.
    """
    folder = folder_or_404(ctx.store, ctx.params["folderId"])
    body = ctx.body
    if "organizationRole" not in body and "organizationAccessBoost" not in body:
        raise bad_request(
            "organizationRole.organizationAccessBoost: At least one of organizationRole or "
            "organizationAccessBoost is required"
        )
    role = body.get("organizationRole", folder.get("organizationRole"))
    if role == "OWNER":
        raise bad_request("organizationRole: OWNER cannot be granted at the organization level")
    boost = body.get("organizationAccessBoost", folder.get("organizationAccessBoost", False))
    if role is None and "organizationAccessBoost" not in body:
        boost = False  # clearing the role takes the AccessBoost that rode on it along
    if boost and role in (None, "NO_ACCESS"):
        raise bad_request(
            "organizationAccessBoost: AccessBoost needs an organization role that grants access"
        )
    folder.update(organizationRole=role, organizationAccessBoost=boost, updatedAt=now())
    return {"success": True}


_ONE = "/api/v1/folders/{folderId}"
_PERMS = "/api/v1/folders/{folderId}/permissions"
_ID = ("folderId",)
ROUTES = [
    Route("GET", "/api/v1/folders", list_folders, query=FOLDER_LIST_QUERY),
    Route("POST", "/api/v1/folders", create_folder, body=FOLDER_CREATE),
    Route("GET", _ONE, get_folder, uuid_params=_ID),
    Route("PATCH", _ONE, update_folder, body=FOLDER_UPDATE, uuid_params=_ID),
    Route("DELETE", _ONE, delete_folder, query=DELETE_QUERY, uuid_params=_ID),
    Route("GET", _PERMS, get_permissions, query=PERMIT_QUERY, uuid_params=_ID),
    Route("POST", _PERMS, add_permissions, body=PERMIT_ADD, uuid_params=_ID),
    Route("PATCH", _PERMS, update_permissions, body=PERMIT_UPDATE, uuid_params=_ID),
    Route("DELETE", _PERMS, revoke_permissions, body=PERMIT_REVOKE, uuid_params=_ID),
    Route(
        "PUT", _PERMS, update_organization_permissions, body=ORGANIZATION_PERMITS, uuid_params=_ID
    ),
]
