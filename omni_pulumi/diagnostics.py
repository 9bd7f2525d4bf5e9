"""Messages for the person running ``pulumi up``.

The provider host's stdout carries its gRPC port, so nothing may be printed there; lines written to
stderr reach the user's ``pulumi up`` output. Every warning goes through :func:`warn`.
"""

from __future__ import annotations

import sys


def warn(message: str) -> None:
    """Tell the user something they must not miss (an adoption, an archived object)."""
    sys.stderr.write(f"omni-pulumi: {message}\n")
    sys.stderr.flush()


def archived(what: str, consequences: str) -> None:
    """Say that destroy archived an object rather than deleting it, and what went with it.

    Pulumi's own output says "deleted"; for objects Omni moves to the trash (connections, shared
    models) the user must also learn that they can be restored, and what else left with them.
    """
    warn(f"{what} was archived, not deleted: {consequences}")
