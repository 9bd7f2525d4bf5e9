"""Models, refresh jobs, git configuration and user-group model roles."""

from __future__ import annotations

import pytest

from .conftest import Api, refresh_schema

M = "/api/v1/models"
MISSING = "00000000-0000-4000-8000-000000000000"


def test_one_schema_model_per_connection_and_shared_needs_one(api):
    body = {"dialect": "postgres", "name": "pg", "passwordUnencrypted": "pw", "host": "db"}
    connection = api.ok("POST", "/api/v1/connections", 201, json=body)["data"]
    shared = {"connectionId": connection, "modelKind": "SHARED", "modelName": "A"}
    assert api.error("POST", M, 400, json=shared) == (
        "Bad Request: Schema model does not exist when creating a non-schema model"
    )
    made = api.ok("POST", M, json={"connectionId": connection})
    assert made == {
        "success": True,
        "model": {"id": made["model"]["id"], "modelKind": "SCHEMA", "name": "pg"},
    }
    assert api.error("POST", M, 400, json={"connectionId": connection, "modelKind": "SCHEMA"}) == (
        "Bad Request: Schema model already exists for the connection"
    )
    refresh_schema(api, made["model"]["id"])
    assert api.ok("POST", M, json=shared)["model"]["modelKind"] == "SHARED"
    assert "does not exist" in api.error("POST", M, 404, json={"connectionId": MISSING})


def test_query_and_extension_models_need_an_existing_base(api, connection, shared_model):
    query = {"connectionId": connection, "modelKind": "QUERY", "modelName": "Q"}
    assert (
        api.error("POST", M, 400, json=query)
        == "Bad Request: baseModelId: Required for QUERY models"
    )
    assert "does not exist" in api.error("POST", M, 404, json={**query, "baseModelId": MISSING})
    made = api.ok("POST", M, json={**query, "baseModelId": shared_model})["model"]
    records = api.ok("GET", M, params={"baseModelId": shared_model})["records"]
    assert [r["id"] for r in records] == [made["id"]]


def test_list_filters_and_cursor_pagination(api, connection, shared_model):
    by_id = api.ok("GET", M, params={"modelId": shared_model})["records"]
    assert [(r["id"], r["name"], r["modelKind"]) for r in by_id] == [
        (shared_model, "Analytics", "SHARED")
    ]
    kinds = api.ok("GET", M, params={"connectionId": connection, "modelKind": "SCHEMA"})["records"]
    assert len(kinds) == 1
    first = api.ok("GET", M, params={"pageSize": 1, "sortField": "name", "sortDirection": "asc"})
    assert first["pageInfo"]["hasNextPage"] is True
    second = api.ok(
        "GET",
        M,
        params={
            "pageSize": 1,
            "sortField": "name",
            "sortDirection": "asc",
            "cursor": first["pageInfo"]["nextCursor"],
        },
    )
    assert second["pageInfo"]["hasNextPage"] is False
    assert {first["records"][0]["id"], second["records"][0]["id"]} == {shared_model, kinds[0]["id"]}
    assert (
        api.error("GET", M, 400, params={"cursor": "garbage!"})
        == "Bad Request: cursor: Invalid cursor"
    )
    assert "Invalid enum value" in api.error("GET", M, 400, params={"modelKind": "TOPIC"})


def test_rename_renames_but_answers_with_empty_fields_as_live_omni_does(api, shared_model):
    # Live finding 14: the rename happens; the answer's fields come back empty.
    assert api.ok("PATCH", f"{M}/{shared_model}", json={"name": "Renamed"}) == {
        "success": True,
        "model": {"id": "", "name": ""},
    }
    assert api.ok("GET", M, params={"modelId": shared_model})["records"][0]["name"] == "Renamed"
    assert api.error("PATCH", f"{M}/{shared_model}", 400, json={"name": ""}).startswith(
        "Bad Request: name:"
    )
    api.error("PATCH", f"{M}/{MISSING}", 404, json={"name": "x"})


@pytest.fixture
def spec_api(emu):
    """The same emulator, answering as the spec alone reads."""
    emu.spec_only = True
    return Api(emu, emu.api_key)


def test_spec_only_rename_answers_with_the_model(spec_api, shared_model):
    assert spec_api.ok("PATCH", f"{M}/{shared_model}", json={"name": "Renamed"}) == {
        "success": True,
        "model": {"id": shared_model, "name": "Renamed"},
    }


def _connection(api, name="Warehouse"):
    body = {"dialect": "postgres", "name": name, "passwordUnencrypted": "pw", "host": "db"}
    return api.ok("POST", "/api/v1/connections", 201, json=body)["data"]


def test_a_schema_model_is_named_after_its_connection(api):
    # Live finding 31: whatever modelName asks for.
    connection = _connection(api, "Snowflake (prod)")
    made = api.ok("POST", M, json={"connectionId": connection, "modelName": "schema"})["model"]
    assert made["name"] == "Snowflake (prod)"


