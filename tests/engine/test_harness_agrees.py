"""One scenario through the real engine and through the engine-protocol harness: same answers.

The harness is what most tests use because it is fast; this keeps it honest about what the real
engine reports for the same program.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import toy_provider as toy

from omni_pulumi.testing.harness import HarnessStack
from omni_pulumi.testing.pulumi_cli import CliStack

pytestmark = pytest.mark.engine

HERE = Path(__file__).parent


def story(stack: CliStack | HarnessStack, args: dict[str, Any], store: Path) -> list[Any]:
    """Create, update, replace, drift, destroy; what each operation reported, order-free."""
    answers: list[Any] = []

    def record(result) -> None:
        steps = sorted((s.name, s.type, s.op, s.diffs) for s in result.steps)
        # The CLI runner reports no outputs for a preview (its events hold secrets masked), and
        # the harness lists no secret outputs after a refresh: compare what both report.
        outputs = {
            "preview": None,
            "refresh": sorted(result.outputs),
        }.get(result.kind, (result.secret_outputs, sorted(result.outputs)))
        created = sorted(
            line.split()[-1] for line in result.diagnostics if "created widget" in line
        )
        answers.append((result.kind, steps, outputs, created))

    record(stack.up())
    record(stack.preview())
    args["label"] = "renamed"
    record(stack.preview())
    args["kind"] = "fancy"
    record(stack.preview())
    record(stack.up())
    objects = json.loads(store.read_text())
    for id_, obj in list(objects.items()):
        if obj["label"] == "other":
            del objects[id_]
        else:
            obj["size"] = 9
    store.write_text(json.dumps(objects))
    record(stack.refresh())
    record(stack.destroy())
    return answers


def program_for(args: dict[str, Any]) -> Callable[[], None]:
    def program() -> None:
        import pulumi

        widget = toy.Widget("main", **args)
        toy.Widget("other", label="other")
        pulumi.export("token", widget.token)
        pulumi.export("label", widget.label)

    return program


def test_the_harness_reports_what_the_real_engine_reports(pulumi_cli, tmp_path):
    cli_store, harness_store = tmp_path / "cli.json", tmp_path / "harness.json"
    cli_args = {"label": "first", "kind": "plain"}
    harness_args = dict(cli_args)
    with CliStack(
        program_for(cli_args),
        cli=pulumi_cli,
        env={"TOY_STORE": str(cli_store)},
        work_dir=tmp_path / "cli",
    ) as cli:
        real = story(cli, cli_args, cli_store)
    with HarnessStack(
        program_for(harness_args),
        env={**os.environ, "TOY_STORE": str(harness_store)},
        python_path=[HERE],
        state_file=tmp_path / "harness-state.json",
    ) as harness:
        replayed = story(harness, harness_args, harness_store)
    assert replayed == real
