"""UserGroup: a SCIM group updated by PATCH replace operations (never PUT); members compare as a set."""

from __future__ import annotations

import pytest
import requests
import responses

from omni_pulumi.provider import OmniResourceError
from omni_pulumi.resources.user_group import UserGroupSpec
from tests.unit.conftest import API_KEY, BASE_URL
from tests.unit.omni_steps import PICKLED, check, create, sent, update

GROUPS = f"{BASE_URL}/api/scim/v2/Groups"
GROUP = "mEhXj6ZI"
ANN = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"
BOB = "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb"
CY = "cccccccc-cccc-cccc-cccc-cccccccccccc"


def group(name: str, *members: str, id_: str = GROUP) -> dict:
    """A group as Omni's SCIM API answers it."""
    return {
        "id": id_,
        "displayName": name,
        "members": [{"value": m, "display": f"{m[:3]}@acme.test"} for m in members],
        "meta": {"resourceType": "Group"},
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
    }


SPEC = UserGroupSpec


@pytest.fixture
def analysts(api, provider):
    """A group created by Pulumi with two members, the requests log cleared."""
    api.add(responses.POST, GROUPS, json=group("Analysts", ANN, BOB), status=201)
    id_, outs = create(provider, display_name="Analysts", members=[BOB, ANN])
    api.calls.reset()
    return id_, outs


def test_create_posts_the_members_and_keeps_the_scim_id(api, provider):
    api.add(responses.POST, GROUPS, json=group("Analysts", ANN, BOB), status=201)

    id_, outs = create(provider, display_name="Analysts", members=[BOB, ANN])

    assert sent(api) == [
        (
            "POST",
            "/api/scim/v2/Groups",
            {"displayName": "Analysts", "members": [{"value": ANN}, {"value": BOB}]},
        )
    ]
    assert id_ == GROUP
    assert outs == {
        "display_name": "Analysts",
        "members": [ANN, BOB],
        "adopt_id": None,
        "__provider": PICKLED,
    }


def test_member_order_is_no_change(analysts, provider):
    id_, outs = analysts

    diff = provider.diff(
        id_, outs, check(provider, outs, display_name="Analysts", members=[BOB, ANN])
    )

    assert diff.changes is False


PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def test_update_patches_the_whole_membership_never_puts(api, provider, analysts):
    # A live Omni refuses SCIM PUT on groups (finding 13): replace operations go by PATCH.
    id_, outs = analysts
    api.add(responses.PATCH, f"{GROUPS}/{GROUP}", json=group("Analysts", ANN, CY))

    replaces, outs = update(provider, id_, outs, display_name="Analysts", members=[CY, ANN])

    assert replaces == []
    assert sent(api) == [
        (
            "PATCH",
            f"/api/scim/v2/Groups/{GROUP}",
            {
                "schemas": [PATCH_OP],
                "Operations": [
                    {"op": "replace", "path": "members", "value": [{"value": ANN}, {"value": CY}]}
                ],
            },
        )
    ]
    assert outs["members"] == [ANN, CY]


def test_rename_is_a_patch_of_the_name_not_a_replacement(api, provider, analysts):
    id_, outs = analysts
    api.add(responses.PATCH, f"{GROUPS}/{GROUP}", json=group("Data analysts", ANN, BOB))

    replaces, outs = update(provider, id_, outs, display_name="Data analysts", members=[ANN, BOB])

    assert replaces == []
    assert sent(api)[0][2]["Operations"] == [
        {"op": "replace", "path": "displayName", "value": "Data analysts"}
    ]
    assert outs["display_name"] == "Data analysts"


def test_emptying_the_membership_replaces_it_with_none(api, provider, analysts):
    id_, outs = analysts
    api.add(responses.PATCH, f"{GROUPS}/{GROUP}", json=group("Team"))

    _, outs = update(provider, id_, outs, display_name="Team", members=[])

    assert sent(api)[0][2]["Operations"] == [
        {"op": "replace", "path": "displayName", "value": "Team"},
        {"op": "replace", "path": "members", "value": []},
    ]
    assert outs["members"] == []


def test_read_reports_members_changed_outside_pulumi(api, provider, analysts):
    id_, outs = analysts
    api.add(
        responses.GET,
        GROUPS,
        json={"Resources": [group("Analysts", CY, ANN)], "totalResults": 1, "startIndex": 1},
    )

    result = provider.read(id_, outs)

    # A refresh reads the groups, members included, from the list.
    assert sent(api) == [("GET", "/api/scim/v2/Groups?count=100&startIndex=1", None)]
    assert result.outs["members"] == [ANN, CY]
    diff = provider.diff(
        id_, result.outs, check(provider, display_name="Analysts", members=[ANN, BOB])
    )
    assert (diff.changes, diff.replaces) == (True, [])


def test_read_of_a_group_deleted_outside_pulumi_returns_an_empty_id(api, provider, analysts):
    id_, outs = analysts
    api.add(responses.GET, GROUPS, json={"Resources": [], "totalResults": 0, "startIndex": 1})
    api.add(responses.GET, f"{GROUPS}/{GROUP}", json={"detail": "Group not found"}, status=404)

    assert provider.read(id_, outs).id == ""
    assert [c[1] for c in sent(api)] == [
        "/api/scim/v2/Groups?count=100&startIndex=1",
        f"/api/scim/v2/Groups/{GROUP}",
    ]


