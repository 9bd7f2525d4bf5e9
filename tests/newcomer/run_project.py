"""Run a getting-started project through the real engine, from the project's own virtualenv.

``venv/bin/python run_project.py '<json>'`` (see ``test_newcomer.py``): this process imports only
what the project's ``venv`` holds (omni-pulumi installed from the fresh clone, as the page says), and
is the language host of the inline program, the project's ``__main__.py``; the provider host runs
with the same ``venv`` (``virtualenv`` of ``Pulumi.yaml``). Prints one JSON line: what each
operation did.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from omni_pulumi.testing.pulumi_cli import CliStack


def main() -> None:
    args = json.loads(sys.argv[1])
    project_dir = Path(args["project_dir"])
    spec = importlib.util.spec_from_file_location("newcomer_program", project_dir / "__main__.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    report = {"omni_pulumi": __import__("omni_pulumi").__file__}
    with CliStack(
        module.define,
        project=args["project"],
        stack=args["stack"],
        config=args["config"],
        secret_config=args["secret_config"],
        env={"PULUMI_CONFIG_PASSPHRASE": args["passphrase"]},
        work_dir=args["state_dir"],
        cli=args["cli"],
        virtualenv=str(project_dir / args["virtualenv"]),
    ) as stack:
        first = stack.preview()
        report["preview"] = {"changes": first.changes, "ops": first.ops_by_name()}
        up = stack.up()
        report["up"] = {"changes": up.changes, "ops": up.ops_by_name(), "outputs": up.outputs}
        second = stack.preview()
        report["second_preview"] = {"changes": second.changes, "ops": second.ops_by_name()}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
