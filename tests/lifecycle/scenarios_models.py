"""Scenarios of models, their git configurations, and dashboard schedules."""

from __future__ import annotations

from typing import Any

import omni_pulumi as omni

from .scenario import Scenario, World, exists_unless_404
from .scenarios_connections import (
    MISSING_UUID,
    connection_by_hand,
    made_by_hand,
    pem_key,
    postgres,
)

MODELS = "/api/v1/models"


def _model_record(w: World, id_: str) -> dict[str, Any] | None:
    page = w.client.get(MODELS, params={"modelId": id_, "includeDeleted": "true"})
    return next((r for r in page.get("records") or [] if r["id"] == id_), None)


def _model_live(w: World, id_: str, outs: dict[str, Any]) -> bool:
    """Not deleted on its own. Archiving a connection sends its models to the trash with it (as
    destroying the whole stack does), and that leaves them in Omni: restoring the connection
    restores them."""
    record = _model_record(w, id_)
    if record is None:
        return False
    connection = w.emulator.state.connections[record["connectionId"]]
    return not record["deletedAt"] or record["deletedAt"] == connection["deletedAt"]


def _model_archived(w: World, id_: str, outs: dict[str, Any]) -> None:
    """Destroy archives a shared or extension model: still listed with ``includeDeleted``, in the
    trash (``deletedAt``), not gone."""
    record = _model_record(w, id_)
    assert record is not None and record["deletedAt"], f"model {id_} was not archived: {record}"


def refresh_by_hand(w: World, model_id: str) -> None:
    """Build a SCHEMA model's schema as Omni's UI does: a live Omni creates no shared model on the
    connection before (finding 33)."""
    job = w.client.post(f"{MODELS}/{model_id}/refresh")["jobId"]
    while w.client.get(f"/api/v1/jobs/{job}/status")["status"] == "IN_PROGRESS":
        pass  # the emulator's job ends after a fixed number of polls


def _models(w: World, prefix: str = "") -> dict[str, Any]:
    """A connection with its SCHEMA model (schema refreshed at create, the default) and two SHARED
    models built on it."""
    connection = postgres(f"{prefix}Modeled")
    schema = omni.Model(
        f"{prefix}schema",
        connection_id=connection.id,
        model_kind="SCHEMA",
        hard_refresh=False,
    )
    shared = omni.Model(
        f"{prefix}shared",
        connection_id=schema.connection_id,
        model_kind="SHARED",
        model_name=f"{prefix}Shared",
    )
    other = omni.Model(
        f"{prefix}other",
        connection_id=schema.connection_id,
        model_kind="SHARED",
        model_name=f"{prefix}Other shared",
    )
    return {"connection": connection, "schema": schema, "shared": shared, "other": other}


def _model_by_hand(w: World) -> str:
    connection = w.made["model_connection"] = connection_by_hand(w, "Hand modeled")
    schema = w.client.post(MODELS, json={"connectionId": connection, "modelKind": "SCHEMA"})
    refresh_by_hand(w, schema["model"]["id"])
    body = {"connectionId": connection, "modelKind": "SHARED", "modelName": "Hand model"}
    w.made["hand_model"] = w.client.post(MODELS, json=body)["model"]["id"]
    return w.made["hand_model"]


# -- Model ---------------------------------------------------------------------------------------


MODEL = Scenario(
    kind="Model",
    resource=omni.Model,
    deps=_models,
    # A SHARED_EXTENSION on a shared model: every argument but refresh_schema, which is for SCHEMA
    # models (the dependencies' SCHEMA model takes its default), so the clean second preview
    # covers it too. Destroy archives it; SCHEMA models are the subject of test_models.py.
    args=lambda w, d: {
        "connection_id": d["shared"].connection_id,
        "model_kind": "SHARED_EXTENSION",
        "model_name": "Revenue extension",
        "base_model_id": d["shared"].id,
        "access_grants": [
            {
                "name": "finance",
                "access_boostable": True,
                "allowed_values": ["emea", "amer"],
                "code_comments": {"why": "regional finance"},
                "ignored": False,
                "user_attribute": "region",
            }
        ],
        "allow_as_workbook_base": True,
        "uses_isolated_branches": True,
        "hard_refresh": False,
    },
    update=lambda w, d: {"model_name": "Revenue extension v2"},
    replace=lambda w, d: {"base_model_id": d["other"].id},
    drift=lambda w, id_, outs: (
        "model_name",
        w.client.patch(f"{MODELS}/{id_}", json={"name": "Renamed by hand"})
        and _model_record(w, id_)["name"],
    ),
    delete_outside=lambda w, id_, outs: w.client.delete(f"{MODELS}/{id_}"),
    make_by_hand=_model_by_hand,
    adopt_args=lambda w: {
        "connection_id": made_by_hand(w, "model_connection"),
        "model_kind": "SHARED",
        "model_name": "Adopted model",
    },
    adopt_conflict=lambda w: {"model_kind": "BRANCH", "base_model_id": MISSING_UUID},
    missing_id=MISSING_UUID,
    exists=_model_live,
    deleted_as=_model_archived,
)


# -- GitConfig -----------------------------------------------------------------------------------


