"""Scenarios of users and user attribute definitions."""

from __future__ import annotations

import omni_pulumi as omni

from .scenario import Scenario, World
from .scenario import exists_unless_404 as _exists

USERS = "/api/scim/v2/Users"
ATTRIBUTES = "/api/v1/user-attributes"
EXT = "urn:omni:params:1.0:UserAttribute"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
MISSING = "00000000-0000-4000-8000-000000000000"


def _deactivate(w: World, id_: str, outs: dict) -> tuple[str, bool]:
    body = {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": False}}]}
    return "active", w.client.patch(f"{USERS}/{id_}", json=body)["active"]


def _user_by_hand(w: World) -> str:
    body = {
        "userName": "bo@example.com",
        "displayName": "Bo (hand)",
        EXT: {"region": "x", "t": "y"},
    }
    return w.client.post(USERS, json=body)["id"]


USER = Scenario(
    kind="User",
    resource=omni.User,
    args=lambda w, d: {
        "user_name": "ana@example.com",
        "display_name": "Ana",
        "active": True,
        "attributes": {"region": "emea", "level": 3},
    },
    update=lambda w, d: {
        "user_name": "ana.b@example.com",
        "display_name": "Ana B",
        "active": False,
        "attributes": {"region": "apac"},
    },
    replace=None,
    drift=_deactivate,
    delete_outside=lambda w, id_, outs: w.client.delete(f"{USERS}/{id_}"),
    make_by_hand=_user_by_hand,
    adopt_args=lambda w: {
        "user_name": "bo@example.com",
        "display_name": "Bo",
        "attributes": {"region": "emea"},
    },
    adopt_conflict=None,
    missing_id=MISSING,
    exists=lambda w, id_, outs: _exists(lambda: w.client.get(f"{USERS}/{id_}")),
)


def _listed(w: World, id_: str) -> dict | None:
    records = w.client.get(ATTRIBUTES)["records"]
    return next((r for r in records if r["id"] == id_), None)


def _relabel(w: World, id_: str, outs: dict) -> tuple[str, str]:
    return "label", w.client.put(f"{ATTRIBUTES}/{id_}", json={"label": "Changed by hand"})["label"]


USER_ATTRIBUTE = Scenario(
    kind="UserAttribute",
    resource=omni.UserAttribute,
    args=lambda w, d: {
        "name": "region",
        "label": "Region",
        "type": "String",
        "description": "Sales region",
        "multiple_values": True,
        "default_value": ["emea"],
    },
    update=lambda w, d: {
        "label": "Sales region",
        "description": None,
        "default_value": ["apac", "emea"],
    },
    replace=lambda w, d: {"name": "territory"},
    drift=_relabel,
    delete_outside=lambda w, id_, outs: w.client.delete(f"{ATTRIBUTES}/{id_}"),
    make_by_hand=lambda w: w.client.post(
        ATTRIBUTES, json={"name": "team", "label": "Team", "type": "String"}
    )["id"],
    adopt_args=lambda w: {"name": "team", "label": "Team name", "type": "String"},
    adopt_conflict=lambda w: {"type": "Number"},
    missing_id=MISSING,
    exists=lambda w, id_, outs: _listed(w, id_) is not None,
)
