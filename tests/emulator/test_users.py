"""SCIM users (create, PUT resets what it omits, PATCH, 409 on a taken email, attributes under
Omni's extension, never ``omni_*``) and user attribute definitions (docs-only writes)."""

from __future__ import annotations

U = "/api/scim/v2/Users"
A = "/api/v1/user-attributes"
EXT = "urn:omni:params:1.0:UserAttribute"
ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def test_user_lifecycle(api, emu):
    body = {
        "userName": "ana@example.com",
        "displayName": "Ana",
        EXT: {"region": "emea", "omni_user_email": "x"},
    }
    user = api.ok("POST", U, 201, json=body)
    assert (user["active"], user[EXT]) == (True, {"region": "emea"})  # omni_* never kept
    assert api.error("POST", U, 409, json={**body, "userName": "ANA@example.com"}) == (
        "User with this email already exists"
    )
    assert api.ok("GET", f"{U}/{user['id']}") == user
    found = api.ok("GET", U, params={"filter": 'userName eq "ana@example.com"'})
    assert [u["id"] for u in found["Resources"]] == [user["id"]]

    patched = api.ok(
        "PATCH",
        f"{U}/{user['id']}",
        json={
            "schemas": [PATCH],
            "Operations": [
                {"op": "replace", "value": {"active": False}},
                {"op": "replace", "path": f"{EXT}:team", "value": "data"},
            ],
        },
    )
    assert (patched["active"], patched[EXT]) == (False, {"region": "emea", "team": "data"})

    put = {"userName": "ana@example.com", ENT: {"department": "Finance"}}
    replaced = api.ok("PUT", f"{U}/{user['id']}", json=put)
    # A PUT resets what it omits: active back to true, attributes emptied, the name to the email.
    assert (replaced["active"], replaced[EXT], replaced["displayName"]) == (
        True,
        {},
        "ana@example.com",
    )
    assert replaced[ENT] == {"department": "Finance"}

    api.ok("DELETE", f"{U}/{user['id']}", 204)
    assert api.error("GET", f"{U}/{user['id']}", 404) == "User not found"


def test_an_unsupported_patch_path_is_refused(api, emu):
    user_id = emu.seed_user("bo@example.com")
    detail = api.error(
        "PATCH",
        f"{U}/{user_id}",
        400,
        json={"schemas": [PATCH], "Operations": [{"op": "replace", "path": "nick", "value": "x"}]},
    )
    assert detail == "Bad Request: Operations.0.path: Unsupported path 'nick'"


def test_attribute_definitions(api, emu):
    listed = api.ok("GET", A)["records"]
    assert all(r["system"] and r["id"] == "" for r in listed)
    made = api.ok("POST", A, 201, json={"name": "region", "label": "Region", "type": "String"})
    assert made["multiple_values"] is False and made["system"] is False
    assert api.error("POST", A, 409, json={"name": "REGION", "label": "R2", "type": "String"}) == (
        "User attribute with this name already exists"
    )
    assert api.error("POST", A, 400, json={"name": "omni_x", "label": "X", "type": "String"}) == (
        "Bad Request: name: Must start with a letter, contain only letters, numbers and "
        "underscores, and must not start with omni_"
    )
    assert api.error("POST", A, 400, json={"name": "x", "label": "Host", "type": "String"}) == (
        "Bad Request: label: Label 'Host' is reserved"
    )
    item = f"{A}/{made['id']}"
    assert api.error("PUT", item, 400, json={"type": "Number"}) == (
        "Bad Request: type: The type of a user attribute cannot be changed"
    )
    updated = api.ok("PUT", item, json={"multiple_values": True, "default_value": ["a", "b"]})
    assert (updated["multiple_values"], updated["default_value"]) == (True, ["a", "b"])
    assert api.error("PUT", item, 400, json={"multiple_values": False}) == (
        "Bad Request: multiple_values: A multiple-values attribute cannot be changed back to a "
        "single value"
    )
    user = api.ok(
        "POST", U, 201, json={"userName": "c@example.com", "displayName": "C", EXT: {"region": "x"}}
    )
    api.ok("DELETE", item, 204)
    # Deleting a definition wipes every user's value (docs).
    assert api.ok("GET", f"{U}/{user['id']}")[EXT] == {}
    assert api.error("DELETE", item, 404) == "User attribute not found"


def test_an_instance_without_the_docs_only_writes(api, emu):
    emu.user_attribute_writes_enabled = False
    assert api.error("POST", A, 405, json={"name": "r", "label": "R", "type": "String"}) == (
        "Method Not Allowed"
    )
    missing = f"{A}/00000000-0000-4000-8000-000000000000"
    assert api.error("PUT", missing, 404, json={"label": "X"}) == "Not Found"
    assert api.error("DELETE", missing, 404) == "Not Found"
    assert api.ok("GET", A)["records"]
