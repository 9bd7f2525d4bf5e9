"""SCIM user groups and users: organization keys only, seeded members, PATCH (live: no PUT)."""

from __future__ import annotations

G = "/api/scim/v2/Groups"


def test_group_lifecycle(api, emu):
    ana, bo = emu.seed_user("ana@example.com", "Ana"), emu.seed_user("bo@example.com", "Bo")
    group = api.ok("POST", G, 201, json={"displayName": "Analysts", "members": [{"value": ana}]})
    assert group["members"] == [{"value": ana, "display": "Ana"}]
    assert len(group["id"]) == 8
    assert (
        api.error("POST", G, 409, json={"displayName": "analysts"})
        == "Group with this name already exists"
    )
    replaced = api.ok(
        "PATCH",
        f"{G}/{group['id']}",
        json={
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "members", "value": [{"value": bo}]}],
        },
    )
    assert [m["value"] for m in replaced["members"]] == [bo]
    patch = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [
            {"op": "add", "path": "members", "value": [{"value": ana}]},
            {"op": "remove", "path": f'members[value eq "{bo}"]'},
            {"op": "replace", "value": {"displayName": "Data Analysts"}},
        ],
    }
    patched = api.ok("PATCH", f"{G}/{group['id']}", json=patch)
    assert (patched["displayName"], [m["value"] for m in patched["members"]]) == (
        "Data Analysts",
        [ana],
    )
    assert api.ok("GET", f"{G}/{group['id']}") == patched
    api.ok("DELETE", f"{G}/{group['id']}", 204)
    api.error("GET", f"{G}/{group['id']}", 404)


def test_members_must_be_seeded_users(api):
    missing = "00000000-0000-4000-8000-000000000000"
    detail = api.error("POST", G, 400, json={"displayName": "X", "members": [{"value": missing}]})
    assert detail == "Bad Request: members.0.value: User not found in organization"


def test_list_pages_filters_and_excludes_members(api, emu):
    for name in ("A", "B", "C"):
        api.ok("POST", G, 201, json={"displayName": name})
    page = api.ok("GET", G, params={"startIndex": "2", "count": "1"})
    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (3, 2, 1)
    assert page["Resources"][0]["displayName"] == "B"
    found = api.ok(
        "GET", G, params={"filter": 'displayName eq "c"', "excludedAttributes": "members"}
    )
    assert [g["displayName"] for g in found["Resources"]] == ["C"]
    assert "members" not in found["Resources"][0]


def test_personal_access_token_is_refused(emu, api):
    from .conftest import Api

    emu.add_api_key("pat-key", org=False)
    pat = Api(emu, "pat-key")
    assert pat.error("GET", G, 403) == "Forbidden: this endpoint requires an organization API key"
    assert pat.ok("GET", "/api/v1/labels") == {"labels": []}


def test_users_are_listed_and_read(api, emu):
    ana = emu.seed_user("ana@example.com", "Ana")
    users = api.ok("GET", "/api/scim/v2/Users", params={"filter": 'userName eq "ana@example.com"'})
    assert users["Resources"] == [
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "id": ana,
            "userName": "ana@example.com",
            "displayName": "Ana",
            "active": True,
            "urn:omni:params:1.0:UserAttribute": {},
        }
    ]
    assert api.ok("GET", f"/api/scim/v2/Users/{ana}")["userName"] == "ana@example.com"
    api.error("GET", "/api/scim/v2/Users/00000000-0000-4000-8000-000000000000", 404)


REPLACE = {"displayName": "Analysts", "members": []}


def test_live_put_is_refused_even_for_a_well_formed_body(api):
    # Live finding 13: SCIM PUT answers `members: Required` whatever the body; PATCH works.
    group = api.ok("POST", G, 201, json={"displayName": "Analysts"})
    detail = api.error("PUT", f"{G}/{group['id']}", 400, json=REPLACE)
    assert detail == "Bad Request: members: Required"
    patch = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [
            {"op": "replace", "path": "displayName", "value": "Data analysts"},
            {"op": "replace", "path": "members", "value": []},
        ],
    }
    assert api.ok("PATCH", f"{G}/{group['id']}", json=patch)["displayName"] == "Data analysts"


def test_spec_only_put_replaces_the_members(spec_api, spec_emu):
    bo = spec_emu.seed_user("bo@example.com", "Bo")
    group = spec_api.ok("POST", G, 201, json={"displayName": "Analysts"})
    body = {"displayName": "Analysts", "members": [{"value": bo, "display": "Bo"}]}
    replaced = spec_api.ok("PUT", f"{G}/{group['id']}", json=body)
    assert [m["value"] for m in replaced["members"]] == [bo]


def test_a_group_has_a_scim_id_and_a_full_uuid(api, emu):
    group = api.ok("POST", G, 201, json={"displayName": "Analysts"})
    stored = emu.state.groups[group["id"]]
    assert len(group["id"]) == 8 and len(stored["uuid"]) == 36
