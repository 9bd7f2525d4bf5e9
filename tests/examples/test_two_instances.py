"""examples/two-instances: one program, two Omni instances (two emulators), through either engine.

Done when one program manages objects on two instances at once, with a clean second preview, drift
on either instance found by refresh, no key in the state or the pickled provider, and each
instance's calls within its own budget.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

pytest.importorskip("werkzeug", reason="the emulator needs the 'emulator' extra")

from omni_pulumi.budget import budget_fingerprint, cache_dir
from omni_pulumi.emulator import Emulator
from omni_pulumi.testing.pulumi_cli import CliStack

from .support import Example, StackFactory

TWO = Example("two-instances")
KEYS = {"staging": "staging-org-key-SECRET", "production": "production-org-key-SECRET"}
#: Each emulator enforces this limit per key, and each instance is told its own.
RATE = 120


@pytest.fixture
def instances() -> Iterator[dict[str, Emulator]]:
    with (
        Emulator(api_key=KEYS["staging"], rate_limit=RATE, record=True) as staging,
        Emulator(api_key=KEYS["production"], rate_limit=RATE, record=True) as production,
    ):
        yield {"staging": staging, "production": production}


def folder_names(emulator: Emulator) -> set[str]:
    return {f["name"] for f in emulator.store.folders.values()}


def test_one_program_keeps_two_instances_alike(
    example_stack: StackFactory, instances: dict[str, Emulator]
) -> None:
    # The default instance (omni:baseUrl, omni:apiKey) the fixture sets is used by no resource.
    stack = example_stack(TWO, "dev", instances["staging"].base_url)
    for name, emulator in instances.items():
        prefix = f"omni:instances.{name}"
        stack.set_config(f"{prefix}.baseUrl", emulator.base_url, path=True)
        stack.set_config(f"{prefix}.apiKey", KEYS[name], secret=True, path=True)
        stack.set_config(f"{prefix}.requestsPerMinute", str(RATE), path=True)

    up = stack.up()
    assert up.counts() == {"create": 10}
    for name, emulator in instances.items():
        assert folder_names(emulator) == {"Analytics", "Finance", "Marketing"}
        assert {label["name"] for label in emulator.store.labels.values()} == {
            "Certified",
            "Deprecated",
        }
        assert up.outputs[f"{name}_finance_path"] == "analytics/finance"
    stack.preview(expect_no_changes=True)

    # Drift on either instance is found by refresh, and only on the resource that drifted.
    (staging_finance,) = [
        f for f in instances["staging"].store.folders.values() if f["name"] == "Finance"
    ]
    staging_finance["name"] = "Finance (renamed by hand)"
    (production_label,) = [
        v for v in instances["production"].store.labels.values() if v["name"] == "Certified"
    ]
    production_label["color"] = "#000000"
    refreshed = stack.refresh()
    drifted = {s.name: s.diffs for s in refreshed.steps if s.op == "update"}
    assert drifted == {"staging-finance": ("name",), "production-certified": ("color",)}, drifted
    assert stack.up().counts().get("update") == 2
    assert "Finance" in folder_names(instances["staging"])
    assert production_label["color"] == "#1a7f37"
    stack.preview(expect_no_changes=True)

    # No key in the state as Pulumi stores it. The engine keeps the stack config on its default
    # provider, `omni:instances` whole as one secret; the program's resources and their pickled
    # providers hold only the instance's name, even with secrets shown.
    if isinstance(stack, CliStack):
        stored = json.dumps(stack.state())
        resources = stack.state(show_secrets=True)["deployment"]["resources"]
        ours = [r for r in resources if r["type"].startswith("pulumi-python:dynamic/omni:")]
        assert len(ours) == 10
        for key in KEYS.values():
            assert key not in stored and key not in json.dumps(ours)
        named = {r["urn"].rsplit("::", 1)[-1]: r["inputs"].get("instance") for r in ours}
        assert named["staging-finance"] == "staging"
        assert named["production-certified"] == "production"

    # Each emulator saw only its own instance's key, and each key has its own budget file.
    for name, emulator in instances.items():
        keys = {key for key, _ in emulator.admissions()}
        assert keys == {KEYS[name]}, (name, keys)
    budgets = {p.stem for p in (cache_dir() / "ratelimit").glob("*.json")}
    for name, emulator in instances.items():
        assert budget_fingerprint(emulator.base_url, KEYS[name]) in budgets

    assert stack.destroy().counts() == {"delete": 10}
    for emulator in instances.values():
        assert not emulator.store.folders and not emulator.store.labels
