"""Every resource, the way `pulumi up` drives it: create, a clean second preview, update, replace,
refresh after changes and deletes made by hand, adoption, destroy; with Omni's call counts."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from omni_pulumi.testing.harness import HarnessOperationError
from tests.support.calls import omni_calls

from .scenarios import SCENARIOS, Scenario, World

SUBJECT = "subject"


def program(scenario: Scenario, world: World, *overrides, **options: Any):
    """The scenario's program, with argument overrides (functions of world and dependencies)."""

    def run() -> None:
        deps = scenario.deps(world)
        args = scenario.args(world, deps)
        for override in overrides:
            args.update(override(world, deps))
        scenario.resource(SUBJECT, **args, opts=pulumi.ResourceOptions(**options))

    return run


def adoption_program(scenario: Scenario, world: World, marker: str | None, id_: str, extra=None):
    def run() -> None:
        args = {**scenario.adopt_args(world), **(extra or {})}
        if marker == "adopt_id":
            args["adopt_id"] = id_
        opts = pulumi.ResourceOptions(import_=id_ if marker == "import_" else None)
        scenario.resource(SUBJECT, **args, opts=opts)

    return run


def subject(stack) -> dict[str, Any]:
    for resource in stack.state()["deployment"]["resources"]:
        if resource["urn"].endswith(f"::{SUBJECT}"):
            return resource
    raise AssertionError(f"{SUBJECT} is not in the stack")


def calls(world: World) -> int:
    """Calls to Omni, the one credential check per operation aside."""
    return omni_calls(world.emulator.calls)


def posts(world: World) -> int:
    return sum(n for (method, _), n in world.emulator.calls.items() if method == "POST")


def assert_deleted_or_left(scenario: Scenario, world: World, s, gone: dict[str, Any], result=None):
    """Pulumi deleted ``gone``: Omni no longer has it, or, where Omni cannot delete it, it stays
    and the user is told so with its id."""
    id_, outputs = gone["id"], gone["outputs"]
    if scenario.destroy_leaves:
        assert scenario.exists(world, id_, outputs), f"{scenario.kind} {id_} should stay in Omni"
        said = "\n".join(result.diagnostics if result else []) + s.host_stderr()
        assert any(id_ in line and "still exists" in line for line in said.splitlines()), said
        return
    assert not scenario.exists(world, id_, outputs)
    if scenario.deleted_as is not None:
        scenario.deleted_as(world, id_, outputs)


by_kind = pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.kind)
#: Steps that apply to some kinds only run for those (a kind without the step is no skipped test).
REPLACEABLE = [s for s in SCENARIOS if s.replace is not None]
WITH_ADOPT_CONFLICT = [s for s in SCENARIOS if s.adopt_conflict is not None]
#: Which kinds each partial step covers. A scenario that loses its `replace` (or adoption
#: conflict) overrides would otherwise lose that coverage quietly; a new kind is added here on
#: purpose.
EXPECTED_KINDS = {
    "replace": {
        "Folder",
        "Connection",
        "ConnectionEnvironment",
        "SchemaRefreshSchedule",
        "DbtEnvironment",
        "Model",
        "GitConfig",
        "Schedule",
        "DbtConfig",
        "UserAttribute",
        "ModelRole",
        "FolderPermission",
        "FolderPermissions",
    },
    "adopt_conflict": {
        "Folder",
        "Connection",
        "ConnectionEnvironment",
        "Model",
        "Schedule",
        "UserAttribute",
        "ModelRole",
        "FolderPermission",
    },
}


def test_every_step_covers_the_expected_kinds():
    kinds = [s.kind for s in SCENARIOS]
    assert len(kinds) == len(set(kinds)), "one scenario per kind"
    # Every other step is parametrized over every scenario (by_kind).
    assert {s.kind for s in REPLACEABLE} == EXPECTED_KINDS["replace"]
    assert {s.kind for s in WITH_ADOPT_CONFLICT} == EXPECTED_KINDS["adopt_conflict"]
    # The kinds without a replace step: every argument updates in place.
    assert set(kinds) - EXPECTED_KINDS["replace"] == {"Label", "UserGroup", "User"}


@by_kind
def test_up_creates_and_a_second_preview_and_up_change_nothing(scenario, world, stack):
    s = stack(program(scenario, world))
    assert s.preview().ops_by_name()[SUBJECT] == "create"
    assert calls(world) == 0, "preview must not call Omni"

    assert s.up().ops_by_name()[SUBJECT] == "create"
    created = subject(s)
    assert scenario.exists(world, created["id"], created["outputs"])

    world.emulator.reset_calls()
    s.preview(expect_no_changes=True)
    assert s.up().changes == {}
    assert calls(world) == 0, f"a no-op preview and up made calls: {dict(world.emulator.calls)}"