def test_spec_only_a_schema_model_takes_the_name_asked_for(spec_api):
    connection = _connection(spec_api)
    made = spec_api.ok("POST", M, json={"connectionId": connection, "modelName": "schema"})
    assert made["model"]["name"] == "schema"


def test_shared_models_get_a_bare_404_until_the_schema_is_refreshed(api, emu):
    # Live findings 29 and 33: create only registers the schema model; shared and extension
    # models are refused with a 404 and no body until its first refresh has completed.
    connection = _connection(api)
    schema = api.ok("POST", M, json={"connectionId": connection})["model"]["id"]
    shared = {"connectionId": connection, "modelKind": "SHARED", "modelName": "A"}
    refused = api.post(M, json=shared)
    assert (refused.status_code, refused.content) == (404, b"")
    job = api.ok("POST", f"{M}/{schema}/refresh")["jobId"]
    assert api.ok("GET", f"/api/v1/jobs/{job}/status")["status"] == "IN_PROGRESS"
    assert api.post(M, json=shared).status_code == 404, "still refreshing"
    assert api.ok("GET", f"/api/v1/jobs/{job}/status")["status"] == "COMPLETED"
    made = api.ok("POST", M, json=shared)["model"]["id"]
    extension = {**shared, "modelKind": "SHARED_EXTENSION", "baseModelId": made}
    assert api.ok("POST", M, json=extension)["model"]["modelKind"] == "SHARED_EXTENSION"


def test_a_failed_refresh_leaves_the_schema_unbuilt(api, emu):
    connection = _connection(api)
    schema = api.ok("POST", M, json={"connectionId": connection})["model"]["id"]
    emu.job_polls_in_progress, emu.job_outcome = 0, "FAILED"
    job = api.ok("POST", f"{M}/{schema}/refresh")["jobId"]
    assert api.ok("GET", f"/api/v1/jobs/{job}/status")["status"] == "FAILED"
    shared = {"connectionId": connection, "modelKind": "SHARED", "modelName": "A"}
    assert api.post(M, json=shared).status_code == 404


def test_spec_only_shared_models_need_only_an_existing_schema_model(spec_api):
    connection = _connection(spec_api)
    spec_api.ok("POST", M, json={"connectionId": connection})
    shared = {"connectionId": connection, "modelKind": "SHARED", "modelName": "A"}
    assert spec_api.ok("POST", M, json=shared)["model"]["modelKind"] == "SHARED"


def test_delete_archives_a_shared_model_with_its_extensions_and_git(api, emu, shared_model):
    # docs.omni.co "Archive shared or extension model"; finding 32 for the SCHEMA refusal.
    connection = emu.state.models[shared_model]["connectionId"]
    extension = {
        "connectionId": connection,
        "modelKind": "SHARED_EXTENSION",
        "modelName": "Ext",
        "baseModelId": shared_model,
    }
    child = api.ok("POST", M, json=extension)["model"]["id"]
    api.ok("POST", f"{M}/{shared_model}/git", 201, json={"sshUrl": "git@github.com:a/b.git"})
    assert api.ok("DELETE", f"{M}/{shared_model}") == {"success": True}
    for gone in (shared_model, child):
        assert api.ok("GET", M, params={"modelId": gone})["records"] == []
        trashed = api.ok("GET", M, params={"modelId": gone, "includeDeleted": "true"})
        assert trashed["records"][0]["deletedAt"]
    assert shared_model not in emu.state.git_configs
    api.error("DELETE", f"{M}/{shared_model}", 404)
    api.error("DELETE", f"{M}/{MISSING}", 404)


def test_delete_archives_an_extension_alone(api, emu, shared_model):
    connection = emu.state.models[shared_model]["connectionId"]
    extension = {
        "connectionId": connection,
        "modelKind": "SHARED_EXTENSION",
        "modelName": "Ext",
        "baseModelId": shared_model,
    }
    child = api.ok("POST", M, json=extension)["model"]["id"]
    api.ok("DELETE", f"{M}/{child}")
    assert api.ok("GET", M, params={"modelId": shared_model})["records"] != []


def test_delete_refuses_a_schema_model(api, connection):
    schema = api.ok("GET", M, params={"connectionId": connection, "modelKind": "SCHEMA"})
    schema_id = schema["records"][0]["id"]
    assert "Cannot delete a model with kind SCHEMA" in api.error("DELETE", f"{M}/{schema_id}", 400)
    assert api.ok("GET", M, params={"modelId": schema_id})["records"] != []


