"""The ``omni-pulumi`` command: one entry point, a subcommand per job.

Each subcommand's module defines its own arguments (``add_arguments``) and work (``run``), so this
module only lists them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from omni_pulumi.version import __version__


def _emulator(parser: argparse.ArgumentParser) -> None:
    from omni_pulumi.emulator import cli as emulator_cli

    emulator_cli.add_arguments(parser)
    parser.set_defaults(run=emulator_cli.run)


def _docs(parser: argparse.ArgumentParser) -> None:
    from omni_pulumi import docsgen

    docsgen.add_arguments(parser)
    parser.set_defaults(run=docsgen.run)


def _export(parser: argparse.ArgumentParser) -> None:
    from omni_pulumi.export import cli as export_cli

    export_cli.add_arguments(parser)
    parser.set_defaults(run=export_cli.run)


def _doctor(parser: argparse.ArgumentParser) -> None:
    from omni_pulumi import doctor

    doctor.add_arguments(parser)
    parser.set_defaults(run=doctor.run)


SUBCOMMANDS = {
    "doctor": (
        "check the settings (a stack's, or the environment's) against Omni: the instance, the "
        "key's scope and what it may manage",
        _doctor,
    ),
    "emulator": ("run a local Omni API server for tests and demos", _emulator),
    "export": ("write a Pulumi program that adopts an existing Omni instance", _export),
    "generate": (
        "write the reference pages and the public classes from the resources' descriptions",
        _docs,
    ),
    "docs": ("the same as `generate` (its older name)", _docs),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="omni-pulumi", description="Manage Omni Analytics with Pulumi."
    )
    parser.add_argument("--version", action="version", version=f"omni-pulumi {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_text, define) in SUBCOMMANDS.items():
        define(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
