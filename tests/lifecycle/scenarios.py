"""One scenario per resource: what the lifecycle suite needs to know to exercise it.

The suite (``test_lifecycle.py``) runs the same steps for every scenario, so adding a resource to
the suite is adding one entry here (or in ``scenarios_*.py``), not another copy of the tests.
"""

from __future__ import annotations

from typing import Any

import omni_pulumi as omni
from omni_pulumi.client import quote_segment

from .scenario import Scenario, World
from .scenario import exists_unless_404 as _exists
from .scenarios_access import FOLDER_PERMISSION, FOLDER_PERMISSIONS, MODEL_ROLE
from .scenarios_connections import (
    CONNECTION,
    CONNECTION_ENVIRONMENT,
    DBT_ENVIRONMENT,
    SCHEMA_REFRESH_SCHEDULE,
)
from .scenarios_dbt import DBT_CONFIG
from .scenarios_models import GIT_CONFIG, MODEL, SCHEDULE
from .scenarios_users import USER, USER_ATTRIBUTE

__all__ = ["SCENARIOS", "Scenario", "World"]


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
        # False: with True, the replace step below is refused at preview (the replacement would
        # delete the old folder's content with force=true); tests/unit/test_folder.py has that.
        "force_destroy": False,
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
            for m in w.client.patch(
                f"/api/scim/v2/Groups/{id_}",
                json={
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": [
                        {"op": "replace", "path": "members", "value": [{"value": w.users[2]}]}
                    ],
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

SCENARIOS = [
    LABEL,
    FOLDER,
    USER_GROUP,
    USER_ATTRIBUTE,
    USER,
    CONNECTION,
    CONNECTION_ENVIRONMENT,
    SCHEMA_REFRESH_SCHEDULE,
    DBT_ENVIRONMENT,
    DBT_CONFIG,
    MODEL,
    GIT_CONFIG,
    SCHEDULE,
    MODEL_ROLE,
    FOLDER_PERMISSION,
    FOLDER_PERMISSIONS,
]
