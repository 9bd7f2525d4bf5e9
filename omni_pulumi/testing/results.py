"""What one Pulumi operation did, in a shape both engines report.

The engine-protocol harness and the real Pulumi CLI each return an :class:`OperationResult`, so a
scenario can run through both and their answers can be compared field by field.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

#: The operations a step can report, named as Pulumi's engine names them (``OpType``), with the
#: replacement pair folded into ``replace``.
OPS = ("create", "update", "replace", "delete", "same", "read", "refresh", "import", "discard")


@dataclass(frozen=True)
class StepRecord:
    """One resource's step: its logical name, Pulumi type token and the operation."""

    name: str
    type: str
    op: str
    #: Top-level property names that differ (update/replace), as the engine's detailed diff says.
    diffs: tuple[str, ...] = ()


@dataclass
class OperationResult:
    """The steps of a ``preview``, ``up``, ``refresh`` or ``destroy``, and the stack's outputs."""

    kind: str
    steps: list[StepRecord] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    #: Names of the stack outputs Pulumi holds as secrets (their values are plain in ``outputs``).
    secret_outputs: list[str] = field(default_factory=list)
    #: Lines the provider wrote on stderr (warnings such as an adoption or an archived connection).
    diagnostics: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Steps per operation, like ``pulumi``'s change summary."""
        return dict(Counter(step.op for step in self.steps))

    @property
    def changes(self) -> dict[str, int]:
        """The counts without ``same`` (and without refresh's read-only ``read``)."""
        return {op: n for op, n in self.counts().items() if op not in ("same", "read")}

    def ops_by_name(self) -> dict[str, str]:
        """The operation per resource name, for asserting exactly what happened to whom."""
        return {step.name: step.op for step in self.steps}
