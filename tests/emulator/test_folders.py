"""Folders: generated paths, 7 levels, scope inheritance, path filters, delete rules, permissions."""

from __future__ import annotations

F = "/api/v1/folders"


def make(api, name, parent=None, **extra):
    body = {"name": name, **extra}
    if parent:
        body["parentFolderId"] = parent
    return api.ok("POST", F, 201, json=body)


def path_of(api, folder_id):
    return api.ok("GET", f"{F}/{folder_id}")["path"]


def test_create_generates_path_and_owner(api, emu):
    root = make(api, "Finance Team")
    assert path_of(api, root["id"]) == "finance-team"
    assert root["scope"] == "organization"
    assert root["ownerId"] == emu.admin_user_id
    child = make(api, "Reports", root["id"])
    assert path_of(api, child["id"]) == "finance-team/reports"
    assert path_of(api, make(api, "Reports", root["id"])["id"]) == "finance-team/reports-1"


def test_live_create_and_update_answers_omit_path_and_url(api):
    # Live findings 3 and 4: only reads carry the path and the UI address.
    made = make(api, "Finance")
    assert set(made) == {"id", "name", "ownerId", "scope"}
    renamed = api.ok("PATCH", f"{F}/{made['id']}", json={"name": "Money", "path": "money"})
    assert renamed == {"id": made["id"], "name": "Money"}
    assert path_of(api, made["id"]) == "money"


def test_spec_only_create_and_update_answers_carry_the_path(spec_api):
    made = make(spec_api, "Finance")
    assert made["path"] == "finance"
    renamed = spec_api.ok("PATCH", f"{F}/{made['id']}", json={"path": "money"})
    assert renamed == {"id": made["id"], "name": "Finance", "path": "money"}


def test_get_folder_by_id(api, emu):
    parent = make(api, "Finance")
    child = make(api, "Reports", parent["id"], scope="organization")
    got = api.ok("GET", f"{F}/{child['id']}")
    assert got == {
        "id": child["id"],
        "name": "Reports",
        "path": "finance/reports",
        "scope": "organization",
        "url": f"{emu.base_url}/f/finance/reports",
    }
    private = make(api, "Mine", scope="restricted")
    # By id, a restricted folder is read without naming its owner (the list needs ownerId).
    assert api.ok("GET", f"{F}/{private['id']}")["scope"] == "restricted"
    assert api.error("GET", f"{F}/00000000-0000-4000-8000-000000000000", 404) == (
        "Folder not found"
    )


def test_at_most_seven_levels(api):
    parent = None
    for level in range(7):
        parent = make(api, f"L{level}", parent)["id"]
    assert api.error("POST", F, 400, json={"name": "L7", "parentFolderId": parent}) == (
        "Bad Request: Maximum folder nesting depth reached"
    )


def test_child_scope_must_match_parent(api):
    parent = make(api, "Private", scope="restricted")
    assert make(api, "Inherits", parent["id"])["scope"] == "restricted"
    detail = api.error(
        "POST", F, 400, json={"name": "X", "parentFolderId": parent["id"], "scope": "organization"}
    )
    assert detail == "Bad Request: Child folder scope must match parent folder scope"


def test_unknown_parent_is_404(api):
    missing = "00000000-0000-4000-8000-000000000000"
    assert api.error("POST", F, 404, json={"name": "X", "parentFolderId": missing}) == (
        "Parent folder not found"
    )


def test_path_filters_exact_children_and_recursive(api):
    a = make(api, "A")
    b = make(api, "B", a["id"])
    make(api, "C", b["id"])
    make(api, "Other")
    paths = lambda q: sorted(r["path"] for r in api.ok("GET", F, params=q)["records"])  # noqa: E731
    assert paths({"path": "a/b"}) == ["a/b"]
    assert paths({"path": "a/*"}) == ["a/b"]
    assert paths({"path": "a/**"}) == ["a/b", "a/b/c"]
    assert paths({}) == ["a", "a/b", "a/b/c", "other"]
    assert api.error("GET", F, 404, params={"path": "a/zzz"}) == "Folder not found"
    assert "Only a single wildcard" in api.error("GET", F, 400, params={"path": "a/*/b"})


