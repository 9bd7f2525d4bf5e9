"""The main job on a fresh machine: the root program against the bundled emulator.

Starts the emulator with program/emulator-seed.json, runs the root program (program/__main__.py) with
the dev stack's config: `up`, the outputs, a second preview that must show no changes, then
`destroy`. It uses the real Pulumi CLI when one is on PATH or can be built, and the engine-protocol
harness otherwise, and says which. Exits non-zero on any failure.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import yaml

from omni_pulumi.emulator import Emulator
from omni_pulumi.testing.results import OperationResult

ROOT = Path(__file__).resolve().parents[1]


def load_program():
    """program/__main__.py's ``define``: the same file `pulumi up` runs."""
    spec = importlib.util.spec_from_file_location(
        "omni_demo_program", ROOT / "program" / "__main__.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.define


SECRET_KEYS = {"omni:apiKey"}


def stack_config() -> tuple[dict[str, str], dict[str, str]]:
    """The dev stack's config, split into plain and secret values as `pulumi config` keeps them."""
    config = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())["config"]
    plain = {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}
    secret = {k: plain.pop(k) for k in SECRET_KEYS if k in plain}
    return plain, secret


def open_stack(base_url: str):
    plain, secret = stack_config()
    plain["omni:baseUrl"] = base_url
    kwargs = dict(project="omni-demo", stack="dev", config=plain, secret_config=secret)
    from omni_pulumi.testing.pulumi_cli import CliStack, find_pulumi_cli

    cli = find_pulumi_cli()
    if cli.available:
        print(f"engine: the real Pulumi CLI, {cli.reason}")
        return CliStack(load_program(), cli=cli.directory, **kwargs)
    from omni_pulumi.testing.harness import HarnessStack

    print(f"engine: the engine-protocol harness ({cli.reason})")
    return HarnessStack(load_program(), **kwargs)


def show(title: str, result: OperationResult) -> None:
    print(f"\n== {title}: {result.changes or 'no changes'}")
    for step in result.steps:
        if step.op not in ("same", "read"):
            print(f"  {step.op:8} {step.type.rsplit(':', 1)[-1]:24} {step.name}")
    for line in result.diagnostics:
        if "omni-pulumi:" in line:
            print("  " + line.strip())


def main() -> int:
    seed = json.loads((ROOT / "program" / "emulator-seed.json").read_text())
    _, secret = stack_config()
    with Emulator(api_key=secret["omni:apiKey"], rate_limit=0, seed=seed) as emulator:
        print(f"emulator: {emulator.base_url}")
        with open_stack(emulator.base_url) as stack:
            show("pulumi up", stack.up())
            print("\noutputs:")
            for name, value in sorted(stack.outputs().items()):
                print(f"  {name} = {value}")
            calls_before = sum(emulator.calls.values())
            preview = stack.preview(expect_no_changes=True)
            calls = sum(emulator.calls.values()) - calls_before
            show("second preview", preview)
            print(f"  (Omni API calls during the preview: {calls})")
            show("pulumi destroy", stack.destroy())
    print("\ndemo finished: up, a clean second preview, destroy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
