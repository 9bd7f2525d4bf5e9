"""SCHEMA and shared models through the real Pulumi engine, against the emulator as a live Omni.

The engine runs steps in parallel, which the harness does not: a program that does not order a
SCHEMA model and a shared model has the engine create both at once, and Omni refuses the shared one
until the SCHEMA model's schema is built. The first `up` must still work, with no flag.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from omni_scenarios import API_KEY, World, find_resource, omni_world

import omni_pulumi as omni
from omni_pulumi.testing.pulumi_cli import CliStack

pytestmark = pytest.mark.engine

#: Pacing is not the subject here.
UNPACED = {"omni:requestsPerMinute": "0"}


@pytest.fixture
def world() -> Iterator[World]:
    with omni_world() as made:
        # The SCHEMA model's refresh answers IN_PROGRESS once: the shared model, started beside
        # it, surely meets Omni's refusal (no SCHEMA model yet, or its schema not built).
        made.emulator.job_polls_in_progress = 1
        yield made


def warehouse() -> None:
    """A connection, its SCHEMA model and a SHARED model: no flag, no dependency between the two
    models, so the engine creates them in parallel once the connection exists."""
    connection = omni.Connection(
        "warehouse",
        dialect="postgres",
        name="Warehouse",
        host="db.example.com",
        database="analytics",
        password="pg-password",
    )
    omni.Model("schema", connection_id=connection.id, model_kind="SCHEMA")
    omni.Model("shared", connection_id=connection.id, model_kind="SHARED", model_name="Analytics")


def test_the_first_up_works_and_destroy_says_what_omni_did(
    pulumi_cli: Path, world: World, tmp_path: Path
) -> None:
    with CliStack(
        warehouse,
        cli=pulumi_cli,
        config={"omni:baseUrl": world.emulator.base_url, **UNPACED},
        secret_config={"omni:apiKey": API_KEY},
        work_dir=tmp_path / "stack",
    ) as stack:
        up = stack.up()
        assert up.ops_by_name() == dict.fromkeys(("warehouse", "schema", "shared"), "create")
        waited = [line for line in up.diagnostics if "Model 'Analytics': waiting up to" in line]
        assert waited, up.diagnostics
        state = stack.state()
        schema, shared = find_resource(state, "schema"), find_resource(state, "shared")
        assert schema is not None and shared is not None
        assert schema["outputs"]["model_name"] == "Warehouse"  # Omni's name: the connection's
        assert world.emulator.state.models[shared["id"]]["deletedAt"] is None
        stack.preview(expect_no_changes=True)

        ids = {name: find_resource(state, name)["id"] for name in ("warehouse", "schema", "shared")}
        destroyed = stack.destroy()

        def said(id_: str) -> str:
            lines = {line for line in destroyed.diagnostics if id_ in line}
            assert len(lines) == 1, destroyed.diagnostics
            return lines.pop()

        assert "archived, not deleted" in said(ids["shared"])
        assert "git configuration was removed" in said(ids["shared"])
        assert "cannot delete a SCHEMA model" in said(ids["schema"])
        assert "still exists" not in said(ids["schema"])
        assert "archived, not deleted" in said(ids["warehouse"])
        assert "trash with its models" in said(ids["warehouse"])
        models = world.emulator.state.models
        assert models[ids["shared"]]["deletedAt"] and models[ids["schema"]]["deletedAt"]
