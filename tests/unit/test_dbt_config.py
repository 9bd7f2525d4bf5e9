"""DbtConfig: one per connection, PUT replaces it whole, rotate_keys_trigger is an action, a
connection without dbt is a clear error at create, DELETE 404 counts as gone."""

from __future__ import annotations

import pytest
import responses

from omni_pulumi.provider import OmniResourceError
from omni_pulumi.resources.dbt_config import DbtConfigSpec
from tests.unit.conftest import BASE_URL, configured
from tests.unit.omni_steps import PICKLED, check, create, sent, update

CONNECTION = "11111111-1111-1111-1111-111111111111"
DBT = f"{BASE_URL}/api/v1/connections/{CONNECTION}/dbt"
DBT_PATH = f"/api/v1/connections/{CONNECTION}/dbt"
ARGS = {
    "connection_id": CONNECTION,
    "ssh_url": "git@github.com:acme/dbt.git",
    "branch": "main",
    "autogen_relationships": True,
    "project_root_path": "transform",
}
BODY = {
    "sshUrl": "git@github.com:acme/dbt.git",
    "branch": "main",
    "autogenRelationships": True,
    "enableVirtualSchemas": False,
    "enableSemanticLayer": False,
    "dbtVersion": None,
    "projectRootPath": "transform",
}
NOT_CONFIGURED = {"supportsDbt": True, "message": "dbt not configured for this connection"}
OK = {"success": True, "message": "dbt configuration updated successfully"}


def configured_answer(**changes) -> dict:
    read = {k: v for k, v in BODY.items() if k != "dbtVersion"}
    return {"supportsDbt": True, "dbtVersion": "Auto", **read, **changes}


@pytest.fixture
def provider():
    return configured(DbtConfigSpec())


@pytest.fixture
def made(api, provider):
    api.add(responses.GET, DBT, json=NOT_CONFIGURED)
    api.add(responses.PUT, DBT, json=OK)
    api.add(responses.GET, DBT, json=configured_answer())
    id_, outs = create(provider, **ARGS)
    api.calls.reset()
    return id_, outs


def test_create_checks_puts_everything_and_reads_back(api, provider):
    api.add(responses.GET, DBT, json=NOT_CONFIGURED)
    api.add(responses.PUT, DBT, json=OK)
    api.add(responses.GET, DBT, json=configured_answer())

    id_, outs = create(provider, **ARGS)

    assert sent(api) == [("GET", DBT_PATH, None), ("PUT", DBT_PATH, BODY), ("GET", DBT_PATH, None)]
    assert id_ == CONNECTION
    assert outs["dbt_version"] == "Auto"  # Omni's choice, read back
    assert outs["__provider"] == PICKLED


def test_a_connection_without_dbt_fails_at_create_naming_its_dialect(api, provider):
    api.add(
        responses.GET,
        DBT,
        json={"supportsDbt": False, "message": "dbt is not supported for mysql connections"},
    )
    connection = {"connection": {"id": CONNECTION, "dialect": "mysql", "name": "M"}}
    api.add(responses.GET, f"{BASE_URL}/api/v1/connections/{CONNECTION}", json=connection)

    with pytest.raises(OmniResourceError) as error:
        create(provider, **ARGS)

    message = str(error.value)
    assert message.startswith(f"DbtConfig for connection {CONNECTION}: ")
    assert "the mysql dialect" in message
    assert "dbt is not supported for mysql connections" in message
    assert "PUT" not in [m for m, _, _ in sent(api)]


def test_create_refuses_to_overwrite_an_existing_configuration(api, provider):
    api.add(responses.GET, DBT, json=configured_answer())

    with pytest.raises(OmniResourceError, match=f"adopt_id='{CONNECTION}'"):
        create(provider, **ARGS)

    assert [m for m, _, _ in sent(api)] == ["GET"]


def test_an_update_sends_every_setting_never_only_the_change(api, provider, made):
    id_, outs = made
    api.add(responses.PUT, DBT, json=OK)
    api.add(responses.GET, DBT, json=configured_answer(branch="release"))

    replaces, outs = update(provider, id_, outs, **{**ARGS, "branch": "release"})

    assert replaces == []
    assert sent(api)[0] == ("PUT", DBT_PATH, {**BODY, "branch": "release"})
    assert outs["branch"] == "release"