def test_refresh_job_goes_in_progress_then_completed(api, emu, connection):
    schema = api.ok("GET", M, params={"connectionId": connection})["records"][0]["id"]
    job = api.ok("POST", f"{M}/{schema}/refresh")
    assert (job["modelId"], job["status"]) == (schema, "running")
    status = f"/api/v1/jobs/{job['jobId']}/status"
    assert api.ok("GET", status)["status"] == "IN_PROGRESS"
    assert api.ok("GET", status) == {
        "job_id": job["jobId"],
        "job_type": "REFRESH_SCHEMA",
        "status": "COMPLETED",
    }
    emu.job_polls_in_progress, emu.job_outcome = 0, "FAILED"
    failed = api.ok(
        "POST", f"{M}/{schema}/refresh", params={"hard_refresh": "false", "schemas": "public"}
    )
    assert api.ok("GET", f"/api/v1/jobs/{failed['jobId']}/status")["status"] == "FAILED"
    detail = api.error("POST", f"{M}/{schema}/refresh", 400, params={"tables": "orders"})
    assert "hard_refresh=false" in detail
    api.error("GET", "/api/v1/jobs/nope/status", 404)


# --- git configuration ----------------------------------------------------------------------


def test_git_config_lifecycle(api, shared_model):
    path = f"{M}/{shared_model}/git"
    api.error("GET", path, 404)
    body = {
        "sshUrl": "git@github.com:acme/model.git",
        "requirePullRequest": "users-only",
        "deployKeyPassphrase": "pass",
    }
    made = api.ok("POST", path, 201, json=body)
    assert made["publicKey"].startswith("ssh-ed25519 ")
    assert (made["gitServiceProvider"], made["authMethod"], made["baseBranch"]) == (
        "github",
        "ssh",
        "main",
    )
    assert made["webhookUrl"].endswith(shared_model)
    assert "webhookSecret" not in made and "deployKeyPassphrase" not in made
    assert (
        api.error("POST", path, 409, json=body)
        == "Conflict: Git configuration already exists for this model"
    )
    with_secret = api.ok("GET", path, params={"include": "webhookSecret"})
    assert len(with_secret["webhookSecret"]) == 40
    assert "webhookSecret" not in api.ok("GET", path)
    patched = api.ok("PATCH", path, json={"baseBranch": "release", "gitFollower": True})
    assert (patched["baseBranch"], patched["gitFollower"], patched["publicKey"]) == (
        "release",
        True,
        made["publicKey"],
    )
    own_key = api.ok(
        "PATCH", path, json={"deployPrivateKey": "-----BEGIN OPENSSH PRIVATE KEY-----x"}
    )
    assert own_key["publicKey"] != made["publicKey"]
    assert api.ok("DELETE", path)["success"] is True
    api.error("DELETE", path, 404)


def test_git_https_token_and_validation(api, shared_model):
    path = f"{M}/{shared_model}/git"
    https = {"cloneUrl": "https://gitlab.com/acme/model.git", "authMethod": "https_token"}
    assert (
        api.error("POST", path, 400, json=https)
        == "Bad Request: token is required when authMethod is https_token"
    )
    made = api.ok("POST", path, 201, json={**https, "token": "glpat-abc_123"})
    assert (made["publicKey"], made["gitServiceProvider"]) == (None, "gitlab")
    assert "token" not in made


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Bad Request: sshUrl is required"),
        ({"sshUrl": "not a url"}, "Bad Request: Invalid sshUrl format"),
        (
            {"sshUrl": "git@github.com:a/b.git", "requirePullRequest": "sometimes"},
            "Invalid enum value",
        ),
    ],
)
def test_git_create_validation(api, shared_model, body, message):
    assert message in api.error("POST", f"{M}/{shared_model}/git", 400, json=body)


# --- user-group model roles -----------------------------------------------------------------


def test_group_model_roles_upsert_and_read(api, emu, connection, shared_model):
    group = api.ok("POST", "/api/scim/v2/Groups", 201, json={"displayName": "Analysts"})["id"]
    path = f"/api/v1/user-groups/{group}/model-roles"
    assigned = api.ok("POST", path, json={"modelId": shared_model, "roleName": "VIEWER"})
    assert assigned == {
        "userGroupId": group,
        "connectionId": connection,
        "modelId": shared_model,
        "roleName": "VIEWER",
    }
    api.ok("POST", path, json={"modelId": shared_model, "roleName": "QUERIER"})
    results = api.ok("GET", path, params={"modelId": shared_model})["results"]
    assert [(r["roleName"], r["from"]["type"]) for r in results] == [("QUERIER", "Group Role")]
    assert (
        api.error("POST", path, 422, json={"modelId": shared_model, "roleName": "BOSS"})
        == "Invalid role"
    )
    assert (
        api.error("POST", path, 400, json={"roleName": "VIEWER"})
        == "Bad Request: connectionId or modelId required"
    )
    schema = api.ok("GET", M, params={"connectionId": connection, "modelKind": "SCHEMA"})[
        "records"
    ][0]["id"]
    assert "Only shared" in api.error(
        "POST", path, 422, json={"modelId": schema, "roleName": "VIEWER"}
    )
    api.error(
        "POST",
        "/api/v1/user-groups/nope/model-roles",
        404,
        json={"modelId": shared_model, "roleName": "VIEWER"},
    )
