"""Scenarios of access: model roles and folder permissions."""

from __future__ import annotations

from typing import Any

import omni_pulumi as omni

from .scenario import Scenario, World
from .scenarios_connections import MISSING_UUID, made_by_hand
from .scenarios_models import _model_by_hand as model_by_hand
from .scenarios_models import _models as models

# -- ModelRole -----------------------------------------------------------------------------------


def _user_roles(w: World, user: str, model: str) -> list[dict[str, Any]]:
    answer = w.client.get(f"/api/v1/users/{user}/model-roles", params={"modelId": model})
    return answer["results"]


def _direct_role(w: World, id_: str) -> str | None:
    _, user, _, model = id_.split("/")
    direct = [e for e in _user_roles(w, user, model) if e["from"]["type"] == "User Role"]
    return direct[0]["roleName"] if direct else None


def _role_drift(w: World, id_: str, outs: dict[str, Any]) -> tuple[str, Any]:
    _, user, _, model = id_.split("/")
    w.client.post(
        f"/api/v1/users/{user}/model-roles", json={"modelId": model, "roleName": "QUERIER"}
    )
    return "role", _direct_role(w, id_)


def _role_removed_in_the_ui(w: World, id_: str, outs: dict[str, Any]) -> None:
    # Omni's API cannot remove an assignment (no revoke); its UI can: the emulator's store does.
    _, user, _, model = id_.split("/")
    del w.emulator.state.user_model_roles[user][model]


def _role_by_hand(w: World) -> str:
    model = model_by_hand(w)
    user = w.users[1]
    w.client.post(
        f"/api/v1/users/{user}/model-roles", json={"modelId": model, "roleName": "VIEWER"}
    )
    return f"user/{user}/model/{model}"


MODEL_ROLE = Scenario(
    kind="ModelRole",
    resource=omni.ModelRole,
    deps=lambda w: models(w, "role "),
    # A user subject on a model: the group subject and a connection-level role are in
    # tests/unit/test_model_role.py and the access example.
    args=lambda w, d: {"role": "MODELER", "user_id": w.users[0], "model_id": d["shared"].id},
    update=lambda w, d: {"role": "VIEWER"},
    replace=lambda w, d: {"model_id": d["other"].id},
    drift=_role_drift,
    delete_outside=_role_removed_in_the_ui,
    make_by_hand=_role_by_hand,
    # The role as made by hand: Omni's only write of a role is a POST (an upsert), which the
    # adoption step counts as a create. Adopting with another role: tests/unit/test_model_role.py.
    adopt_args=lambda w: {
        "role": "VIEWER",
        "user_id": w.users[1],
        "model_id": made_by_hand(w, "hand_model"),
    },
    adopt_conflict=lambda w: {"model_id": MISSING_UUID},
    missing_id=f"user/{MISSING_UUID}/model/{MISSING_UUID}",
    # Destroy writes NO_ACCESS (Omni has no revoke): a direct NO_ACCESS grants nothing.
    exists=lambda w, id_, outs: _direct_role(w, id_) not in (None, "NO_ACCESS"),
)


# -- FolderPermission and FolderPermissions -------------------------------------------------------

FOLDERS = "/api/v1/folders"


def _permits(w: World, folder: str) -> list[dict[str, Any]]:
    return w.client.get(f"{FOLDERS}/{folder}/permissions")["permits"]


def _group_grant(w: World, folder: str, group: str) -> dict[str, Any] | None:
    """The group's direct grant, found by the group's name (permits name it by its full UUID)."""
    name = w.client.get(f"/api/scim/v2/Groups/{group}")["displayName"]
    return next(
        (
            p["direct"]
            for p in _permits(w, folder)
            if p["type"] == "userGroup" and p["name"] == name and "direct" in p
        ),
        None,
    )


def _access_deps(w: World) -> dict[str, Any]:
    return {
        "folder": omni.Folder("finance", name="Finance"),
        "other": omni.Folder("board", name="Board"),
        "group": omni.UserGroup("finance-team", display_name="Finance team"),
    }


def _grant_by_hand(w: World) -> str:
    folder = w.made["grant_folder"] = w.client.post(FOLDERS, json={"name": "Hand folder"})["id"]
    group = w.made["grant_group"] = w.client.post(
        "/api/scim/v2/Groups", json={"displayName": "Hand group"}
    )["id"]
    w.client.post(
        f"{FOLDERS}/{folder}/permissions", json={"role": "VIEWER", "userGroupIds": [group]}
    )
    return f"{folder}/group/{group}"


