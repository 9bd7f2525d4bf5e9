"""User: a SCIM PUT resets what it omits, so updates read first; attributes are a partial map."""

from __future__ import annotations

import pytest
import responses

from omni_pulumi.provider import OmniResourceError
from omni_pulumi.resources.user import UserSpec
from tests.unit.conftest import BASE_URL
from tests.unit.omni_steps import program, sent, update

USERS = f"{BASE_URL}/api/scim/v2/Users"
EXT = "urn:omni:params:1.0:UserAttribute"
ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
ID = "11111111-1111-4111-8111-111111111111"
SPEC = UserSpec


def user(**extra) -> dict:
    body = {"id": ID, "userName": "ana@example.com", "displayName": "Ana", "active": True}
    return {**body, EXT: {}, **extra}


def outs(**extra) -> dict:
    base = {"user_name": "ana@example.com", "display_name": "Ana", "active": True}
    return {**base, "attributes": {"region": "emea"}, "adopt_id": None, **extra}


def test_an_update_keeps_what_omni_holds_beside_the_program(api, provider):
    held = user(**{EXT: {"region": "emea", "team": "data"}, ENT: {"department": "Finance"}})
    api.add(responses.GET, f"{USERS}/{ID}", json=held)
    api.add(responses.PUT, f"{USERS}/{ID}", json=user(active=False))

    replaces, _ = update(
        provider,
        ID,
        outs(),
        user_name="ana@example.com",
        display_name="Ana",
        active=False,
        attributes={"region": "apac"},
    )

    assert replaces == []
    assert [(m, p) for m, p, _ in sent(api)] == [
        ("GET", f"/api/scim/v2/Users/{ID}"),
        ("PUT", f"/api/scim/v2/Users/{ID}"),
    ]
    assert sent(api)[1][2] == {
        "userName": "ana@example.com",
        "displayName": "Ana",
        "active": False,
        EXT: {"region": "apac", "team": "data"},
        ENT: {"department": "Finance"},
    }


def test_attributes_omni_holds_beside_the_named_ones_are_neither_read_nor_diffed(api, provider):
    # A refresh reads users from Omni's list (one answer serves every user of the stack).
    listed = user(**{EXT: {"region": "emea", "team": "x"}})
    api.add(responses.GET, USERS, json={"Resources": [listed], "totalResults": 1})
    state = {**outs(), "__provider": "p"}

    result = provider.read(ID, state)

    assert result.outs["attributes"] == {"region": "emea"}
    news = provider.check(state, program(provider, **{k: v for k, v in outs().items()}))
    assert provider.diff(ID, result.outs, news.inputs).changes is False


def test_numbers_are_kept_as_the_strings_omni_stores(provider):
    result = provider.check({}, program(provider, **outs(attributes={"level": 3, "ids": [1, 2]})))
    assert result.inputs["attributes"] == {"level": "3", "ids": ["1", "2"]}


@pytest.mark.parametrize("name", ["omni_user_email", "1st", "sales-region"])
def test_built_in_and_malformed_attribute_names_are_refused_at_preview(provider, name):
    result = provider.check({}, program(provider, **outs(attributes={name: "x"})))
    assert [f.property for f in result.failures] == ["attributes"]
    assert name in result.failures[0].reason


def test_a_taken_email_says_which_user_to_adopt(api, provider):
    api.add(
        responses.POST,
        USERS,
        json={"detail": "User with this email already exists", "status": 409},
        status=409,
    )
    api.add(responses.GET, USERS, json={"Resources": [user()], "totalResults": 1})

    with pytest.raises(OmniResourceError) as failure:
        provider.create(provider.check({}, program(provider, **outs())).inputs)

    assert "User with this email already exists" in str(failure.value)
    assert f"adopt_id='{ID}'" in str(failure.value)


def test_an_inactive_user_is_deactivated_after_the_create(api, provider):
    api.add(responses.POST, USERS, json=user(), status=201)
    api.add(responses.PATCH, f"{USERS}/{ID}", json=user(active=False))

    provider.create(provider.check({}, program(provider, **outs(active=False))).inputs)

    assert sent(api)[1][2]["Operations"] == [{"op": "replace", "value": {"active": False}}]
