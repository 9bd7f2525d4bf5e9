"""Labels: keyed by name regardless of case, 2-25 characters, delete refused while in use."""

from __future__ import annotations

L = "/api/v1/labels"


def test_create_returns_201_with_defaults(api):
    label = api.ok("POST", L, 201, json={"name": "Certified", "color": "#1a7f37"})
    assert label == {
        "name": "Certified",
        "verified": False,
        "homepage": False,
        "color": "#1a7f37",
        "description": None,
        "usage_count": 0,
    }
    assert api.ok("GET", L)["labels"] == [label]


def test_duplicate_name_in_any_case_conflicts(api):
    api.ok("POST", L, 201, json={"name": "Certified"})
    assert (
        api.error("POST", L, 409, json={"name": "CERTIFIED"})
        == "Label with this name already exists"
    )


def test_name_length_and_unknown_keys_are_validated(api):
    detail = api.error("POST", L, 400, json={"name": "x", "colour": "red"})
    assert detail == (
        "Bad Request: name: String must contain at least 2 character(s), "
        "formErrors: Unrecognized key(s) in object: 'colour'"
    )
    assert api.error("POST", L, 400, json={"name": "x" * 26}).endswith("at most 25 character(s)")
    assert api.error("POST", L, 400, json={}) == "Bad Request: name: Required"
    assert api.error("POST", L, 400, json={"name": 12}) == (
        "Bad Request: name: Expected string, received number"
    )


def test_get_by_name_is_case_insensitive_and_404s(api):
    api.ok("POST", L, 201, json={"name": "Q1 2024"})
    assert api.ok("GET", f"{L}/q1%202024")["name"] == "Q1 2024"
    assert api.error("GET", f"{L}/nope", 404) == 'Label "nope" not found'


def test_put_updates_and_renames(api):
    api.ok("POST", L, 201, json={"name": "Draft"})
    api.ok("POST", L, 201, json={"name": "Taken"})
    renamed = api.ok("PUT", f"{L}/draft", json={"name": "Reviewed", "verified": True})
    assert (renamed["name"], renamed["verified"]) == ("Reviewed", True)
    api.error("GET", f"{L}/Draft", 404)
    assert api.error("PUT", f"{L}/Reviewed", 409, json={"name": "taken"}) == (
        "Label with new name already exists"
    )
    assert api.ok("PUT", f"{L}/Reviewed", json={"name": "REVIEWED"})["name"] == "REVIEWED"


def test_delete_is_204_and_refused_while_used(api, emu):
    api.ok("POST", L, 201, json={"name": "Used"})
    board = emu.seed_dashboard("Sales")
    api.ok("PUT", f"/api/v1/documents/{board}/labels/used", 204)
    assert api.ok("GET", f"{L}/Used")["usage_count"] == 1
    assert (
        api.error("DELETE", f"{L}/Used", 409) == "Cannot delete label that is applied to documents"
    )
    api.ok("DELETE", f"/api/v1/documents/{board}/labels/Used", 204)
    api.ok("DELETE", f"{L}/used", 204)
    api.error("DELETE", f"{L}/used", 404)


def test_use_label_helper_and_rename_keeps_usage(api, emu):
    api.ok("POST", L, 201, json={"name": "Core"})
    emu.use_label("core")
    api.ok("PUT", f"{L}/Core", json={"name": "Core KPIs"})
    assert api.ok("GET", f"{L}/core%20kpis")["usage_count"] == 1


def test_document_label_endpoints_need_existing_objects(api, emu):
    board = emu.seed_dashboard()
    assert (
        api.error("PUT", f"/api/v1/documents/{board}/labels/ghost", 404)
        == 'Label "ghost" not found'
    )
    api.ok("POST", L, 201, json={"name": "Real"})
    assert "not found" in api.error("PUT", "/api/v1/documents/nope/labels/Real", 404)
