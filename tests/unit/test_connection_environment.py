"""ConnectionEnvironment against Omni as `responses` plays it, including instances without a list."""

from __future__ import annotations

import pytest
from responses import matchers

from omni_pulumi.provider import UNKNOWN, OmniResourceError
from omni_pulumi.resources import connection_environment
from omni_pulumi.resources.connection_environment import ConnectionEnvironmentSpec
from tests.unit.conftest import checked as check_ok

BASE_URL = "https://acme.omniapp.co"
BASE = "550e8400-e29b-41d4-a716-446655440000"
ENV = "6f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
OTHER = "11111111-2222-3333-4444-555555555555"
ID = "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d"
PATH = f"{BASE_URL}/api/v1/connection-environments"
ONE = f"{PATH}/{ID}"


SPEC = ConnectionEnvironmentSpec


@pytest.fixture(autouse=True)
def fresh_warning(monkeypatch):
    """The 'cannot show drift' warning is once per process; each test is a new process here."""
    monkeypatch.setattr(
        connection_environment, "_warn_no_list", connection_environment._OncePerProcess()
    )


def record(**over):
    return {
        "id": ID,
        "baseConnectionId": BASE,
        "connectionId": ENV,
        "userAttributeValues": [],
        **over,
    }


def checked(provider, **args):
    return check_ok(
        provider, **{"base_connection_id": BASE, "environment_connection_id": ENV, **args}
    )


def test_create_posts_one_environment_then_puts_its_values(provider, api):
    api.post(
        PATH,
        status=201,
        json={"connectionEnvironments": [record()]},
        match=[
            matchers.json_params_matcher(
                {"baseConnectionId": BASE, "environmentConnectionIds": [ENV]}
            )
        ],
    )
    put = api.put(
        ONE,
        json={"success": True},
        match=[matchers.json_params_matcher({"userAttributeValues": ["dev", "staging"]})],
    )
    inputs = checked(provider, user_attribute_values=["staging", "dev"])
    created = provider.create(inputs)
    assert created.id == ID
    assert created.outs["user_attribute_values"] == ["dev", "staging"]
    assert put.call_count == 1
    assert provider.diff(ID, created.outs, inputs).changes is False


def test_create_without_values_sends_no_put(provider, api):
    api.post(PATH, status=201, json={"connectionEnvironments": [record()]})
    created = provider.create(checked(provider))
    assert created.id == ID and created.outs["user_attribute_values"] == []


def test_refused_values_delete_the_new_environment_again(provider, api):
    api.post(PATH, status=201, json={"connectionEnvironments": [record()]})
    api.put(ONE, status=400, json={"detail": 'User attribute value "dev" is already in use'})
    undo = api.delete(ONE, json={"success": True})
    with pytest.raises(OmniResourceError, match=r"already in use.*removed again"):
        provider.create(checked(provider, user_attribute_values=["dev"]))
    assert undo.call_count == 1


def test_values_update_in_place_as_a_set_and_connections_replace(provider):
    olds = checked(provider, user_attribute_values=["dev", "staging"])
    same = provider.diff(ID, olds, checked(provider, user_attribute_values=["staging", "dev"]))
    assert same.changes is False
    diff = provider.diff(ID, olds, checked(provider, user_attribute_values=["dev"]))
    assert diff.changes is True and diff.replaces == []
    for name in ("base_connection_id", "environment_connection_id"):
        diff = provider.diff(ID, olds, {**olds, name: OTHER})
        assert diff.replaces == [name]


def test_update_puts_the_values(provider, api):
    api.put(
        ONE,
        json={"success": True},
        match=[matchers.json_params_matcher({"userAttributeValues": ["qa"]})],
    )
    updated = provider.update(
        ID,
        checked(provider, user_attribute_values=["dev"]),
        checked(provider, user_attribute_values=["qa"]),
    )
    assert updated.outs["user_attribute_values"] == ["qa"]


def test_read_matches_the_id_in_the_list(provider, api):
    api.get(
        PATH,
        json={
            "connectionEnvironments": [
                record(id=OTHER, connectionId=OTHER),
                record(userAttributeValues=["prod", "dev"]),
            ]
        },
    )
    read = provider.read(ID, checked(provider, user_attribute_values=["dev"]))
    assert read.id == ID
    assert read.outs["user_attribute_values"] == ["dev", "prod"]


