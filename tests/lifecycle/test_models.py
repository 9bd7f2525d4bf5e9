"""SCHEMA and shared models as a live Omni treats them, through the engine-protocol harness.

The generic scenarios (scenarios_models.py) drive a SHARED_EXTENSION model; these tell what is
particular to a connection's SCHEMA model and the models built on it: the first `up` with no flag,
whose name is whose, what destroy says it did, and a schedule declared before its SCHEMA model.
The harness applies steps one at a time; the real engine runs the two models in parallel, which
tests/engine/test_models.py covers.
"""

from __future__ import annotations

import pytest

import omni_pulumi as omni
from omni_pulumi.testing.harness import HarnessOperationError

from .scenarios_connections import postgres

MODELS = "/api/v1/models"
#: No waiting for a schema refresh: what is under test must work without it.
NO_WAIT = {"OMNI_SCHEMA_REFRESH_WAIT_SECONDS": "0"}


def warehouse_program(*, schema_name: str | None = None):
    """A connection, its SCHEMA model and a SHARED model, with no flag and no dependency between
    the two models."""

    def run() -> None:
        connection = postgres("Warehouse")
        extra = {"model_name": schema_name} if schema_name else {}
        omni.Model("schema", connection_id=connection.id, model_kind="SCHEMA", **extra)
        omni.Model(
            "shared", connection_id=connection.id, model_kind="SHARED", model_name="Analytics"
        )

    return run


def resource(stack, name: str) -> dict:
    return next(
        r for r in stack.state()["deployment"]["resources"] if r["urn"].endswith(f"::{name}")
    )


def said(stack, result) -> str:
    return "\n".join([*result.diagnostics, stack.host_stderr()])


def test_the_first_up_of_a_connection_its_schema_and_a_shared_model_works(world, stack):
    s = stack(warehouse_program(), env=NO_WAIT)
    s.up()
    schema, shared = resource(s, "schema"), resource(s, "shared")
    # The SCHEMA model's schema was built by default, and its name is Omni's: the connection's.
    assert schema["outputs"]["refresh_schema"] is True
    assert schema["outputs"]["model_name"] == "Warehouse"
    assert world.emulator.state.models[schema["id"]]["schemaRefreshed"] is True
    assert world.emulator.state.models[shared["id"]]["modelKind"] == "SHARED"
    s.preview(expect_no_changes=True)
    assert s.refresh().changes == {}, "Omni's name for the SCHEMA model is no drift"


def test_a_name_for_a_schema_model_is_refused_at_preview(world, stack):
    s = stack(warehouse_program(schema_name="Schema"))
    with pytest.raises(HarnessOperationError) as failure:
        s.preview()
    message = str(failure.value)
    assert "Model.model_name" in message and "after its connection" in message
    assert "leave model_name unset" in message
    assert not world.emulator.state.models


def test_destroy_says_what_omni_did_with_each_object(world, stack):
    s = stack(warehouse_program())
    s.up()
    ids = {name: resource(s, name)["id"] for name in ("schema", "shared", "warehouse")}
    result = s.destroy()
    lines = said(s, result).splitlines()

    def line_of(id_: str) -> str:
        (found,) = {line for line in lines if id_ in line}  # diagnostics repeat host stderr
        return found

    assert "archived, not deleted" in line_of(ids["shared"])
    assert "git configuration was removed" in line_of(ids["shared"])
    schema_line = line_of(ids["schema"])
    assert "cannot delete a SCHEMA model" in schema_line and "connection is archived" in schema_line
    assert "still exists" not in schema_line
    assert "archived, not deleted" in line_of(ids["warehouse"])
    assert "trash with its models" in line_of(ids["warehouse"])
    models = world.emulator.state.models
    assert models[ids["shared"]]["deletedAt"] and models[ids["schema"]]["deletedAt"]


def test_destroy_after_the_connection_was_archived_in_omni_says_nothing_more(world, stack):
    s = stack(warehouse_program())
    s.up()
    schema_id, connection_id = resource(s, "schema")["id"], resource(s, "warehouse")["id"]
    world.client.delete(f"/api/v1/connections/{connection_id}")  # trashes both models
    result = s.destroy()
    assert "omni-pulumi:" not in said(s, result), said(s, result)
    assert world.emulator.state.models[schema_id]["deletedAt"]


def test_a_schedule_on_a_connection_without_its_schema_model_fails_naming_cause_and_fix(
    world, stack
):
    def run() -> None:
        connection = postgres("Warehouse")
        omni.SchemaRefreshSchedule(
            "nightly", connection_id=connection.id, schedule="0 3 * * ? *", timezone="UTC"
        )

    s = stack(run)
    with pytest.raises(HarnessOperationError) as failure:
        s.up()
    message = str(failure.value)
    assert "SchemaRefreshSchedule" in message
    assert "has no SCHEMA model yet" in message
    assert "connection_id=schema.connection_id" in message