def test_changing_the_trigger_rotates_the_keys_once(api, provider, made):
    id_, outs = made
    api.add(responses.PUT, DBT, json=OK)
    api.add(responses.GET, DBT, json=configured_answer())
    api.add(responses.PUT, DBT, json=OK)
    api.add(responses.GET, DBT, json=configured_answer(branch="dev"))

    _, outs = update(provider, id_, outs, **ARGS, rotate_keys_trigger="2026-01")
    _, outs = update(
        provider, id_, outs, **{**ARGS, "branch": "dev"}, rotate_keys_trigger="2026-01"
    )

    puts = [body for m, _, body in sent(api) if m == "PUT"]
    assert puts[0] == {**BODY, "rotateKeys": True}
    assert "rotateKeys" not in puts[1]  # same trigger: no second rotation
    assert outs["rotate_keys_trigger"] == "2026-01"


def test_read_keeps_the_trigger_and_reports_drift(api, provider, made):
    id_, outs = made
    api.add(responses.GET, DBT, json=configured_answer(branch="hotfix"))

    result = provider.read(id_, {**outs, "rotate_keys_trigger": "x"})

    assert (result.outs["branch"], result.outs["rotate_keys_trigger"]) == ("hotfix", "x")


@pytest.mark.parametrize(
    ("answer", "status"),
    [(NOT_CONFIGURED, 200), ({"detail": "Connection not found", "status": 404}, 404)],
    ids=["unlinked", "connection-gone"],
)
def test_read_of_a_removed_configuration_returns_an_empty_id(api, provider, made, answer, status):
    id_, outs = made
    api.add(responses.GET, DBT, json=answer, status=status)

    assert provider.read(id_, outs).id == ""


def test_delete_and_a_404_delete_count_as_gone(api, provider, made):
    id_, outs = made
    api.add(responses.DELETE, DBT, json={"success": True, "message": "unlinked"})
    api.add(
        responses.DELETE,
        DBT,
        json={"detail": "dbt not configured for this connection", "status": 404},
        status=404,
    )

    provider.delete(id_, outs)
    provider.delete(id_, outs)

    assert sent(api) == [("DELETE", DBT_PATH, None)] * 2


def test_adoption_writes_the_whole_configuration_without_rotating(api, provider, capsys):
    api.add(responses.GET, DBT, json=configured_answer(branch="old"))
    api.add(responses.PUT, DBT, json=OK)
    api.add(responses.GET, DBT, json=configured_answer())

    id_, outs = create(provider, **ARGS, rotate_keys_trigger="t1", adopt_id=CONNECTION)

    assert [m for m, _, _ in sent(api)] == ["GET", "PUT", "GET"]
    assert sent(api)[1][2] == BODY  # everything, and no rotateKeys
    assert (id_, outs["branch"], outs["rotate_keys_trigger"]) == (CONNECTION, "main", "t1")
    assert "adopted existing DbtConfig" in capsys.readouterr().err


def test_adopting_an_unconfigured_connection_fails(api, provider):
    api.add(responses.GET, DBT, json=NOT_CONFIGURED)

    with pytest.raises(OmniResourceError, match=f"Cannot adopt DbtConfig '{CONNECTION}'"):
        create(provider, **ARGS, adopt_id=CONNECTION)


@pytest.mark.parametrize(
    ("args", "field", "words"),
    [
        ({"project_root_path": "/abs"}, "project_root_path", "no leading `/`"),
        ({"project_root_path": "a/../b"}, "project_root_path", "no `..`"),
        ({"dbt_version": "1.9"}, "dbt_version", "'Auto', '1.11' or '1.12'"),
        ({"ssh_url": ""}, "ssh_url", "at least 1 character"),
        ({"connection_id": "warehouse"}, "connection_id", "uuid"),
    ],
)
def test_check_names_the_argument_and_what_is_allowed(provider, args, field, words):
    result = provider.check({}, {"__provider": PICKLED, **ARGS, **args})

    assert [f.property for f in result.failures] == [field]
    assert f"DbtConfig.{field}" in result.failures[0].reason
    assert words in result.failures[0].reason


def test_changing_the_connection_replaces(provider, made):
    id_, outs = made
    other = "22222222-2222-2222-2222-222222222222"

    diff = provider.diff(id_, outs, check(provider, outs, **{**ARGS, "connection_id": other}))

    assert diff.replaces == ["connection_id"]
    assert diff.delete_before_replace is False