def _git_path(model_id: str) -> str:
    return f"{MODELS}/{model_id}/git"


def _git_by_hand(w: World) -> str:
    model = _model_by_hand(w)
    body = {"cloneUrl": "git@github.com:acme/hand.git", "baseBranch": "trunk"}
    w.client.post(_git_path(model), json=body)
    return model


GIT_CONFIG = Scenario(
    kind="GitConfig",
    resource=omni.GitConfig,
    deps=_models,
    # ssh with the user's own deploy key: `token` is for https_token auth only and is refused
    # beside a deploy key, so the secrets test (test_secrets.py) sets it on another GitConfig.
    args=lambda w, d: {
        "model_id": d["shared"].id,
        "clone_url": "git@github.com:acme/models.git",
        "ssh_url": "git@github.com:acme/models.git",
        "auth_method": "ssh",
        "deploy_private_key": pem_key("deploy-key-one"),
        "deploy_key_passphrase": "deploy-passphrase-one",
        "base_branch": "main",
        "branch_per_pull_request": True,
        "git_follower": False,
        "git_service_provider": "github",
        "model_path": "analytics",
        "require_pull_request": "users-only",
        "web_url": "https://github.com/acme/models",
    },
    update=lambda w, d: {
        "deploy_private_key": pem_key("deploy-key-two"),
        "deploy_key_passphrase": "deploy-passphrase-two",
        "base_branch": "release",
    },
    replace=lambda w, d: {"model_id": d["other"].id},
    drift=lambda w, id_, outs: (
        "base_branch",
        w.client.patch(_git_path(id_), json={"baseBranch": "hotfix"})["baseBranch"],
    ),
    delete_outside=lambda w, id_, outs: w.client.delete(_git_path(id_)),
    make_by_hand=_git_by_hand,
    adopt_args=lambda w: {
        "model_id": made_by_hand(w, "hand_model"),
        "clone_url": "git@github.com:acme/hand.git",
        "base_branch": "main",
    },
    adopt_conflict=None,  # the model is the adoption id: it cannot differ
    missing_id=MISSING_UUID,
    exists=lambda w, id_, outs: exists_unless_404(lambda: w.client.get(_git_path(id_))),
)


# -- Schedule ------------------------------------------------------------------------------------

SCHEDULES = "/api/v1/schedules"


def _dashboard(w: World, name: str) -> str:
    return w.once(
        f"dashboard {name}",
        lambda: w.emulator.seed_dashboard(name, filter_keys=["region"], query_map_keys=["revenue"]),
    )


def _schedule_by_hand(w: World) -> str:
    body = {
        "identifier": _dashboard(w, "Hand"),
        "name": "Hand delivery",
        "schedule": "0 8 * * ? *",
        "timezone": "UTC",
        "format": "pdf",
        "destinationType": "email",
        "recipients": [{"email": "old@example.com"}],
        "testNow": False,
    }
    return w.client.post(SCHEDULES, json=body)["id"]


SCHEDULE = Scenario(
    kind="Schedule",
    resource=omni.Schedule,
    # An email alert in csv: the other destinations' arguments (webhook_url, slack_recipient_type,
    # bucket_name, key_prefix, region, role_arn) and hide_title (pdf/png only) are refused beside
    # these, as Omni refuses them.
    args=lambda w, d: {
        "identifier": _dashboard(w, "Revenue"),
        "name": "Weekly revenue",
        "schedule": "0 9 ? * MON-FRI *",
        "timezone": "Europe/Paris",
        "format": "csv",
        "destination_type": "email",
        "recipients": ["b@example.com", "a@example.com"],
        "filter_config": {"region": {"values": ["emea"]}},
        "condition_type": "RESULTS_PRESENT",
        "condition_query_map_key": "revenue",
        "enable_formatting": True,
        "fan_out": True,
        "hide_hidden_fields": True,
        "kill_jobs_on_failure": True,
        "show_content_link": True,
        "show_filters": True,
        "timezone_override": "America/New_York",
        "paused": True,
        "user_id": w.users[0],
    },
    update=lambda w, d: {
        "name": "Weekly revenue (EMEA)",
        "timezone_override": "Asia/Tokyo",
        "paused": False,
        "user_id": w.users[1],
    },
    replace=lambda w, d: {"identifier": _dashboard(w, "Costs")},
    drift=lambda w, id_, outs: (
        "paused",
        w.client.put(f"{SCHEDULES}/{id_}/resume") and False,
    ),
    delete_outside=lambda w, id_, outs: w.client.delete(f"{SCHEDULES}/{id_}"),
    make_by_hand=_schedule_by_hand,
    adopt_args=lambda w: {
        "identifier": _dashboard(w, "Hand"),
        "name": "Hand delivery",
        "schedule": "0 8 * * ? *",
        "timezone": "UTC",
        "format": "pdf",
        "destination_type": "email",
        "recipients": ["new@example.com"],
        "hide_title": True,
    },
    adopt_conflict=lambda w: {"identifier": _dashboard(w, "Elsewhere")},
    missing_id=MISSING_UUID,
    exists=lambda w, id_, outs: exists_unless_404(lambda: w.client.get(f"{SCHEDULES}/{id_}")),
)
