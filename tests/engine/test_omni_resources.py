"""Every omni-pulumi resource through the real Pulumi engine, against the emulator.

The lifecycle suite runs the same scenarios through the engine-protocol harness; here the
``pulumi`` CLI makes the calls, so what users see in ``pulumi preview``/``up`` (the engine's own
step kinds, its diagnostics, the state it stores) is pinned. Each CLI operation costs a second or
two, so each resource tells one story on one stack.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from omni_scenarios import (
    API_KEY,
    SCENARIOS,
    SUBJECT,
    Scenario,
    World,
    adoption_program,
    find_resource,
    omni_world,
    program,
)

from omni_pulumi.testing.pulumi_cli import CliStack
from omni_pulumi.testing.results import OperationResult

pytestmark = pytest.mark.engine

by_kind = pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.kind)


@pytest.fixture
def world() -> Iterator[World]:
    with omni_world() as made:
        yield made


@pytest.fixture
def omni_stack(pulumi_cli: Path, world: World, tmp_path: Path) -> Iterator[Callable[..., CliStack]]:
    """Make real-engine stacks pointed at the world's emulator, removed after the test."""
    stacks: list[CliStack] = []

    def make(run: Callable[[], None], **kwargs: Any) -> CliStack:
        stacks.append(
            CliStack(
                run,
                cli=pulumi_cli,
                config={"omni:baseUrl": world.emulator.base_url},
                secret_config={"omni:apiKey": API_KEY, **kwargs.pop("secret_config", {})},
                work_dir=tmp_path / f"stack-{len(stacks)}",
                **kwargs,
            )
        )
        return stacks[-1]

    yield make
    for stack in stacks:
        stack.close()


def subject(stack: CliStack) -> dict[str, Any]:
    found = find_resource(stack.state())
    assert found is not None, f"{SUBJECT} is not in the stack"
    return found


def op_of(result: OperationResult) -> str:
    return result.ops_by_name()[SUBJECT]


def calls(world: World, method: str | None = None) -> int:
    return sum(n for (m, _), n in world.emulator.calls.items() if method in (None, m))


def assert_deleted_or_left(
    scenario: Scenario, world: World, gone: dict[str, Any], result: OperationResult
) -> None:
    """Pulumi deleted ``gone``: Omni no longer has it, or, where Omni cannot delete it, it stays
    and the engine's diagnostics tell the user so with its id."""
    id_, outputs = gone["id"], gone["outputs"]
    if scenario.destroy_leaves:
        assert scenario.exists(world, id_, outputs), f"{scenario.kind} {id_} should stay in Omni"
        said = [line for line in result.diagnostics if id_ in line and "still exists" in line]
        assert said, result.diagnostics
        return
    assert not scenario.exists(world, id_, outputs), f"{scenario.kind} {id_} is still in Omni"
    if scenario.deleted_as is not None:
        scenario.deleted_as(world, id_, outputs)


@by_kind
def test_the_engine_drives_the_whole_lifecycle(scenario: Scenario, world: World, omni_stack):
    """create, clean preview, update, replace, drift, delete by hand, destroy: one stack."""
    stack = omni_stack(program(scenario, world))
    assert op_of(stack.up()) == "create"
    created = subject(stack)
    assert scenario.exists(world, created["id"], created["outputs"])
    world.emulator.reset_calls()
    stack.preview(expect_no_changes=True)
    assert calls(world) == 0, f"a no-op preview called Omni: {dict(world.emulator.calls)}"

    # An updatable argument: the engine's own preview says update, and up keeps the id.
    changes: list[Callable[..., dict[str, Any]]] = [scenario.update]
    stack.program = program(scenario, world, *changes)
    assert op_of(stack.preview()) == "update"
    assert op_of(stack.up()) == "update"
    assert subject(stack)["id"] == created["id"]
    stack.preview(expect_no_changes=True)

    if scenario.replace is not None:
        changes.append(scenario.replace)
        stack.program = program(scenario, world, *changes)
        assert op_of(stack.preview()) == "replace"
        replaced = stack.up()
        assert op_of(replaced) == "replace"
        new = subject(stack)
        assert new["id"] != created["id"]
        assert scenario.exists(world, new["id"], new["outputs"])
        assert_deleted_or_left(scenario, world, created, replaced)
        stack.preview(expect_no_changes=True)

    # A change made in Omni: refresh shows it as an update of the subject, up reverts it.
    current = subject(stack)
    field, value = scenario.drift(world, current["id"], current["outputs"])
    refreshed = stack.refresh()
    (step,) = [s for s in refreshed.steps if s.name == SUBJECT]
    assert step.op == "update" and field in step.diffs, step
    assert subject(stack)["outputs"][field] == value
    assert op_of(stack.up()) == "update"
    stack.preview(expect_no_changes=True)

    # Deleted in Omni: refresh drops it from the stack, up makes it again.
    current = subject(stack)
    scenario.delete_outside(world, current["id"], current["outputs"])
    assert op_of(stack.refresh()) == "delete"
    assert find_resource(stack.state()) is None
    assert op_of(stack.up()) == "create"
    stack.preview(expect_no_changes=True)

    last = subject(stack)
    destroyed = stack.destroy()
    assert_deleted_or_left(scenario, world, last, destroyed)
    assert not stack.state()["deployment"].get("resources")


@by_kind
@pytest.mark.parametrize("marker", ["import_", "adopt_id"])
def test_adoption_through_the_resource_class(scenario, marker, world: World, omni_stack):
    """``import_`` (which the engine cannot do for a dynamic resource: the class turns it into
    ``adopt_id``) and ``adopt_id`` take the object over without creating one."""
    id_ = scenario.make_by_hand(world)
    stack = omni_stack(adoption_program(scenario, world, marker, id_))
    world.emulator.reset_calls()
    adopted = stack.up()
    assert op_of(adopted) == "create"
    assert calls(world, "POST") == 0, f"adoption created: {dict(world.emulator.calls)}"
    assert any(f"adopted existing {scenario.kind}" in line for line in adopted.diagnostics), (
        adopted.diagnostics
    )
    # A Label's id is its name; the others keep the id adopted.
    assert subject(stack)["id"] == id_ or scenario.kind == "Label"
    stack.preview(expect_no_changes=True)

    stack.program = adoption_program(scenario, world, None, id_)
    stack.preview(expect_no_changes=True)
