"""The real engine drives a dynamic provider through create, update, replace, refresh and destroy.

Each test is one story on one stack: every Pulumi operation costs about a second, and the steps of
a lifecycle depend on each other anyway.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import toy_provider as toy

from omni_pulumi.testing.pulumi_cli import UnexpectedChanges

pytestmark = pytest.mark.engine

WIDGET = "pulumi-python:dynamic/toy:Widget"


def widgets(store: Path) -> dict[str, dict[str, Any]]:
    """The toy's objects by label: what "the cloud" holds."""
    objects = json.loads(store.read_text()) if store.exists() else {}
    return {obj["label"]: {"id": id_, **obj} for id_, obj in objects.items()}


def test_update_in_place_then_replace(make_stack, toy_store):
    args = {"label": "alpha", "kind": "plain"}
    stack = make_stack(lambda: toy.Widget("w", **args))

    created = stack.up()
    assert created.ops_by_name() == {"w": "create"}
    assert created.steps[0].type == WIDGET
    first = widgets(toy_store)["alpha"]
    stack.preview(expect_no_changes=True)

    args["label"] = "beta"
    with pytest.raises(UnexpectedChanges, match=r"update pulumi-python:dynamic/toy:Widget w"):
        stack.preview(expect_no_changes=True)
    preview = stack.preview()
    assert [(s.name, s.op, s.diffs) for s in preview.steps] == [("w", "update", ("label",))]
    assert stack.up().changes == {"update": 1}
    updated = widgets(toy_store)
    assert list(updated) == ["beta"]
    assert updated["beta"]["id"] == first["id"]
    assert updated["beta"]["revision"] == 2

    args["kind"] = "fancy"
    preview = stack.preview()
    assert [(s.name, s.op, s.diffs) for s in preview.steps] == [("w", "replace", ("kind",))]
    assert stack.up().changes == {"replace": 1}
    replaced = widgets(toy_store)
    assert list(replaced) == ["beta"]
    assert replaced["beta"]["id"] != first["id"]
    assert replaced["beta"]["kind"] == "fancy"
    stack.preview(expect_no_changes=True)


def test_refresh_sees_out_of_band_change_and_delete_then_destroy(make_stack, toy_store):
    stack = make_stack(lambda: [toy.Widget("kept", label="kept"), toy.Widget("gone", label="gone")])
    stack.up()

    objects = json.loads(toy_store.read_text())
    for id_, obj in list(objects.items()):
        if obj["label"] == "gone":
            del objects[id_]
        else:
            obj["size"] = 7  # Someone changed it by hand.
    toy_store.write_text(json.dumps(objects))

    refreshed = stack.refresh()
    assert refreshed.ops_by_name() == {"kept": "update", "gone": "delete"}
    assert dict((s.name, s.diffs) for s in refreshed.steps)["kept"] == ("size",)
    names = [r["urn"].rsplit("::", 1)[-1] for r in stack.state()["deployment"]["resources"]]
    assert "gone" not in names
    assert "kept" in names

    # The program still says size 1 and still wants "gone": the next update puts both back.
    preview = stack.preview()
    assert preview.ops_by_name() == {"kept": "update", "gone": "create"}
    assert dict((s.name, s.diffs) for s in preview.steps)["kept"] == ("size",)

    destroyed = stack.destroy()
    assert destroyed.ops_by_name() == {"kept": "delete"}
    assert widgets(toy_store) == {}
    assert [r["type"] for r in stack.state()["deployment"].get("resources") or []] == []