def test_delete_and_delete_of_an_already_deleted_group(api, provider, analysts):
    id_, outs = analysts
    api.add(responses.DELETE, f"{GROUPS}/{GROUP}", status=204)
    api.add(responses.DELETE, f"{GROUPS}/{GROUP}", json={"detail": "Not found"}, status=404)

    provider.delete(id_, outs)
    provider.delete(id_, outs)

    assert sent(api) == [("DELETE", f"/api/scim/v2/Groups/{GROUP}", None)] * 2


def test_a_personal_token_is_told_to_use_an_organization_key(api, provider):
    api.add(responses.POST, GROUPS, json={"detail": "Forbidden"}, status=403)

    with pytest.raises(OmniResourceError) as error:
        create(provider, display_name="Analysts")

    message = str(error.value)
    assert "UserGroup 'Analysts': create failed" in message
    assert "organization API key" in message
    assert API_KEY not in message


def test_adopt_writes_the_programs_membership(api, provider):
    api.add(responses.GET, f"{GROUPS}/{GROUP}", json=group("Analysts", ANN))
    api.add(responses.PATCH, f"{GROUPS}/{GROUP}", json=group("Analysts", ANN, BOB))

    id_, outs = create(provider, display_name="Analysts", members=[BOB, ANN], adopt_id=GROUP)

    assert [(m, p) for m, p, _ in sent(api)] == [
        ("GET", f"/api/scim/v2/Groups/{GROUP}"),
        ("PATCH", f"/api/scim/v2/Groups/{GROUP}"),
    ]
    (operation,) = sent(api)[1][2]["Operations"]
    assert [m["value"] for m in operation["value"]] == [ANN, BOB]
    assert (id_, outs["members"], outs["adopt_id"]) == (GROUP, [ANN, BOB], GROUP)


def test_adopt_of_a_group_that_already_matches_writes_nothing(api, provider):
    api.add(responses.GET, f"{GROUPS}/{GROUP}", json=group("Analysts", BOB, ANN))

    id_, _ = create(provider, display_name="Analysts", members=[ANN, BOB], adopt_id=GROUP)

    assert [m for m, _, _ in sent(api)] == ["GET"]
    assert id_ == GROUP


def test_adopt_of_a_missing_group_names_kind_and_id(api, provider):
    api.add(responses.GET, f"{GROUPS}/nope", json={"detail": "Not found"}, status=404)

    with pytest.raises(OmniResourceError, match=r"Cannot adopt UserGroup 'nope'.*SCIM id"):
        create(provider, display_name="Analysts", adopt_id="nope")

    assert [m for m, _, _ in sent(api)] == ["GET"]


@pytest.mark.parametrize(
    "failure",
    [requests.ConnectionError("connection reset"), requests.ReadTimeout("read timed out")],
    ids=["dropped", "timeout"],
)
def test_create_after_a_lost_answer_adopts_the_group_omni_made(api, provider, failure):
    api.add(responses.POST, GROUPS, body=failure)
    listing = {
        "Resources": [group("Others", id_="zz"), group("Analysts")],
        "totalResults": 2,
        "startIndex": 1,
        "itemsPerPage": 2,
    }
    api.add(responses.GET, GROUPS, json=listing)
    api.add(responses.GET, f"{GROUPS}/{GROUP}", json=group("Analysts", ANN))

    id_, outs = create(provider, display_name="Analysts", members=[ANN])

    assert [(m, p) for m, p, _ in sent(api)] == [
        ("POST", "/api/scim/v2/Groups"),
        ("GET", "/api/scim/v2/Groups?count=100&excludedAttributes=members&startIndex=1"),
        ("GET", f"/api/scim/v2/Groups/{GROUP}"),
    ]
    assert (id_, outs["members"]) == (GROUP, [ANN])


def test_create_after_a_502_posts_again_when_no_group_was_made(api, provider):
    api.add(responses.POST, GROUPS, json={"detail": "Bad gateway"}, status=502)
    api.add(responses.GET, GROUPS, json={"Resources": [], "totalResults": 0})
    api.add(responses.POST, GROUPS, json=group("Analysts"), status=201)

    id_, _ = create(provider, display_name="Analysts")

    assert [m for m, _, _ in sent(api)] == ["POST", "GET", "POST"]
    assert id_ == GROUP


@pytest.mark.parametrize(
    ("args", "field", "words"),
    [
        ({"display_name": ""}, "display_name", "at least 1 character"),
        ({"display_name": "A", "members": "ann"}, "members", "valid list"),
        ({"display_name": "A", "members": [1]}, "members", "user membership ids"),
        ({"members": []}, "display_name", "is required"),
    ],
)
def test_check_names_the_argument_and_what_is_allowed(provider, args, field, words):
    result = provider.check({}, {"__provider": PICKLED, **args})

    assert [f.property for f in result.failures] == [field]
    assert f"UserGroup.{field}" in result.failures[0].reason
    assert words in result.failures[0].reason


def test_a_create_answer_without_an_id_fails_with_omnis_words(api, provider):
    """No later call could reach an object whose id Omni did not give: the create fails, saying
    what Omni answered, rather than keeping a made-up id in the state."""
    api.add(responses.POST, GROUPS, json={"message": "accepted"}, status=201)
    with pytest.raises(Exception) as caught:
        create(provider, display_name="Analysts")
    message = str(caught.value)
    assert "UserGroup 'Analysts'" in message and "without an id (accepted)" in message
