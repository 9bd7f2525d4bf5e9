"""Refresh from lists: one list answer serves every refresh read of its kind in an operation."""

from __future__ import annotations

import pytest

from omni_pulumi.listcache import LISTS
from omni_pulumi.provider import OmniProvider
from omni_pulumi.resources.label import LabelSpec
from omni_pulumi.spec import registered
from tests.unit.conftest import BASE_URL, checked, configured
from tests.unit.omni_steps import sent

LABELS = f"{BASE_URL}/api/v1/labels"


def label(name: str) -> dict:
    return {"name": name, "verified": False, "homepage": False, "color": None, "description": None}


@pytest.fixture
def labels() -> OmniProvider:
    return configured(LabelSpec())


def test_every_listable_kind_serves_refresh_from_its_list_or_says_why_not():
    served = {s.type_name for s in registered() if s.listing and s.listing.serves_reads}
    thin = {s.type_name: s.listing.thin for s in registered() if s.listing and s.listing.thin}
    unlisted = {s.type_name for s in registered() if s.listing is None}
    # A schedule's list record is a summary: its settings need the GET by id. Roles are listed
    # per subject, and a group's folder permit must be matched by the group's name.
    assert set(thin) == {"Schedule", "ModelRole", "FolderPermission"}
    assert "recipients" in thin["Schedule"]
    # One per parent, no list in Omni's API (a folder's whole grant set is exported as grants).
    assert unlisted == {"GitConfig", "DbtConfig", "FolderPermissions"}
    assert {"Connection", "Label", "Folder", "Model", "UserGroup"} <= served


@pytest.mark.parametrize("status", [404, 405])
def test_an_instance_without_the_list_is_read_by_id_and_asked_once(api, labels, status):
    api.get(LABELS, status=status, json={"detail": "no such route"})
    api.get(f"{LABELS}/Aa", json=label("Aa"))
    api.get(f"{LABELS}/Bb", json=label("Bb"))
    assert labels.read("Aa", checked(labels, name="Aa")).id == "Aa"
    assert labels.read("Bb", checked(labels, name="Bb")).id == "Bb"
    assert [c[1] for c in sent(api)] == ["/api/v1/labels", "/api/v1/labels/Aa", "/api/v1/labels/Bb"]


def test_nothing_is_served_to_the_next_operation(api, labels):
    # Under the engine the next operation is a new process; in-process it starts with a clear.
    api.get(LABELS, json={"labels": [label("Aa")]})
    labels.read("Aa", checked(labels, name="Aa"))
    LISTS.clear()
    labels.read("Aa", checked(labels, name="Aa"))
    assert [c[1] for c in sent(api)] == ["/api/v1/labels"] * 2


def test_adoption_keeps_the_single_read(api, labels):
    api.get(f"{LABELS}/Aa", json=label("Aa"))
    created = labels.create({**checked(labels, name="Aa"), "adopt_id": "Aa"})
    assert created.id == "Aa"
    assert [c[1] for c in sent(api)] == ["/api/v1/labels/Aa"]
