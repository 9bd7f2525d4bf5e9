"""UserAttribute: docs-only writes with a clear error where an instance lacks them, create's
short body, the one-way multiple_values, and Omni's rules for names and labels at preview."""

from __future__ import annotations

import pytest
import responses

from omni_pulumi.provider import OmniResourceError
from omni_pulumi.resources.user_attribute import UserAttributeSpec
from tests.unit.conftest import BASE_URL
from tests.unit.omni_steps import program, sent

ATTRS = f"{BASE_URL}/api/v1/user-attributes"
ID = "22222222-2222-4222-8222-222222222222"
SPEC = UserAttributeSpec


def record(**extra) -> dict:
    body = {"id": ID, "name": "region", "label": "Region", "type": "String", "description": None}
    return {**body, "multiple_values": False, "default_value": None, "system": False, **extra}


def args(**extra) -> dict:
    return {"name": "region", "label": "Region", **extra}


def checked(provider, olds=None, **given):
    return provider.check(olds or {}, program(provider, **given))


def test_what_the_docs_create_body_lacks_is_written_by_a_put(api, provider):
    api.add(responses.POST, ATTRS, json=record(), status=201)
    api.add(responses.PUT, f"{ATTRS}/{ID}", json=record(multiple_values=True, default_value=["a"]))

    result = provider.create(
        checked(provider, **args(multiple_values=True, default_value=["a"])).inputs
    )

    assert result.id == ID
    assert sent(api) == [
        (
            "POST",
            "/api/v1/user-attributes",
            {"name": "region", "label": "Region", "type": "String"},
        ),
        (
            "PUT",
            f"/api/v1/user-attributes/{ID}",
            {"description": None, "multiple_values": True, "default_value": ["a"]},
        ),
    ]


def test_an_instance_without_the_create_route_says_to_create_and_adopt(api, provider):
    api.add(responses.POST, ATTRS, json={"detail": "Method Not Allowed", "status": 405}, status=405)

    with pytest.raises(OmniResourceError) as failure:
        provider.create(checked(provider, **args()).inputs)

    assert "does not serve the create route" in str(failure.value)
    assert "adopt_id" in str(failure.value)


def test_a_404_on_delete_of_an_attribute_omni_still_lists_is_a_missing_route(api, provider):
    api.add(
        responses.DELETE, f"{ATTRS}/{ID}", json={"detail": "Not Found", "status": 404}, status=404
    )
    api.add(responses.GET, ATTRS, json={"records": [record()]})

    with pytest.raises(OmniResourceError) as failure:
        provider.delete(ID, {**args(), "__provider": "p"})

    assert "retain_on_delete=True" in str(failure.value)


def test_a_404_on_delete_of_an_unlisted_attribute_is_already_gone(api, provider):
    api.add(
        responses.DELETE, f"{ATTRS}/{ID}", json={"detail": "Not Found", "status": 404}, status=404
    )
    api.add(responses.GET, ATTRS, json={"records": []})

    provider.delete(ID, {**args(), "__provider": "p"})


def test_multiple_values_cannot_go_back_to_false(provider):
    olds = checked(provider, **args(multiple_values=True)).inputs
    result = checked(provider, olds, **args(multiple_values=False))
    assert [f.property for f in result.failures] == ["multiple_values"]
    assert "cannot go back to false" in result.failures[0].reason


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"name": "omni_region"}, "name"),
        ({"name": "2region"}, "name"),
        ({"label": "Omni region"}, "label"),
        ({"label": "Host"}, "label"),
        ({"default_value": ["a"]}, "default_value"),
        ({"type": "Number", "default_value": "north"}, "default_value"),
    ],
)
def test_omnis_rules_are_checked_at_preview(provider, given, field):
    result = checked(provider, **args(**given))
    assert [f.property for f in result.failures] == [field]


def test_a_built_in_attribute_cannot_be_adopted(api, provider):
    inputs = {**checked(provider, **args(name="omni_user_email")).inputs}
    inputs["adopt_id"] = "omni_user_email"
    with pytest.raises(OmniResourceError, match="built-in"):
        provider.create(inputs)
    assert sent(api) == []


def test_built_in_attributes_are_not_exported():
    assert UserAttributeSpec().unexportable(record(id="", system=True))
    assert UserAttributeSpec().unexportable(record()) is None
