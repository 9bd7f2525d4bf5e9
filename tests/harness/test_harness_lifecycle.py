"""Create, same, update, replace and delete through the harness, observed in the toy store."""

from __future__ import annotations

import harness_toy as toy
import pulumi
import pytest

from omni_pulumi.testing.harness import UNKNOWN, HarnessOperationError

THING = "pulumi-python:dynamic/toy:Thing"


def log_of(store) -> list[list[str]]:
    return toy.read_store(store)["log"]


def objects_of(store) -> dict[str, dict]:
    return toy.read_store(store)["objects"]


def test_up_creates_then_everything_is_same(toy_stack, toy_store):
    def program():
        a = toy.Thing("a", name="alpha", size=1)
        toy.Thing("b", name="beta", owner=a.path)
        pulumi.export("a_path", a.path)

    stack = toy_stack(program)
    result = stack.up()

    assert result.ops_by_name() == {"a": "create", "b": "create"}
    assert {s.type for s in result.steps} == {THING}
    assert result.outputs == {"a_path": "/things/t1"}
    assert objects_of(toy_store) == {
        "t1": {"name": "alpha", "kind": "plain", "size": 1},
        "t2": {"name": "beta", "kind": "plain", "owner": "/things/t1"},
    }
    assert "toy: created alpha as t1" in result.diagnostics

    stack.preview(expect_no_changes=True)
    again = stack.up()
    assert again.counts() == {"same": 2}
    assert log_of(toy_store) == [["create", "t1", "alpha"], ["create", "t2", "beta"]]


def test_update_in_place_names_the_changed_property(toy_stack, toy_store):
    size = {"value": 1}

    def program():
        toy.Thing("a", name="alpha", size=size["value"])

    stack = toy_stack(program)
    stack.up()
    size["value"] = 5

    preview = stack.preview()
    assert preview.steps[0].op == "update"
    assert preview.steps[0].diffs == ("size",)
    assert objects_of(toy_store)["t1"]["size"] == 1, "preview must not update"

    result = stack.up()
    assert result.ops_by_name() == {"a": "update"}
    assert objects_of(toy_store)["t1"]["size"] == 5
    assert log_of(toy_store)[-1] == ["update", "t1", "alpha"]
    stack.preview(expect_no_changes=True)


def test_replace_creates_the_new_object_before_deleting_the_old(toy_stack, toy_store):
    spec = {"name": "alpha", "kind": "plain"}

    def program():
        toy.Thing("a", name=spec["name"], kind=spec["kind"])
        toy.Thing("z", name="zulu")

    stack = toy_stack(program)
    stack.up()
    spec.update(name="alpha2", kind="fancy")

    result = stack.up()

    assert result.ops_by_name() == {"a": "replace", "z": "same"}
    assert result.steps[0].diffs == ("kind", "name")
    assert log_of(toy_store)[2:] == [["create", "t3", "alpha2"], ["delete", "t1", "alpha"]]
    assert stack.state()["deployment"]["resources"][2]["id"] == "t3"


def test_create_before_delete_collides_on_a_unique_name(toy_stack, toy_store):
    """The reason delete-before-replace exists: the old object still holds the name."""
    kind = {"value": "plain"}

    def program():
        toy.Thing("a", name="alpha", kind=kind["value"])

    stack = toy_stack(program)
    stack.up()
    kind["value"] = "fancy"

    with pytest.raises(HarnessOperationError, match="toy object named 'alpha' already exists"):
        stack.up()
    assert objects_of(toy_store) == {"t1": {"name": "alpha", "kind": "plain"}}
    # The old resource is still in state and still diffs as a replace.
    assert stack.preview().ops_by_name() == {"a": "replace"}


def test_delete_before_replace_deletes_first(toy_stack, toy_store):
    kind = {"value": "plain"}

    def program():
        toy.Thing("a", name="alpha", kind=kind["value"], dbr=True)

    stack = toy_stack(program)
    stack.up()
    kind["value"] = "fancy"

    result = stack.up()

    assert result.ops_by_name() == {"a": "replace"}
    assert log_of(toy_store)[1:] == [["delete", "t1", "alpha"], ["create", "t2", "alpha"]]


def test_delete_before_replace_resource_option(toy_stack, toy_store):
    kind = {"value": "plain"}

    def program():
        toy.Thing(
            "a",
            name="alpha",
            kind=kind["value"],
            opts=pulumi.ResourceOptions(delete_before_replace=True),
        )

    stack = toy_stack(program)
    stack.up()
    kind["value"] = "fancy"
    stack.up()

    assert log_of(toy_store)[1:] == [["delete", "t1", "alpha"], ["create", "t2", "alpha"]]


