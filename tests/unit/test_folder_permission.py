"""FolderPermission and FolderPermissions: a group's permit found by name (permits name groups by a
full UUID), the set revokes what it does not list, the organization-level PUT never sends a null
role, and a program mixing both kinds on one folder is refused."""

from __future__ import annotations

import pulumi
import pytest
import responses

from omni_pulumi.resources.folder_permission import FolderPermissionSpec, FolderPermissionsSpec
from tests.unit.conftest import BASE_URL, configured
from tests.unit.omni_steps import program, sent

FOLDER = "11111111-1111-1111-1111-111111111111"
USER = "22222222-2222-2222-2222-222222222222"
OTHER = "33333333-3333-3333-3333-333333333333"
FULL = "44444444-4444-4444-4444-444444444444"
GROUP = "mEhXj6ZI"
PERMS = f"{BASE_URL}/api/v1/folders/{FOLDER}/permissions"
PATH = f"/api/v1/folders/{FOLDER}/permissions"


def permit(id_, type_, role, name="x", owner=False, boost=False) -> dict:
    direct = {"role": role, "accessBoost": boost, "isOwner": owner}
    return {"id": id_, "name": name, "type": type_, "direct": direct}


def test_a_group_grant_is_found_by_the_group_s_name_not_its_ids(api):
    api.add(
        responses.GET, f"{BASE_URL}/api/scim/v2/Groups/{GROUP}", json={"displayName": "Finance"}
    )
    answer = {"permits": [permit(FULL, "userGroup", "EDITOR", name="Finance", boost=True)]}
    api.add(responses.GET, PERMS, json=answer)
    read = FolderPermissionSpec().read(configured_client(), f"{FOLDER}/group/{GROUP}", {})
    assert read == {
        "folder_id": FOLDER,
        "user_group_id": GROUP,
        "role": "EDITOR",
        "access_boost": True,
    }


def configured_client():
    from omni_pulumi.config import client_from, settings_from

    provider = configured(FolderPermissionSpec())
    return client_from(settings_from(provider._stack_config))


def test_one_principal_is_required(api):
    provider = configured(FolderPermissionSpec())
    args = program(provider, folder_id=FOLDER, role="VIEWER", user_id=USER, user_group_id=GROUP)
    (failure,) = provider.check({}, args).failures
    assert "set exactly one of `user_id` or `user_group_id`" in failure.reason
    bad_role = program(provider, folder_id=FOLDER, role="OWNER", user_id=USER)
    (failure,) = provider.check({}, bad_role).failures
    assert failure.reason.startswith("FolderPermission.role: ")
    assert "use NO_ACCESS, VIEWER, EXPLORER, EDITOR or MANAGER" in failure.reason


def test_the_set_grants_changes_and_revokes_but_leaves_the_owner(api):
    owner = permit(OTHER, "user", "MANAGER", owner=True)
    answer = {"permits": [owner, permit(USER, "user", "VIEWER"), permit(FULL, "userGroup", "X")]}
    api.add(responses.GET, PERMS, json=answer)
    groups = {"Resources": [{"id": GROUP, "displayName": "x"}], "totalResults": 1}
    api.add(responses.GET, f"{BASE_URL}/api/scim/v2/Groups", json=groups)
    for method in (responses.PATCH, responses.DELETE, responses.PUT):
        api.add(method, PERMS, json={"success": True})
    spec = FolderPermissionsSpec()
    news = {
        "folder_id": FOLDER,
        "permits": [{"user_id": USER, "role": "EDITOR", "access_boost": False}],
        "organization_access_boost": True,
        "organization_role": None,
    }
    spec.update(configured_client(), FOLDER, {}, news, {"permits", "organization_access_boost"})
    writes = [(m, body) for m, _, body in sent(api) if m != "GET"]
    assert writes == [
        ("PATCH", {"userIds": [USER], "role": "EDITOR", "accessBoost": False}),
        ("DELETE", {"userGroupIds": [GROUP]}),
        # Only the boost changed: no organizationRole at all (null would clear it).
        ("PUT", {"organizationAccessBoost": True}),
    ]
    assert all(path == PATH for m, path, _ in sent(api) if m != "GET")


def test_a_program_with_both_kinds_on_one_folder_is_refused():
    import omni_pulumi as omni

    class Mocks(pulumi.runtime.Mocks):
        def new_resource(self, args):
            return [args.name + "-id", args.inputs]

        def call(self, args):
            return {}

    pulumi.runtime.set_mocks(Mocks(), preview=True)
    folder = pulumi.Output.from_input(FOLDER)
    omni.FolderPermission("one", folder_id=folder, role="VIEWER", user_id=USER)
    with pytest.raises(
        ValueError, match="FolderPermission 'one' already manages the direct grants"
    ):
        omni.FolderPermissions("all", folder_id=folder, permits=[])
    # Another folder, or the same kind again, is fine.
    omni.FolderPermission("two", folder_id=folder, role="EDITOR", user_id=OTHER)
    omni.FolderPermissions("elsewhere", folder_id=OTHER, permits=[])
