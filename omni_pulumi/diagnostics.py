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