def test_preview_never_creates_updates_or_deletes(toy_stack, toy_store, tmp_path):
    state = {"size": 1, "kind": "plain", "with_b": True}

    def program():
        toy.Thing("a", name="alpha", size=state["size"], kind=state["kind"])
        if state["with_b"]:
            toy.Thing("b", name="beta")

    stack = toy_stack(program, state_file=tmp_path / "state.json")
    first = stack.preview()
    assert first.ops_by_name() == {"a": "create", "b": "create"}
    assert log_of(toy_store) == []
    assert not (tmp_path / "state.json").exists()

    stack.up()
    state.update(size=2, kind="fancy", with_b=False)
    before = toy.read_store(toy_store)

    result = stack.preview()

    assert result.ops_by_name() == {"a": "replace", "b": "delete"}
    assert toy.read_store(toy_store) == before


def test_unknowns_reach_check_during_preview(toy_stack):
    def program():
        a = toy.Thing("a", name="alpha")
        b = toy.Thing("b", name="beta", owner=a.path)
        pulumi.export("b_owner", b.owner)

    stack = toy_stack(program)
    preview = stack.preview()

    assert "toy: check beta: unknown owner" in preview.diagnostics
    assert preview.outputs == {"b_owner": UNKNOWN}

    up = stack.up()
    assert "toy: check beta: unknown owner" not in up.diagnostics
    assert up.outputs == {"b_owner": "/things/t1"}


def test_resources_removed_from_the_program_are_deleted_at_the_end(toy_stack, toy_store):
    names = {"value": ["a", "b", "c"]}

    def program():
        for n in names["value"]:
            toy.Thing(n, name=n)

    stack = toy_stack(program)
    stack.up()
    names["value"] = ["a", "d"]

    result = stack.up()

    assert result.ops_by_name() == {"a": "same", "d": "create", "b": "delete", "c": "delete"}
    assert log_of(toy_store)[3:] == [
        ["create", "t4", "d"],
        ["delete", "t3", "c"],
        ["delete", "t2", "b"],
    ]
    urns = [r["urn"] for r in stack.state()["deployment"]["resources"]]
    assert [u.rsplit("::", 1)[1] for u in urns if THING in u] == ["a", "d"]


def test_destroy_deletes_dependents_first(toy_stack, toy_store):
    def program():
        c_first = toy.Thing("first", name="first")
        second = toy.Thing("second", name="second", owner=c_first.path)
        toy.Thing("third", name="third", opts=pulumi.ResourceOptions(depends_on=[second]))
        toy.Thing("loner", name="loner")

    stack = toy_stack(program)
    stack.up()

    result = stack.destroy()

    deleted = [entry[2] for entry in log_of(toy_store) if entry[0] == "delete"]
    assert deleted.index("third") < deleted.index("second") < deleted.index("first")
    assert sorted(deleted) == ["first", "loner", "second", "third"]
    assert result.counts() == {"delete": 4}
    assert stack.state()["deployment"]["resources"] == []
    assert objects_of(toy_store) == {}


def test_state_file_carries_the_stack_across_harness_stacks(toy_stack, tmp_path):
    def program():
        toy.Thing("a", name="alpha")

    path = tmp_path / "shared-state.json"
    toy_stack(program, state_file=path).up()

    other = toy_stack(program, state_file=path)
    assert other.preview().ops_by_name() == {"a": "same"}


def test_undecided_diff_leaves_the_engine_to_compare_inputs(toy_stack, toy_store):
    size = {"value": 1}

    def program():
        toy.Gadget("g", name="gadget", size=size["value"])

    stack = toy_stack(program)
    stack.up()
    stack.preview(expect_no_changes=True)
    size["value"] = 2

    preview = stack.preview()
    assert (preview.steps[0].op, preview.steps[0].diffs) == ("update", ("size",))
    stack.up()
    assert objects_of(toy_store)["t1"]["size"] == 2


def test_a_replaced_object_that_fails_to_delete_stays_owed_in_state(toy_stack, toy_store):
    spec = {"name": "undeletable", "kind": "plain"}

    def program():
        toy.Thing("a", name=spec["name"], kind=spec["kind"])

    stack = toy_stack(program)
    stack.up()
    spec.update(name="successor", kind="fancy")

    with pytest.raises(HarnessOperationError, match="refuses to go"):
        stack.up()

    entries = [r for r in stack.state()["deployment"]["resources"] if r["type"] == THING]
    assert [(r["id"], r.get("delete", False)) for r in entries] == [("t2", False), ("t1", True)]
    assert stack.preview().ops_by_name() == {"a": "same"}
