"""Folders: generated paths, 7 levels, scope inheritance, path filters, delete rules, permissions."""

from __future__ import annotations

F = "/api/v1/folders"


def make(api, name, parent=None, **extra):
    body = {"name": name, **extra}
    if parent:
        body["parentFolderId"] = parent
    return api.ok("POST", F, 201, json=body)


def test_create_generates_path_and_owner(api, emu):
    root = make(api, "Finance Team")
    assert root["path"] == "finance-team"
    assert root["scope"] == "organization"
    assert root["ownerId"] == emu.admin_user_id
    child = make(api, "Reports", root["id"])
    assert child["path"] == "finance-team/reports"
    assert make(api, "Reports", root["id"])["path"] == "finance-team/reports-1"


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
        "path": "a",
    }
    api.ok("PATCH", f"{F}/{a['id']}", json={"path": "alpha"})
    assert api.ok("GET", F, params={"path": "alpha/*"})["records"][0]["id"] == b["id"]
    assert api.error("PATCH", f"{F}/{a['id']}", 409, json={"path": "taken"}) == (
        "Path conflicts with an existing folder"
    )
    resolved = api.ok(
        "PATCH", f"{F}/{a['id']}", json={"path": "taken", "resolvePathConflict": True}
    )
    assert resolved["path"] == "taken-1"
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


def test_permissions_grant_update_revoke(api, emu):
    folder = make(api, "Shared")["id"]
    user = emu.seed_user("ana@example.com", "Ana")
    path = f"{F}/{folder}/permissions"
    assert "userIds or userGroupIds" in api.error("POST", path, 400, json={"role": "VIEWER"})
    api.ok("POST", path, json={"role": "VIEWER", "userIds": [user]})
    api.ok("PATCH", path, json={"role": "EDITOR", "userIds": [user]})
    permits = api.ok("GET", path, params={"userId": user})["permits"]
    assert permits == [{"userId": user, "role": "EDITOR", "accessBoost": False}]
    api.ok("DELETE", path, json={"userIds": [user]})
    assert api.ok("GET", path)["permits"] == []
