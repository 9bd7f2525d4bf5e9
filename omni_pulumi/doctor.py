"""``omni-pulumi doctor [--stack STACK]``: do these settings reach Omni, and what may the key do?

It resolves the settings as the provider does (a stack's config with ``--stack``, read through
``pulumi config --json --show-secrets``; otherwise ``OMNI_BASE_URL`` and ``OMNI_API_KEY``), makes the
same one call a ``pulumi preview`` makes (Omni's whoami, :mod:`omni_pulumi.credentials`) and prints
the instance, the key's scope and role, and which resource kinds the key may manage. A problem is
one line on stderr saying what to fix, and exit status 1. The key itself is never printed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from typing import Any

from omni_pulumi import credentials
from omni_pulumi.config import API_KEY, API_KEYS, BASE_URL, settings_from
from omni_pulumi.errors import OmniError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--stack",
        help="check this stack's config (needs the pulumi CLI, run in the project's folder); "
        "without it, the environment: OMNI_BASE_URL and OMNI_API_KEY",
    )


def _source(stack: Mapping[str, Any], environ: Mapping[str, str], *settings) -> str:
    """Where the provider takes a setting from: the first stack key or variable that is set."""
    names = [s.key for s in settings] + [e for s in settings for e in s.env]
    for name in names:
        value = stack.get(name) if ":" in name else environ.get(name)
        if value is not None and str(value).strip():
            return name
    return "nowhere"


def report(info: credentials.KeyInfo, where: str, base_source: str, key_source: str) -> list[str]:
    """The lines ``doctor`` prints for settings that work."""
    from omni_pulumi.spec import REGISTRY

    scope = "organization API key" if info.organization else "personal access token (user key)"
    keys = f" ({info.keys} keys, each checked)" if info.keys > 1 else ""
    role = f", role {info.role}" if info.role else ""
    user = f", acting as user {info.user_id}" if info.user_id else ""
    kinds = sorted(REGISTRY)
    allowed = [k for k in kinds if info.organization or not REGISTRY[k].needs_org_key]
    refused = [k for k in kinds if k not in allowed]
    lines = [
        f"{'Settings:':<12}{where}",
        f"{'Instance:':<12}{info.base_url}  (from {base_source})",
        f"{'Key:':<12}{scope}{keys}{role}{user}  (from {key_source})",
        f"{'May manage:':<12}{', '.join(allowed)}",
    ]
    if refused:
        lines.append(
            f"{'May not:':<12}{', '.join(refused)} (Omni's SCIM API needs an organization API key)"
        )
    if info.role and info.role != "ORG_ADMIN":
        lines.append(
            f"{'Note:':<12}a {info.role} may lack Omni's permission for some objects (connections, "
            "models); Omni refuses such calls at `pulumi up`"
        )
    lines.append("OK: `pulumi preview` passes the credential check for the kinds it may manage")
    return lines


def run(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> int:
    from omni_pulumi.export.cli import stack_config

    env = os.environ if environ is None else environ
    try:
        config = stack_config(args.stack) if args.stack else {}
        where = (
            f"stack {args.stack}'s config, then the environment"
            if args.stack
            else ("the environment (pass --stack to check a stack's config)")
        )
        settings = settings_from(config, env)
        info = credentials.ensure_credentials(settings)
    except OmniError as exc:
        sys.stderr.write(f"omni-pulumi doctor: {' '.join(str(exc).split())}\n")
        return 1
    lines = report(
        info,
        where,
        _source(config, env, BASE_URL),
        _source(config, env, API_KEYS, API_KEY),
    )
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