def test_read_of_an_environment_deleted_outside_pulumi_is_empty(provider, api):
    api.get(PATH, json={"connectionEnvironments": [record(id=OTHER)]})
    assert provider.read(ID, checked(provider)).id == ""


@pytest.mark.parametrize("status", [404, 405])
def test_without_a_list_refresh_keeps_state_and_warns_once(provider, api, capsys, status):
    for _ in range(2):
        api.get(PATH, status=status, json={"detail": "Not Found"})
    state = checked(provider, user_attribute_values=["dev"])
    first = provider.read(ID, state)
    second = provider.read(ID, state)
    assert first.id == second.id == ID
    assert first.outs["user_attribute_values"] == ["dev"]
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("cannot show drift for ConnectionEnvironment") == 1


def test_other_list_errors_are_not_mistaken_for_a_missing_list(provider, api):
    api.get(PATH, status=403, json={"detail": "Permission denied - admin role required"})
    with pytest.raises(OmniResourceError, match="admin role required"):
        provider.read(ID, checked(provider))


def test_delete_sends_delete_and_a_404_counts_as_done(provider, api):
    api.delete(ONE, json={"success": True})
    provider.delete(ID, checked(provider))
    api.delete(ONE, status=404, json={"detail": "Connection environment not found"})
    provider.delete(ID, checked(provider))


def test_adopt_writes_differing_values_without_creating(provider, api):
    api.get(PATH, json={"connectionEnvironments": [record(userAttributeValues=["old"])]})
    api.put(
        ONE,
        json={"success": True},
        match=[matchers.json_params_matcher({"userAttributeValues": ["dev"]})],
    )
    created = provider.create({**checked(provider, user_attribute_values=["dev"]), "adopt_id": ID})
    assert created.id == ID
    assert created.outs["user_attribute_values"] == ["dev"]


def test_adopt_refuses_another_pair_naming_the_field_and_both_values(provider, api):
    api.get(PATH, json={"connectionEnvironments": [record(connectionId=OTHER)]})
    with pytest.raises(OmniResourceError) as caught:
        provider.create({**checked(provider), "adopt_id": ID})
    message = str(caught.value)
    assert "`environment_connection_id`" in message and OTHER in message and ENV in message


def test_adopt_of_a_missing_environment_names_kind_and_id(provider, api):
    api.get(PATH, json={"connectionEnvironments": []})
    with pytest.raises(OmniResourceError, match=f"ConnectionEnvironment '{ID}'.*no such"):
        provider.create({**checked(provider), "adopt_id": ID})


def test_adopt_is_refused_where_the_instance_cannot_list(provider, api):
    api.get(PATH, status=405, json={"detail": "Method Not Allowed"})
    with pytest.raises(OmniResourceError, match="cannot be adopted"):
        provider.create({**checked(provider), "adopt_id": ID})


def test_ambiguous_create_finds_the_pair(provider, api):
    api.post(PATH, status=502, body="bad gateway")
    listing = {"connectionEnvironments": [record(id=OTHER, connectionId=OTHER), record()]}
    api.get(PATH, json=listing)  # one listing serves the search and the read-back
    created = provider.create(checked(provider))
    assert created.id == ID


@pytest.mark.parametrize(
    ("args", "prop", "fragment"),
    [
        (
            {"environment_connection_id": BASE},
            "environment_connection_id",
            "base connection itself",
        ),
        ({"user_attribute_values": ["dev", "dev"]}, "user_attribute_values", "twice"),
        ({"base_connection_id": "prod"}, "base_connection_id", "pass the base Connection's `id`"),
        ({"user_attribute_values": "dev,qa"}, "user_attribute_values", "['dev', 'staging']"),
    ],
)
def test_check_names_the_argument_and_the_fix(provider, args, prop, fragment):
    news = {"base_connection_id": BASE, "environment_connection_id": ENV, **args}
    failures = provider.check({}, news).failures
    assert [f.property for f in failures] == [prop]
    assert failures[0].reason.startswith(f"ConnectionEnvironment.{prop}: ")
    assert fragment in failures[0].reason


def test_check_waits_for_unknown_connection_ids(provider):
    news = {"base_connection_id": UNKNOWN, "environment_connection_id": UNKNOWN}
    assert provider.check({}, news).failures == []
