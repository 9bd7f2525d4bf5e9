"""The stack's state, shaped like Pulumi's checkpoint (what ``pulumi stack export`` prints).

Resources are kept in dependency order (a resource after everything it depends on), as the
engine keeps its snapshot; destroy and end-of-update deletes walk that order backwards.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import wire

STACK_TYPE = "pulumi:pulumi:Stack"
PROVIDER_TYPE = "pulumi:providers:pulumi-python"
DYNAMIC_PREFIX = "pulumi-python:dynamic"
#: The id the harness gives the default provider; the real engine uses a UUID.
DEFAULT_PROVIDER_ID = "harness-default-provider"


def make_urn(stack: str, project: str, type_: str, name: str, parent_urn: str = "") -> str:
    """A URN as the engine builds it: a parent's type is prefixed, except the root stack's."""
    if parent_urn:
        parent_type = parent_urn.split("::")[2]
        if parent_type != STACK_TYPE:
            type_ = f"{parent_type}${type_}"
    return f"urn:pulumi:{stack}::{project}::{type_}::{name}"


def urn_name(urn: str) -> str:
    return urn.split("::")[-1]


@dataclass
class ResourceState:
    """One resource of the checkpoint. ``inputs``/``outputs`` are in wire encoding (secrets wrapped)."""

    urn: str
    type: str
    custom: bool = True
    id: str = ""
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    parent: str = ""
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    provider: str = ""
    additional_secret_outputs: list[str] = field(default_factory=list)
    delete_before_replace: bool = False
    protect: bool = False
    retain_on_delete: bool = False
    #: A replaced resource whose delete is still owed (Pulumi's ``delete: true`` entries).
    pending_delete: bool = False

    @property
    def name(self) -> str:
        return urn_name(self.urn)

    @property
    def is_dynamic(self) -> bool:
        return self.custom and self.type.startswith(DYNAMIC_PREFIX)

    def depends_on(self) -> set[str]:
        deps = set(self.dependencies)
        for urns in self.property_dependencies.values():
            deps.update(urns)
        if self.parent:
            deps.add(self.parent)
        if self.provider:
            deps.add(self.provider.rsplit("::", 1)[0])  # "<provider urn>::<provider id>"
        return deps

    def to_checkpoint(self, *, show_secrets: bool) -> dict[str, Any]:
        entry: dict[str, Any] = {"urn": self.urn, "custom": self.custom}
        if self.custom:
            entry["id"] = self.id
        entry["type"] = self.type
        if self.inputs:
            entry["inputs"] = wire.to_checkpoint(self.inputs, show_secrets=show_secrets)
        if self.outputs:
            entry["outputs"] = wire.to_checkpoint(self.outputs, show_secrets=show_secrets)
        if self.parent:
            entry["parent"] = self.parent
        if self.delete_before_replace:
            entry["deleteBeforeReplace"] = True
        if self.protect:
            entry["protect"] = True
        if self.retain_on_delete:
            entry["retainOnDelete"] = True
        if self.pending_delete:
            entry["delete"] = True
        if self.dependencies:
            entry["dependencies"] = list(self.dependencies)
        if self.provider:
            entry["provider"] = self.provider
        if self.property_dependencies:
            entry["propertyDependencies"] = {
                k: list(v) for k, v in self.property_dependencies.items()
            }
        if self.additional_secret_outputs:
            entry["additionalSecretOutputs"] = list(self.additional_secret_outputs)
        return entry

    @classmethod
    def from_checkpoint(cls, entry: dict[str, Any]) -> ResourceState:
        return cls(
            urn=entry["urn"],
            type=entry["type"],
            custom=entry.get("custom", False),
            id=entry.get("id", ""),
            inputs=wire.from_checkpoint(entry.get("inputs", {})),
            outputs=wire.from_checkpoint(entry.get("outputs", {})),
            parent=entry.get("parent", ""),
            dependencies=list(entry.get("dependencies", [])),
            property_dependencies={
                k: list(v) for k, v in entry.get("propertyDependencies", {}).items()
            },
            provider=entry.get("provider", ""),
            additional_secret_outputs=list(entry.get("additionalSecretOutputs", [])),
            delete_before_replace=entry.get("deleteBeforeReplace", False),
            protect=entry.get("protect", False),
            retain_on_delete=entry.get("retainOnDelete", False),
            pending_delete=entry.get("delete", False),
        )


def dependency_order(resources: Iterable[ResourceState]) -> list[ResourceState]:
    """A stable topological order: each resource after those it depends on (known ones only)."""
    pending = list(resources)
    by_urn = {r.urn: r for r in pending}
    placed: set[str] = set()
    ordered: list[ResourceState] = []
    while pending:
        ready = next(
            (
                i
                for i, res in enumerate(pending)
                if all(d in placed or d not in by_urn or d == res.urn for d in res.depends_on())
            ),
            0,  # a cycle cannot come from a program; keep the given order rather than loop
        )
        res = pending.pop(ready)
        placed.add(res.urn)
        ordered.append(res)
    return ordered


def delete_order(resources: Iterable[ResourceState]) -> list[ResourceState]:
    """Dependents before what they depend on, as ``pulumi destroy`` deletes."""
    return list(reversed(dependency_order(resources)))


class Checkpoint:
    """The stack's resources, loaded from and saved to an optional JSON file."""

    VERSION = 3

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.resources: list[ResourceState] = []
        if self.path is not None and self.path.exists():
            self.load()

    def load(self) -> None:
        assert self.path is not None
        data = json.loads(self.path.read_text())
        entries = data.get("deployment", {}).get("resources") or []
        self.resources = [ResourceState.from_checkpoint(e) for e in entries]

    def save(self) -> None:
        if self.path is None:
            return
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        tmp.write_text(json.dumps(self.export(show_secrets=False), indent=2) + "\n")
        tmp.replace(self.path)

    def export(self, *, show_secrets: bool = False) -> dict[str, Any]:
        """``{"version": 3, "deployment": {...}}`` as ``pulumi stack export`` prints it."""
        return {
            "version": self.VERSION,
            "deployment": {
                "manifest": {"magic": "omni-pulumi-harness", "version": "harness"},
                "secrets_providers": {"type": "harness"},
                "resources": [r.to_checkpoint(show_secrets=show_secrets) for r in self.resources],
            },
        }

    def by_urn(self) -> dict[str, ResourceState]:
        return {r.urn: r for r in self.resources}

    def stack_outputs(self) -> dict[str, Any]:
        for res in self.resources:
            if res.type == STACK_TYPE:
                return dict(res.outputs)
        return {}
