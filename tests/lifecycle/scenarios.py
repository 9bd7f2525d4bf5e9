"""One scenario per resource: what the lifecycle suite needs to know to exercise it.

The suite (``test_lifecycle.py``) runs the same steps for every scenario, so adding a resource to
the suite is adding one entry here, not another copy of the tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import omni_pulumi as omni
from omni_pulumi.client import OmniClient, quote_segment
from omni_pulumi.emulator import Emulator
from omni_pulumi.errors import OmniNotFound


@dataclass
class World:
    """The instance a scenario runs against: the emulator, a client, and seeded objects."""

    emulator: Emulator
    client: OmniClient
    users: list[str]


#: Builds, inside the program, the resources the subject depends on; returns them by name.
Deps = Callable[[World], dict[str, Any]]
#: Arguments of the subject, given the world and its dependencies.
Args = Callable[[World, dict[str, Any]], dict[str, Any]]


def no_deps(world: World) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Scenario:
    kind: str
    resource: type
    #: Every argument set.
    args: Args
    #: Overrides that change only updatable arguments.
    update: Args
    #: Overrides that change a replace-only argument (None where every argument updates in place).
    replace: Args | None
    #: Change the object outside Pulumi; returns (output name, the value refresh must then show).
    drift: Callable[[World, str, dict[str, Any]], tuple[str, Any]]
    #: Delete the object outside Pulumi.
    delete_outside: Callable[[World, str, dict[str, Any]], None]
    #: Make the object by hand, with an updatable setting unlike ``adopt_args``; return its id.
    make_by_hand: Callable[[World], str]
    #: The program's arguments for adopting that object (no dependencies).
    adopt_args: Callable[[World], dict[str, Any]]
    #: Overrides that make a replace-only argument differ from the object made by hand.
    adopt_conflict: Callable[[World], dict[str, Any]] | None
    #: An adoption id that names no object.
    missing_id: str
    #: Whether the object still exists in Omni.
    exists: Callable[[World, str, dict[str, Any]], bool]
    deps: Deps = no_deps
    #: Values that may be secrets in state: none of them may appear in plain text.
    secrets: tuple[str, ...] = field(default=())


def _exists(call: Callable[[], Any]) -> bool:
    try:
        call()
    except OmniNotFound:
        return False
    return True


# -- Label ---------------------------------------------------------------------------------------

LABEL = Scenario(
    kind="Label",
    resource=omni.Label,
    args=lambda w, d: {
        "name": "Certified",
        "color": "#1a7f37",
        "description": "Reviewed by the data team",
        "verified": True,
        "homepage": True,
    },
    update=lambda w, d: {"name": "Certified v2", "color": "#0366d6"},
    replace=None,
    drift=lambda w, id_, outs: (
        "description",
        w.client.put(
            f"/api/v1/labels/{quote_segment(outs['name'])}", json={"description": "changed by hand"}
        )["description"],
    ),
    delete_outside=lambda w, id_, outs: w.client.delete(
        f"/api/v1/labels/{quote_segment(outs['name'])}"
    ),
    make_by_hand=lambda w: w.client.post(
        "/api/v1/labels", json={"name": "Finance", "color": "#000000"}
    )["name"],
    adopt_args=lambda w: {"name": "Finance", "color": "#1a7f37", "description": "Money"},
    adopt_conflict=None,
    missing_id="No such label",
    exists=lambda w, id_, outs: _exists(
        lambda: w.client.get(f"/api/v1/labels/{quote_segment(outs['name'])}")
    ),
)

# -- Folder --------------------------------------------------------------------------------------


def _folder_exists(w: World, id_: str, outs: dict[str, Any]) -> bool:
    records = w.client.paginate_cursor("/api/v1/folders", {"scope": "organization"})
    return any(record["id"] == id_ for record in records)


def _folder_by_hand(w: World) -> str:
    return w.client.post("/api/v1/folders", json={"name": "Old reports"})["id"]


FOLDER = Scenario(
    kind="Folder",
    resource=omni.Folder,
    deps=lambda w: {"parent": omni.Folder("parent", name="Finance")},
    args=lambda w, d: {
        "name": "Reports",
        "parent_folder_id": d["parent"].id,
        "scope": "organization",
        "user_id": w.users[0],
        "force_destroy": True,
    },
    update=lambda w, d: {"name": "Quarterly reports"},
    replace=lambda w, d: {"parent_folder_id": None},
    drift=lambda w, id_, outs: (
        "name",
        w.client.patch(f"/api/v1/folders/{id_}", json={"name": "Renamed by hand"})["name"],
    ),
    delete_outside=lambda w, id_, outs: w.client.delete(f"/api/v1/folders/{id_}"),
    make_by_hand=_folder_by_hand,
    adopt_args=lambda w: {"name": "Reports"},
    adopt_conflict=lambda w: {"scope": "restricted", "user_id": w.users[0]},
    missing_id="00000000-0000-4000-8000-000000000000",
    exists=_folder_exists,
)

# -- UserGroup -----------------------------------------------------------------------------------


def _group_by_hand(w: World) -> str:
    body = {"displayName": "Engineers", "members": [{"value": w.users[2]}]}
    return w.client.post("/api/scim/v2/Groups", json=body)["id"]


USER_GROUP = Scenario(
    kind="UserGroup",
    resource=omni.UserGroup,
    args=lambda w, d: {"display_name": "Analysts", "members": [w.users[1], w.users[0]]},
    update=lambda w, d: {"display_name": "Analytics", "members": [w.users[2]]},
    replace=None,
    drift=lambda w, id_, outs: (
        "members",
        sorted(
            m["value"]
            for m in w.client.put(
                f"/api/scim/v2/Groups/{id_}",
                json={
                    "displayName": outs["display_name"],
                    "members": [{"value": w.users[2], "display": "x"}],
                },
            )["members"]
        ),
    ),
    delete_outside=lambda w, id_, outs: w.client.delete(f"/api/scim/v2/Groups/{id_}"),
    make_by_hand=_group_by_hand,
    adopt_args=lambda w: {"display_name": "Engineers", "members": [w.users[0], w.users[1]]},
    adopt_conflict=None,
    missing_id="zzzzzzzz",
    exists=lambda w, id_, outs: _exists(lambda: w.client.get(f"/api/scim/v2/Groups/{id_}")),
)

SCENARIOS = [LABEL, FOLDER, USER_GROUP]
