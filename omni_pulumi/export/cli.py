"""``omni-pulumi export --out DIR [--only KINDS] [--exclude KINDS] [--instance NAME]``.

Reads the instance named by the usual configuration (a stack's config with ``--stack``, otherwise
``OMNI_BASE_URL`` and ``OMNI_API_KEY``; with ``--instance NAME`` and ``--stack``, the stack's
``omni:instances.NAME``), writes ``instance="NAME"`` on every resource when asked, keeps to its rate limit through the shared client, shows
a progress bar on stderr and prints, on stdout, the config commands to run and what was left out.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from omni_pulumi.config import client_from, settings_for, settings_from
from omni_pulumi.errors import OmniConfigError, OmniError
from omni_pulumi.export.codegen import Project, render
from omni_pulumi.export.kinds import KINDS
from omni_pulumi.export.lister import collect, select
from omni_pulumi.export.progress import Progress
from omni_pulumi.export.reader import ReadOnlyClient


def _kinds(text: str) -> list[str]:
    return [word.strip() for word in text.split(",") if word.strip()]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    kinds = ", ".join(kind.name for kind in KINDS)
    parser.add_argument("--out", type=Path, required=True, help="folder for the Pulumi project")
    parser.add_argument(
        "--only",
        type=_kinds,
        action="extend",
        default=[],
        metavar="KINDS",
        help=f"export only these kinds (comma-separated: {kinds})",
    )
    parser.add_argument(
        "--exclude",
        type=_kinds,
        action="extend",
        default=[],
        metavar="KINDS",
        help="leave these kinds out (comma-separated)",
    )
    parser.add_argument("--name", help="the Pulumi project's name (default: the folder's name)")
    parser.add_argument(
        "--stack",
        help="read omni:baseUrl and omni:apiKey from this stack's config (needs the pulumi CLI)",
    )
    parser.add_argument(
        "--instance",
        metavar="NAME",
        help='write instance="NAME" on every resource (a name under omni:instances); with '
        "--stack, read that instance's settings from the stack",
    )
    parser.add_argument("--force", action="store_true", help="overwrite files already in --out")


def stack_config(stack: str) -> dict[str, Any]:
    """A stack's config, secrets decrypted, as the engine would give it to the provider."""
    if shutil.which("pulumi") is None:
        raise OmniConfigError(
            "--stack needs the pulumi CLI on PATH; or set OMNI_BASE_URL and OMNI_API_KEY"
        )
    done = subprocess.run(
        ["pulumi", "config", "--json", "--show-secrets", "--stack", stack],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise OmniConfigError(f"`pulumi config --stack {stack}` failed: {done.stderr.strip()}")
    return {key: entry.get("value") for key, entry in json.loads(done.stdout or "{}").items()}


def export(
    client: Any,
    out: Path,
    *,
    name: str,
    instance: str,
    only=(),
    exclude=(),
    progress=None,
    instance_name: str | None = None,
) -> Project:
    """Read the instance through ``client`` and write the project into ``out``."""
    reader = ReadOnlyClient(client, on_request=progress.request if progress else None)
    result = collect(reader, select(only, exclude), progress)
    if progress is not None:
        progress.end()
    project = render(result, name=name, instance=instance, instance_name=instance_name)
    out.mkdir(parents=True, exist_ok=True)
    for file_name, text in project.files.items():
        (out / file_name).write_text(text)
    return project


def report(project: Project, out: Path, instance: str, instance_name: str | None = None) -> str:
    if instance_name:
        where = f"omni:instances.{instance_name}"
        reach = [
            f"  pulumi config set --path '{where}.baseUrl' {instance}",
            f"  pulumi config set --path --secret '{where}.apiKey' <organization API key>",
        ]
    else:
        reach = [
            f"  pulumi config set omni:baseUrl {instance}",
            "  pulumi config set --secret omni:apiKey <organization API key>",
        ]
    lines = [
        f"Wrote {', '.join(str(out / n) for n in project.files)}: "
        f"{project.declared} resources to adopt.",
        "",
        f"Before the first `pulumi up`, in {out}:",
        "  pulumi stack init <stack>",
        *reach,
    ]
    lines += [f"  {s.command}" for s in project.settings if s.required]
    optional = [s for s in project.settings if not s.required]
    if optional:
        lines += [
            "",
            "Optional (Omni keeps these already; set one to manage it, and the first up writes it):",
        ]
        lines += [f"  {s.command}   # {s.why}" for s in optional]
    required = [s for s in project.settings if s.required]
    if required:
        lines += ["", "Why these are needed:"] + [f"  {s.key}: {s.why}" for s in required]
    if project.left:
        lines += ["", f"Left out ({len(project.left)}), because they cannot be declared:"]
        lines += [f"  {left.kind} {left.label} ({left.id}): {left.reason}" for left in project.left]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> int:
    out: Path = args.out
    if not args.force:
        clash = [n for n in ("Pulumi.yaml", "__main__.py") if (out / n).exists()]
        if clash:
            sys.stderr.write(f"{out} already holds {', '.join(clash)}; pass --force to overwrite\n")
            return 2
    try:
        select(args.only, args.exclude)
        config = stack_config(args.stack) if args.stack else None
        environ = os.environ if environ is None else environ
        instance_name = getattr(args, "instance", None)
        if config is not None and instance_name:
            settings = settings_for(config, instance_name, environ)
        else:
            settings = settings_from(config, environ)
        client = client_from(settings)
        progress = Progress()
        project = export(
            client,
            out,
            name=args.name or out.resolve().name,
            instance=settings.base_url or "",
            only=args.only,
            exclude=args.exclude,
            progress=progress,
            instance_name=instance_name,
        )
    except (OmniError, ValueError) as exc:
        sys.stderr.write(f"omni-pulumi export: {exc}\n")
        return 1
    sys.stdout.write(report(project, out, settings.base_url or "", instance_name))
    return 0
