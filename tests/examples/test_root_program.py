"""The root program (`Pulumi.yaml`, program/__main__.py), as the README's demo command runs it."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from omni_pulumi.emulator import Emulator
from omni_pulumi.resources import SPECS
from omni_pulumi.testing.harness import HarnessStack
from tests.support.calls import omni_calls, without_checks

ROOT = Path(__file__).resolve().parents[2]


def _demo():
    spec = importlib.util.spec_from_file_location("omni_demo_runner", ROOT / "scripts" / "demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_root_program_uses_every_resource_and_converges(tmp_path):
    demo = _demo()
    plain, secret = demo.stack_config()
    seed = json.loads((ROOT / "program" / "emulator-seed.json").read_text())
    with Emulator(api_key=secret["omni:apiKey"], rate_limit=0, seed=seed) as emulator:
        plain.update({"omni:baseUrl": emulator.base_url, "omni:requestsPerMinute": "0"})
        with HarnessStack(
            demo.load_program(),
            project="omni-demo",
            stack="dev",
            config=plain,
            secret_config=secret,
            state_file=tmp_path / "state.json",
        ) as stack:
            up = stack.up()
            kinds = {step.type.rsplit(":", 1)[-1] for step in up.steps}
            assert kinds == {spec.type_name for spec in SPECS}, "the demo must use every resource"
            assert set(up.changes) == {"create"}
            assert stack.outputs()["deploy_key"].startswith("ssh-")

            emulator.reset_calls()
            stack.preview(expect_no_changes=True)
            assert omni_calls(emulator.calls) == 0, without_checks(emulator.calls)

            stack.destroy()
            assert stack.state()["deployment"]["resources"] == [] or all(
                r["type"].startswith("pulumi:") for r in stack.state()["deployment"]["resources"]
            )
