"""An interrupted `pulumi up` (kill -9, a cancelled CI job) left objects in Omni that the stack does
not know: the rerun's create meets their natural key. One rule for every resource (provider.py):
never a second object; fail with the object's id and the exact `adopt_id=` line, or, with
`omni:adoptExisting`, adopt it when its settings match the program."""

from __future__ import annotations

import pytest
import responses

from omni_pulumi.provider import OmniResourceError
from omni_pulumi.resources.folder import FolderSpec
from omni_pulumi.resources.label import LabelSpec
from omni_pulumi.resources.user_group import UserGroupSpec
from tests.unit.conftest import BASE_URL, configured
from tests.unit.omni_steps import create, sent

LABELS = f"{BASE_URL}/api/v1/labels"
FOLDERS = f"{BASE_URL}/api/v1/folders"
GROUPS = f"{BASE_URL}/api/scim/v2/Groups"
FOLDER = "11111111-1111-1111-1111-111111111111"
PARENT = "22222222-2222-2222-2222-222222222222"
OTHER = "33333333-3333-3333-3333-333333333333"
OWNER = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"
TAKEN = {"detail": "Label with this name already exists", "status": 409}


def label(name: str, **extra) -> dict:
    body = {"name": name, "verified": False, "homepage": False, "color": None, "description": None}
    return {**body, "usage_count": 0, **extra}


def folders(*records: tuple[str, str, str]) -> dict:
    listed = [
        {"id": i, "name": n, "path": p, "ownerId": OWNER, "scope": "organization"}
        for i, n, p in records
    ]
    return {"records": listed, "pageInfo": {"hasNextPage": False, "nextCursor": None}}


def test_a_taken_label_name_fails_at_once_with_the_adopt_id_line(api):
    provider = configured(LabelSpec())
    api.add(responses.POST, LABELS, json=TAKEN, status=409)
    api.add(responses.GET, f"{LABELS}/Certified", json=label("Certified"))

    with pytest.raises(OmniResourceError) as failure:
        create(provider, name="Certified")

    message = str(failure.value)
    assert "Omni already has a Label with name='Certified'" in message
    assert "adopt_id='Certified'" in message
    assert "opts=pulumi.ResourceOptions(import_='Certified')" in message
    assert "Label with this name already exists" in message  # Omni's own words
    assert [m for m, _, _ in sent(api)].count("POST") == 1


def test_a_taken_group_name_names_the_existing_groups_id(api):
    provider = configured(UserGroupSpec())
    api.add(responses.POST, GROUPS, json={"detail": "Group exists", "status": 409}, status=409)
    listing = {
        "Resources": [{"id": "mEhXj6ZI", "displayName": "Analysts"}],
        "totalResults": 1,
        "itemsPerPage": 100,
        "startIndex": 1,
    }
    api.add(responses.GET, GROUPS, json=listing)

    with pytest.raises(OmniResourceError, match=r"adopt_id='mEhXj6ZI'"):
        create(provider, name=None, display_name="Analysts")


def test_a_folder_of_the_same_name_under_the_same_parent_is_found_before_posting(api):
    provider = configured(FolderSpec())
    api.add(
        responses.GET,
        FOLDERS,
        json=folders((PARENT, "Finance", "/finance"), (FOLDER, "Q1", "/finance/q1")),
    )

    with pytest.raises(OmniResourceError) as failure:
        create(provider, name="Q1", parent_folder_id=PARENT)

    assert f"adopt_id='{FOLDER}'" in str(failure.value)
    assert [m for m, _, _ in sent(api)] == ["GET"]  # no POST: Omni would have made a second Q1


def test_the_same_name_under_another_parent_is_created(api):
    provider = configured(FolderSpec())
    api.add(
        responses.GET,
        FOLDERS,
        json=folders((PARENT, "Finance", "/finance"), (OTHER, "Q1", "/finance/q1")),
    )
    api.add(
        responses.POST,
        FOLDERS,
        json={"id": FOLDER, "name": "Q1", "scope": "organization", "ownerId": OWNER},
        status=201,
    )
    api.add(responses.GET, f"{FOLDERS}/{FOLDER}", json={"id": FOLDER, "name": "Q1", "path": "/q1"})

    id_, _ = create(provider, name="Q1", parent_folder_id=None)

    assert id_ == FOLDER


def test_a_burst_of_folder_creates_lists_once(api):
    provider = configured(FolderSpec())
    api.add(responses.GET, FOLDERS, json=folders())
    for id_, name, path in ((PARENT, "Finance", "/finance"), (FOLDER, "Q1", "/finance/q1")):
        made = {"id": id_, "name": name, "scope": "organization", "ownerId": OWNER}
        api.add(responses.POST, FOLDERS, json=made, status=201)
        got = {"id": id_, "name": name, "path": path, "scope": "organization"}
        api.add(responses.GET, f"{FOLDERS}/{id_}", json=got)

    create(provider, name="Finance")
    create(provider, name="Q1", parent_folder_id=PARENT)

    # The first create's listing, kept valid with the new folder, serves the second's look-up.
    assert [m for m, _, _ in sent(api)] == ["GET", "POST", "GET", "POST", "GET"]


def test_adopt_existing_takes_over_a_matching_label(api):
    provider = configured(LabelSpec(), **{"omni:adoptExisting": "true"})
    api.add(responses.POST, LABELS, json=TAKEN, status=409)
    api.add(responses.GET, f"{LABELS}/Certified", json=label("Certified", color="#1a7f37"))

    id_, outs = create(provider, name="Certified", color="#1a7f37")

    assert (id_, outs["color"]) == ("Certified", "#1a7f37")
    assert [m for m, _, _ in sent(api)] == ["POST", "GET", "GET", "GET"]  # no PUT, no second POST


def test_adopt_existing_refuses_an_object_whose_settings_differ(api):
    provider = configured(LabelSpec(), **{"omni:adoptExisting": "true"})
    api.add(responses.POST, LABELS, json=TAKEN, status=409)
    api.add(responses.GET, f"{LABELS}/Certified", json=label("Certified", color="#ff0000"))

    with pytest.raises(OmniResourceError, match=r"these differ: color.*adopt_id='Certified'"):
        create(provider, name="Certified", color="#1a7f37")

    assert [m for m, _, _ in sent(api)].count("PUT") == 0


def test_adopt_existing_is_off_by_default(api):
    provider = configured(LabelSpec())
    api.add(responses.POST, LABELS, json=TAKEN, status=409)
    api.add(responses.GET, f"{LABELS}/Certified", json=label("Certified"))

    with pytest.raises(OmniResourceError, match="omni:adoptExisting true"):
        create(provider, name="Certified")
