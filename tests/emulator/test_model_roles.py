"""Model roles of users and groups as documented and seen live: `results`, `from.type`, inherited
roles and the resolved one, POST as an upsert."""

from __future__ import annotations

import pytest

G = "/api/scim/v2/Groups"


def user_path(user: str) -> str:
    return f"/api/v1/users/{user}/model-roles"


def group_path(group: str) -> str:
    return f"/api/v1/user-groups/{group}/model-roles"


@pytest.fixture
def ana(emu):
    return emu.seed_user("ana@example.com", "Ana")


def test_a_user_role_is_an_upsert_read_in_results(api, ana, connection, shared_model):
    path = user_path(ana)
    assigned = api.ok("POST", path, json={"modelId": shared_model, "roleName": "VIEWER"})
    assert assigned == {
        "membershipId": ana,
        "connectionId": connection,
        "modelId": shared_model,
        "roleName": "VIEWER",
    }
    api.ok("POST", path, json={"modelId": shared_model, "roleName": "MODELER"})
    read = api.ok("GET", path, params={"modelId": shared_model})
    assert read["membershipId"] == ana
    direct = [r for r in read["results"] if r["from"]["type"] == "User Role"]
    assert [(r["roleName"], r["resolved"]) for r in direct] == [("MODELER", True)]


def test_a_user_read_includes_group_and_connection_base_roles(api, ana, shared_model):
    group = api.ok("POST", G, 201, json={"displayName": "Analysts", "members": [{"value": ana}]})
    api.ok("POST", group_path(group["id"]), json={"modelId": shared_model, "roleName": "VIEWER"})
    results = api.ok("GET", user_path(ana), params={"modelId": shared_model})["results"]
    origins = {r["from"]["type"]: r for r in results}
    assert set(origins) == {"Group Role", "Connection Base Role"}
    assert origins["Group Role"]["from"] == {
        "type": "Group Role",
        "miniUuid": group["id"],
        "name": "Analysts",
        "depth": 0,
    }
    # The connection's base role (QUERIER by default) outranks the group's VIEWER.
    base = origins["Connection Base Role"]
    assert (base["roleName"], base["resolved"]) == ("QUERIER", True)
    assert origins["Group Role"]["resolved"] is False


def test_no_access_does_not_revoke_what_a_higher_base_role_gives(api, ana, shared_model):
    # Live finding 11: a direct NO_ACCESS (priority 0) loses to the base role (150).
    api.ok("POST", user_path(ana), json={"modelId": shared_model, "roleName": "NO_ACCESS"})
    results = api.ok("GET", user_path(ana), params={"modelId": shared_model})["results"]
    by_type = {r["from"]["type"]: r for r in results}
    assert (by_type["User Role"]["priority"], by_type["User Role"]["resolved"]) == (0, False)
    assert (
        by_type["Connection Base Role"]["priority"],
        by_type["Connection Base Role"]["resolved"],
    ) == (150, True)


def test_a_group_read_wraps_entries_in_results(api, shared_model):
    group = api.ok("POST", G, 201, json={"displayName": "Analysts"})["id"]
    api.ok("POST", group_path(group), json={"modelId": shared_model, "roleName": "QUERIER"})
    read = api.ok("GET", group_path(group))
    assert read["userGroupId"] == group
    assert [(r["roleName"], r["priority"], r["from"]["type"]) for r in read["results"]] == [
        ("QUERIER", 150, "Group Role")
    ]


def test_spec_only_spells_the_origin_as_the_sdk_spec_enum(spec_api, spec_emu, shared_model_spec):
    ana = spec_emu.seed_user("ana@example.com", "Ana")
    spec_api.ok("POST", user_path(ana), json={"modelId": shared_model_spec, "roleName": "VIEWER"})
    results = spec_api.ok("GET", user_path(ana))["results"]
    assert {r["from"]["type"] for r in results} == {"USER", "BASE"}


def test_unknown_user_is_404(api, shared_model):
    missing = "00000000-0000-4000-8000-000000000000"
    body = {"modelId": shared_model, "roleName": "VIEWER"}
    assert api.error("POST", user_path(missing), 404, json=body) == "User not found in organization"
    assert api.error("GET", user_path("not-a-uuid"), 400) == "Bad Request: id: Invalid uuid"


@pytest.fixture
def shared_model_spec(spec_api) -> str:
    body = {"dialect": "postgres", "name": "W", "passwordUnencrypted": "pw", "host": "db"}
    connection = spec_api.ok("POST", "/api/v1/connections", 201, json=body)["data"]
    spec_api.ok("POST", "/api/v1/models", json={"connectionId": connection, "modelKind": "SCHEMA"})
    shared = {"connectionId": connection, "modelKind": "SHARED", "modelName": "A"}
    return spec_api.ok("POST", "/api/v1/models", json=shared)["model"]["id"]


def test_the_user_path_takes_the_scim_user_id_as_the_membership_id(api, ana, shared_model):
    # Omni's docs assign a role with the id their SCIM "Create a user" example returns: a SCIM
    # user's `id` is the membership id the path takes and `membershipId` answers.
    scim_id = next(
        u["id"]
        for u in api.ok("GET", "/api/scim/v2/Users")["Resources"]
        if u["userName"] == "ana@example.com"
    )
    api.ok("POST", user_path(scim_id), json={"modelId": shared_model, "roleName": "QUERIER"})
    assert api.ok("GET", user_path(scim_id))["membershipId"] == scim_id == ana