def test_list_is_cursor_paginated(api):
    for name in "abcde":
        make(api, name)
    seen, cursor = [], None
    while True:
        params = {"pageSize": 2, **({"cursor": cursor} if cursor else {})}
        page = api.ok("GET", F, params=params)
        seen += [r["name"] for r in page["records"]]
        assert page["pageInfo"]["totalRecords"] == 5
        cursor = page["pageInfo"]["nextCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    assert seen == list("abcde")
    assert api.error("GET", F, 400, params={"pageSize": 0}) == (
        "Bad Request: pageSize: Page size must be at least 1"
    )
    assert api.error("GET", F, 400, params={"bogus": 1}) == (
        "Bad Request: formErrors: Unrecognized key(s) in object: 'bogus'"
    )


def test_include_count_and_scope_filter(api, emu):
    folder = make(api, "Docs")
    emu.seed_dashboard(folder_id=folder["id"])
    record = api.ok("GET", F, params={"path": "docs", "include": "_count"})["records"][0]
    assert record["_count"] == {"documents": 1, "favorites": 0}
    assert "ownerId is required" in api.error("GET", F, 400, params={"scope": "restricted"})


def test_patch_renames_and_repaths(api):
    a = make(api, "A")
    b = make(api, "B", a["id"])
    make(api, "Taken")
    assert api.ok("PATCH", f"{F}/{a['id']}", json={"name": "Alpha"}) == {
        "id": a["id"],
        "name": "Alpha",
    }
    api.ok("PATCH", f"{F}/{a['id']}", json={"path": "alpha"})
    assert api.ok("GET", F, params={"path": "alpha/*"})["records"][0]["id"] == b["id"]
    assert api.error("PATCH", f"{F}/{a['id']}", 409, json={"path": "taken"}) == (
        "Path conflicts with an existing folder"
    )
    api.ok("PATCH", f"{F}/{a['id']}", json={"path": "taken", "resolvePathConflict": True})
    assert path_of(api, a["id"]) == "taken-1"
    assert path_of(api, b["id"]) == "taken-1/b"  # live finding 12: descendants are re-pathed
    assert api.error("PATCH", f"{F}/{a['id']}", 400, json={}).startswith(
        "Bad Request: At least one"
    )


def test_delete_only_when_empty_unless_forced(api, emu):
    parent = make(api, "Parent")
    make(api, "Child", parent["id"])
    assert api.error("DELETE", f"{F}/{parent['id']}", 400) == "Only empty folders can be deleted"
    emu.seed_dashboard(folder_id=parent["id"])
    assert (
        api.error("DELETE", f"{F}/{parent['id']}", 400)
        == "Folders with documents cannot be deleted"
    )
    assert api.ok("DELETE", f"{F}/{parent['id']}", params={"force": "true"}) == {"success": True}
    assert api.ok("GET", F)["records"] == []
    api.error("DELETE", f"{F}/{parent['id']}", 404)
    assert api.error("DELETE", f"{F}/not-a-uuid", 400) == "Bad Request: folderId: Invalid uuid"


P = "/permissions"


def test_permissions_grant_update_revoke(api, emu):
    folder = make(api, "Shared")["id"]
    user = emu.seed_user("ana@example.com", "Ana")
    path = f"{F}/{folder}{P}"
    assert "userIds or userGroupIds" in api.error("POST", path, 400, json={"role": "VIEWER"})
    api.ok("POST", path, json={"role": "VIEWER", "userIds": [user]})
    api.ok("PATCH", path, json={"role": "EDITOR", "userIds": [user]})
    permits = api.ok("GET", path, params={"userId": user})["permits"]
    # The documented FolderPermit shape (live findings 19, 21): the role sits under `direct`.
    assert permits == [
        {
            "id": user,
            "name": "Ana",
            "type": "user",
            "description": "Direct access",
            "direct": {"role": "EDITOR", "accessBoost": False, "isOwner": False},
        }
    ]
    api.ok("DELETE", path, json={"userIds": [user]})
    assert api.ok("GET", path, params={"userId": user})["permits"] == []


def test_the_owner_reads_as_a_permit_with_is_owner(api, emu):
    folder = make(api, "Mine")["id"]
    (owner,) = api.ok("GET", f"{F}/{folder}{P}")["permits"]
    assert (owner["id"], owner["type"]) == (emu.admin_user_id, "user")
    assert owner["direct"] == {"role": "MANAGER", "accessBoost": False, "isOwner": True}


def _group(api, name="Analysts"):
    return api.ok("POST", "/api/scim/v2/Groups", 201, json={"displayName": name})


def _group_permit(api, folder):
    return next(p for p in api.ok("GET", f"{F}/{folder}{P}")["permits"] if p["type"] != "user")


def test_a_group_permit_names_the_group_by_its_full_uuid(api, emu):
    # Live finding 19: a permit's id for a group is its full UUID, not its SCIM miniUuid.
    group = _group(api)
    folder = make(api, "Shared")["id"]
    api.ok("POST", f"{F}/{folder}{P}", json={"role": "VIEWER", "userGroupIds": [group["id"]]})
    permit = _group_permit(api, folder)
    full = emu.state.groups[group["id"]]["uuid"]
    assert (permit["id"], permit["name"], permit["type"]) == (full, "Analysts", "userGroup")
    assert permit["id"] != group["id"] and len(permit["id"]) == 36
    # Writes take either id: revoking by the full UUID removes the grant made by miniUuid.
    api.ok("DELETE", f"{F}/{folder}{P}", json={"userGroupIds": [full]})
    assert [p["type"] for p in api.ok("GET", f"{F}/{folder}{P}")["permits"]] == ["user"]


def test_spec_only_a_group_permit_names_the_scim_id(spec_api):
    group = _group(spec_api)
    folder = make(spec_api, "Shared")["id"]
    spec_api.ok("POST", f"{F}/{folder}{P}", json={"role": "VIEWER", "userGroupIds": [group["id"]]})
    assert _group_permit(spec_api, folder)["id"] == group["id"]


def test_a_grant_on_a_parent_reads_as_inherited_without_direct(api, emu):
    user = emu.seed_user("ana@example.com", "Ana")
    parent = make(api, "Finance")["id"]
    child = make(api, "Reports", parent)["id"]
    api.ok("POST", f"{F}/{parent}{P}", json={"role": "EDITOR", "userIds": [user]})
    (inherited,) = api.ok("GET", f"{F}/{child}{P}", params={"userId": user})["permits"]
    assert "direct" not in inherited
    assert inherited["description"] == "Inherited from finance"
    api.ok("POST", f"{F}/{child}{P}", json={"role": "VIEWER", "userIds": [user]})
    (own,) = api.ok("GET", f"{F}/{child}{P}", params={"userId": user})["permits"]
    assert own["direct"]["role"] == "VIEWER"


def test_organization_level_permissions(api, emu):
    folder = make(api, "Everyone")["id"]
    path = f"{F}/{folder}{P}"
    stored = emu.state.folders[folder]
    api.ok("PUT", path, json={"organizationRole": "VIEWER", "organizationAccessBoost": True})
    assert (stored["organizationRole"], stored["organizationAccessBoost"]) == ("VIEWER", True)
    api.ok("PUT", path, json={"organizationAccessBoost": False})
    assert (stored["organizationRole"], stored["organizationAccessBoost"]) == ("VIEWER", False)
    # null clears the role.
    api.ok("PUT", path, json={"organizationRole": None})
    assert stored["organizationRole"] is None
    assert api.error("PUT", path, 400, json={"organizationAccessBoost": True}) == (
        "Bad Request: organizationAccessBoost: AccessBoost needs an organization role that "
        "grants access"
    )
    assert api.error("PUT", path, 400, json={"organizationRole": "OWNER"}) == (
        "Bad Request: organizationRole: OWNER cannot be granted at the organization level"
    )
    assert "At least one of" in api.error("PUT", path, 400, json={})
    assert "Invalid enum value" in api.error("PUT", path, 400, json={"organizationRole": "BOSS"})
