"""Scenarios of access: model roles and folder permissions."""

from __future__ import annotations

from typing import Any

import omni_pulumi as omni

from .scenario import Scenario, World
from .scenarios_connections import MISSING_UUID, made_by_hand
from .scenarios_models import _model_by_hand as model_by_hand
from .scenarios_models import _models as models

# -- ModelRole -----------------------------------------------------------------------------------


def _user_roles(w: World, user: str, model: str) -> list[dict[str, Any]]:
    answer = w.client.get(f"/api/v1/users/{user}/model-roles", params={"modelId": model})
    return answer["results"]


def _direct_role(w: World, id_: str) -> str | None:
    _, user, _, model = id_.split("/")
    direct = [e for e in _user_roles(w, user, model) if e["from"]["type"] == "User Role"]
    return direct[0]["roleName"] if direct else None


def _role_drift(w: World, id_: str, outs: dict[str, Any]) -> tuple[str, Any]:
    _, user, _, model = id_.split("/")
    w.client.post(
        f"/api/v1/users/{user}/model-roles", json={"modelId": model, "roleName": "QUERIER"}
    )
    return "role", _direct_role(w, id_)


def _role_removed_in_the_ui(w: World, id_: str, outs: dict[str, Any]) -> None:
    # Omni's API cannot remove an assignment (no revoke); its UI can: the emulator's store does.
    _, user, _, model = id_.split("/")
    del w.emulator.state.user_model_roles[user][model]


def _role_by_hand(w: World) -> str:
    model = model_by_hand(w)
    user = w.users[1]
    w.client.post(
        f"/api/v1/users/{user}/model-roles", json={"modelId": model, "roleName": "VIEWER"}
    )
    return f"user/{user}/model/{model}"


MODEL_ROLE = Scenario(
    kind="ModelRole",
    resource=omni.ModelRole,
    deps=lambda w: models(w, "role "),
    # A user subject on a model: the group subject and a connection-level role are in
    # tests/unit/test_model_role.py and the access example.
    args=lambda w, d: {"role": "MODELER", "user_id": w.users[0], "model_id": d["shared"].id},
    update=lambda w, d: {"role": "VIEWER"},
    replace=lambda w, d: {"model_id": d["other"].id},
    drift=_role_drift,
    delete_outside=_role_removed_in_the_ui,
    make_by_hand=_role_by_hand,
    # The role as made by hand: Omni's only write of a role is a POST (an upsert), which the
    # adoption step counts as a create. Adopting with another role: tests/unit/test_model_role.py.
    adopt_args=lambda w: {
        "role": "VIEWER",
        "user_id": w.users[1],
        "model_id": made_by_hand(w, "hand_model"),
    },
    adopt_conflict=lambda w: {"model_id": MISSING_UUID},
    missing_id=f"user/{MISSING_UUID}/model/{MISSING_UUID}",
    # Destroy writes NO_ACCESS (Omni has no revoke): a direct NO_ACCESS grants nothing.
    exists=lambda w, id_, outs: _direct_role(w, id_) not in (None, "NO_ACCESS"),
)