def _grant_drift(w: World, id_: str, outs: dict[str, Any]) -> tuple[str, Any]:
    folder, _, group = id_.split("/")
    body = {"role": "MANAGER", "userGroupIds": [group]}
    w.client.patch(f"{FOLDERS}/{folder}/permissions", json=body)
    return "role", _group_grant(w, folder, group)["role"]


def _grant_exists(w: World, id_: str, outs: dict[str, Any]) -> bool:
    folder, _, group = id_.split("/")
    try:
        return _group_grant(w, folder, group) is not None
    except omni.OmniNotFound:
        return False  # the group (or the folder) is gone, and the grant with it


FOLDER_PERMISSION = Scenario(
    kind="FolderPermission",
    resource=omni.FolderPermission,
    deps=_access_deps,
    # A group principal, the case where permits and SCIM name the group differently; a user
    # principal is in tests/unit/test_folder_permission.py and the access example.
    args=lambda w, d: {
        "folder_id": d["folder"].id,
        "role": "EDITOR",
        "user_group_id": d["group"].id,
        "access_boost": True,
    },
    update=lambda w, d: {"role": "VIEWER", "access_boost": False},
    replace=lambda w, d: {"folder_id": d["other"].id},
    drift=_grant_drift,
    delete_outside=lambda w, id_, outs: w.client.delete(
        f"{FOLDERS}/{id_.split('/')[0]}/permissions", json={"userGroupIds": [id_.split("/")[2]]}
    ),
    make_by_hand=_grant_by_hand,
    adopt_args=lambda w: {
        "folder_id": made_by_hand(w, "grant_folder"),
        "user_group_id": w.made.get("grant_group", "zzzzzzzz"),
        "role": "EDITOR",
    },
    adopt_conflict=lambda w: {"folder_id": MISSING_UUID},
    missing_id=f"{MISSING_UUID}/group/zzzzzzzz",
    exists=_grant_exists,
)


def _set_read(w: World, folder: str) -> list[dict[str, Any]]:
    from omni_pulumi.resources.folder_permission import FolderPermissionsSpec

    return FolderPermissionsSpec().read(w.client, folder, {})["permits"]


def _set_by_hand(w: World) -> str:
    folder = w.made["set_folder"] = w.client.post(FOLDERS, json={"name": "Hand set"})["id"]
    body = {"role": "VIEWER", "userIds": [w.users[1]]}
    w.client.post(f"{FOLDERS}/{folder}/permissions", json=body)
    return folder


def _set_drift(w: World, id_: str, outs: dict[str, Any]) -> tuple[str, Any]:
    body = {"role": "VIEWER", "userIds": [w.users[2]]}
    w.client.post(f"{FOLDERS}/{id_}/permissions", json=body)
    return "permits", _set_read(w, id_)


def _set_exists(w: World, id_: str, outs: dict[str, Any]) -> bool:
    try:
        permits = _permits(w, id_)
    except omni.OmniNotFound:
        return False
    return any("direct" in p and not p["direct"]["isOwner"] for p in permits)


FOLDER_PERMISSIONS = Scenario(
    kind="FolderPermissions",
    resource=omni.FolderPermissions,
    deps=_access_deps,
    args=lambda w, d: {
        "folder_id": d["folder"].id,
        "permits": [
            {"user_id": w.users[0], "role": "EDITOR"},
            {"user_group_id": d["group"].id, "role": "VIEWER", "access_boost": True},
        ],
        "organization_role": "VIEWER",
        "organization_access_boost": False,
    },
    update=lambda w, d: {
        "permits": [{"user_group_id": d["group"].id, "role": "MANAGER"}],
        "organization_access_boost": True,
    },
    replace=lambda w, d: {"folder_id": d["other"].id},
    drift=_set_drift,
    # The set of a folder is gone with the folder.
    delete_outside=lambda w, id_, outs: w.client.delete(f"{FOLDERS}/{id_}"),
    make_by_hand=_set_by_hand,
    adopt_args=lambda w: {
        "folder_id": made_by_hand(w, "set_folder"),
        "permits": [{"user_id": w.users[1], "role": "EDITOR"}],
    },
    adopt_conflict=None,  # the folder is the adoption id: it cannot differ
    missing_id=MISSING_UUID,
    exists=_set_exists,
)
