"""Ids of objects that live under another object (``<connection_id>/<schedule_id>``).

Omni addresses a schema refresh schedule or a dbt environment through its connection, so the Pulumi
id carries both parts: reads, updates and ``adopt_id`` then work from the id alone.
"""

from __future__ import annotations

from omni_pulumi.errors import OmniConfigError


def join_id(parent: str, child: str) -> str:
    return f"{parent}/{child}"


def split_id(id_: str, kind: str, form: str) -> tuple[str, str]:
    """The two parts of a composite id; ``form`` spells it for the error, like ``<a>/<b>``."""
    parent, slash, child = str(id_).partition("/")
    if not (slash and parent and child) or "/" in child:
        raise OmniConfigError(f"{kind} id {id_!r} is not of the form {form}")
    return parent, child
