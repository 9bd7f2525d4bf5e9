"""What an exported argument can hold besides a plain value: a reference or a config lookup."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ref:
    """The id of another Omni object: written as that object's variable (``warehouse.id``)."""

    kind: str
    id: str


@dataclass(frozen=True)
class Lookup:
    """A value Omni never returns, so the program reads it from stack config.

    ``words`` name the config key (prefixed with the resource's variable name). ``required``
    lookups must be set before ``pulumi up``; optional ones hand Pulumi a value Omni already has
    (the first ``up`` then writes it). ``structured`` values (lists) use ``require_object``.
    """

    words: str
    secret: bool
    required: bool = True
    structured: bool = False
    why: str = ""
