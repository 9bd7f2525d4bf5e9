"""A connection's dbt configuration: one per connection, PUT replaces it whole, rotateKeys is an
action, a dialect or instance without dbt answers supportsDbt false, DELETE of none is 404."""

from __future__ import annotations

import pytest

CONFIG = {
    "sshUrl": "git@github.com:acme/dbt.git",
    "branch": "main",
    "autogenRelationships": True,
    "enableVirtualSchemas": False,
    "dbtVersion": "1.11",
    "enableSemanticLayer": True,
    "projectRootPath": "transform",
}


def dbt(connection: str) -> str:
    return f"/api/v1/connections/{connection}/dbt"


def test_put_configures_and_get_reads_it_back(api, connection):
    assert api.ok("GET", dbt(connection)) == {
        "supportsDbt": True,
        "message": "dbt not configured for this connection",
    }
    assert api.ok("PUT", dbt(connection), json=CONFIG) == {
        "success": True,
        "message": "dbt configuration updated successfully",
    }
    assert api.ok("GET", dbt(connection)) == {"supportsDbt": True, **CONFIG}


def test_put_replaces_the_whole_configuration(api, connection):
    api.ok("PUT", dbt(connection), json=CONFIG)
    required = {k: CONFIG[k] for k in ("sshUrl", "branch", "autogenRelationships")}
    api.ok("PUT", dbt(connection), json={**required, "enableVirtualSchemas": True})
    read = api.ok("GET", dbt(connection))
    # What the second PUT left out went back to its default, not kept from the first.
    assert (read["enableSemanticLayer"], read["projectRootPath"], read["dbtVersion"]) == (
        False,
        None,
        "Auto",
    )


def test_rotate_keys_is_an_action_never_read_back(api, emu, connection):
    api.ok("PUT", dbt(connection), json=CONFIG)
    key = emu.state.dbt_configs[connection]["deployKeyId"]
    api.ok("PUT", dbt(connection), json=CONFIG)
    assert emu.state.dbt_configs[connection]["deployKeyId"] == key  # kept across updates
    api.ok("PUT", dbt(connection), json={**CONFIG, "rotateKeys": True})
    assert emu.state.dbt_configs[connection]["deployKeyId"] != key
    assert "rotateKeys" not in api.ok("GET", dbt(connection))


def test_delete_unlinks_and_a_second_delete_is_404(api, connection):
    api.ok("PUT", dbt(connection), json=CONFIG)
    assert api.ok("DELETE", dbt(connection))["success"] is True
    assert api.error("DELETE", dbt(connection), 404) == "dbt not configured for this connection"
    assert "message" in api.ok("GET", dbt(connection))


def test_a_dialect_without_dbt_answers_supports_dbt_false(api):
    body = {"dialect": "mysql", "name": "M", "passwordUnencrypted": "pw", "host": "db"}
    mysql = api.ok("POST", "/api/v1/connections", 201, json=body)["data"]
    assert api.ok("GET", dbt(mysql)) == {
        "supportsDbt": False,
        "message": "dbt is not supported for mysql connections",
    }
    assert "not supported for mysql" in api.error("PUT", dbt(mysql), 400, json=CONFIG)


def test_an_instance_without_dbt_answers_supports_dbt_false(api, emu, connection):
    emu.dbt_dialects.clear()
    assert api.ok("GET", dbt(connection))["supportsDbt"] is False


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"dbtVersion": "1.9"}, "Unsupported dbt version '1.9'"),
        ({"projectRootPath": "/abs"}, "projectRootPath"),
        ({"projectRootPath": "a/../b"}, "projectRootPath"),
        ({"sshUrl": None}, "sshUrl: Expected string, received null"),
    ],
)
def test_put_refuses_bad_settings(api, connection, change, words):
    assert words in api.error("PUT", dbt(connection), 400, json={**CONFIG, **change})


def test_required_settings_and_unknown_connection(api, connection):
    detail = api.error("PUT", dbt(connection), 400, json={"sshUrl": "git@x:y.git"})
    assert detail.startswith("Bad Request: autogenRelationships: Required")
    missing = "00000000-0000-4000-8000-000000000000"
    assert api.error("GET", dbt(missing), 404) == "Connection not found"
    assert api.error("DELETE", dbt(missing), 404) == "Connection not found"


def test_an_empty_project_root_is_none(api, connection):
    api.ok("PUT", dbt(connection), json={**CONFIG, "projectRootPath": ""})
    assert api.ok("GET", dbt(connection))["projectRootPath"] is None
