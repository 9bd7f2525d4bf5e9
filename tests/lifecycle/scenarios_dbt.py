"""The scenario of a connection's dbt configuration (one per connection, keyed by its id)."""

from __future__ import annotations

from typing import Any

import omni_pulumi as omni
from omni_pulumi.client import quote_segment

from .scenario import Scenario, World
from .scenarios_connections import MISSING_UUID, connection_by_hand, made_by_hand, postgres


def _path(connection_id: str) -> str:
    return f"/api/v1/connections/{quote_segment(connection_id)}/dbt"


def _configuration(w: World, connection_id: str) -> dict[str, Any] | None:
    try:
        answer = w.client.get(_path(connection_id))
    except omni.OmniNotFound:
        return None
    return answer if answer.get("sshUrl") else None


def _drift(w: World, id_: str, outs: dict[str, Any]) -> tuple[str, Any]:
    current = _configuration(w, id_)
    assert current is not None
    body = {k: v for k, v in current.items() if k != "supportsDbt"}
    w.client.put(_path(id_), json={**body, "branch": "changed-by-hand"})
    return "branch", _configuration(w, id_)["branch"]


def _by_hand(w: World) -> str:
    connection = w.made["dbt_config_connection"] = connection_by_hand(w, "Hand dbt config")
    body = {
        "sshUrl": "git@github.com:acme/old-dbt.git",
        "branch": "old",
        "autogenRelationships": False,
        "enableVirtualSchemas": False,
    }
    w.client.put(_path(connection), json=body)
    return connection


def _deps(w: World) -> dict[str, Any]:
    return {"first": postgres("dbt repo"), "second": postgres("dbt repo too")}


DBT_CONFIG = Scenario(
    kind="DbtConfig",
    resource=omni.DbtConfig,
    deps=_deps,
    args=lambda w, d: {
        "connection_id": d["first"].id,
        "ssh_url": "git@github.com:acme/dbt.git",
        "branch": "main",
        "autogen_relationships": True,
        "enable_virtual_schemas": True,
        "enable_semantic_layer": True,
        "dbt_version": "1.11",
        "project_root_path": "transform",
        "rotate_keys_trigger": "first",
    },
    update=lambda w, d: {
        "branch": "release",
        "enable_semantic_layer": False,
        "project_root_path": None,
        "rotate_keys_trigger": "second",
    },
    replace=lambda w, d: {"connection_id": d["second"].id},
    drift=_drift,
    delete_outside=lambda w, id_, outs: w.client.delete(_path(id_)),
    make_by_hand=_by_hand,
    adopt_args=lambda w: {
        "connection_id": made_by_hand(w, "dbt_config_connection"),
        "ssh_url": "git@github.com:acme/dbt.git",
        "branch": "main",
    },
    adopt_conflict=None,  # the connection is the adoption id: it cannot differ
    missing_id=MISSING_UUID,
    exists=lambda w, id_, outs: _configuration(w, id_) is not None,
)