@by_kind
def test_an_updatable_change_updates_in_place(scenario, world, stack):
    s = stack(program(scenario, world))
    s.up()
    before = subject(s)
    s.program = program(scenario, world, scenario.update)
    assert s.preview().ops_by_name()[SUBJECT] == "update"
    assert s.up().ops_by_name()[SUBJECT] == "update"
    after = subject(s)
    assert after["id"] == before["id"]
    s.preview(expect_no_changes=True)
    assert s.refresh().changes == {}, "Omni must hold what the update wrote"


@pytest.mark.parametrize("scenario", REPLACEABLE, ids=lambda s: s.kind)
def test_a_replace_only_change_replaces(scenario, world, stack):
    s = stack(program(scenario, world))
    s.up()
    old = subject(s)
    s.program = program(scenario, world, scenario.replace)
    assert s.preview().ops_by_name()[SUBJECT] == "replace"
    assert s.up().ops_by_name()[SUBJECT] == "replace"
    new = subject(s)
    assert new["id"] != old["id"]
    assert scenario.exists(world, new["id"], new["outputs"])
    assert_deleted_or_left(scenario, world, s, old)
    s.preview(expect_no_changes=True)


@by_kind
def test_refresh_shows_a_change_made_by_hand_and_up_reverts_it(scenario, world, stack):
    s = stack(program(scenario, world))
    s.up()
    created = subject(s)
    field, value = scenario.drift(world, created["id"], created["outputs"])

    world.emulator.reset_calls()
    assert s.refresh().ops_by_name()[SUBJECT] == "update"
    resources = len(s.state()["deployment"]["resources"])
    assert calls(world) <= resources, f"refresh cost {dict(world.emulator.calls)}"
    assert subject(s)["outputs"][field] == value

    assert s.preview().ops_by_name()[SUBJECT] == "update"
    s.up()
    s.preview(expect_no_changes=True)
    assert s.refresh().changes == {}


@by_kind
def test_an_object_deleted_by_hand_leaves_the_stack_on_refresh_and_up_recreates_it(
    scenario, world, stack
):
    s = stack(program(scenario, world))
    s.up()
    created = subject(s)
    scenario.delete_outside(world, created["id"], created["outputs"])

    s.refresh()
    names = [r["urn"].rsplit("::", 1)[-1] for r in s.state()["deployment"]["resources"]]
    assert SUBJECT not in names
    assert s.up().ops_by_name()[SUBJECT] == "create"
    s.preview(expect_no_changes=True)


@by_kind
def test_destroy_removes_the_object_or_says_it_stays(scenario, world, stack):
    s = stack(program(scenario, world))
    s.up()
    created = subject(s)
    result = s.destroy()
    assert_deleted_or_left(scenario, world, s, created, result)
    assert s.state()["deployment"].get("resources") in (None, [])


@by_kind
@pytest.mark.parametrize("marker", ["import_", "adopt_id"])
def test_adoption_takes_over_an_object_made_by_hand(scenario, marker, world, stack):
    id_ = scenario.make_by_hand(world)
    s = stack(adoption_program(scenario, world, marker, id_))
    world.emulator.reset_calls()
    assert s.preview().ops_by_name()[SUBJECT] == "create"
    assert calls(world) == 0, "the preview of an adoption must not call Omni"

    result = s.up()
    assert posts(world) == 0, f"adoption must not create: {dict(world.emulator.calls)}"
    assert f"adopted existing {scenario.kind}" in "\n".join(result.diagnostics) + s.host_stderr()
    assert subject(s)["id"] == id_ or scenario.kind == "Label"
    s.preview(expect_no_changes=True)
    assert s.refresh().changes == {}, "the differing settings must be written in the same up"

    s.program = adoption_program(scenario, world, None, id_)
    s.preview(expect_no_changes=True)


@by_kind
def test_adopting_a_missing_object_fails_and_creates_nothing(scenario, world, stack):
    s = stack(adoption_program(scenario, world, "adopt_id", scenario.missing_id))
    with pytest.raises(HarnessOperationError) as failure:
        s.up()
    assert f"Cannot adopt {scenario.kind} {scenario.missing_id!r}" in str(failure.value)
    assert posts(world) == 0


@pytest.mark.parametrize("scenario", WITH_ADOPT_CONFLICT, ids=lambda s: s.kind)
def test_adopting_with_a_differing_replace_only_setting_fails(scenario, world, stack):
    id_ = scenario.make_by_hand(world)
    conflict = scenario.adopt_conflict(world)
    s = stack(adoption_program(scenario, world, "adopt_id", id_, conflict))
    world.emulator.reset_calls()
    with pytest.raises(HarnessOperationError) as failure:
        s.up()
    field = next(iter(conflict))
    assert f"`{field}` is" in str(failure.value)
    assert repr(conflict[field]) in str(failure.value)
    assert posts(world) == 0
