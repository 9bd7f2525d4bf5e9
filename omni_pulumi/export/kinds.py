"""What export knows of each kind, all of it read from the kind's resource description.

A kind's objects are found through the spec's :class:`~omni_pulumi.spec.Listing` (under each parent
of its ``in_path`` argument's kind, where it lives under one), or, for an object that is one per
parent and cannot be listed (a model's git configuration), by reading it under every parent. The
arguments that reference other objects come from ``Arg(ref=...)``, variable names from the spec's
``export_label`` and the order from the references. Nothing here names a kind or an endpoint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from omni_pulumi.errors import OmniApiError
from omni_pulumi.export.reader import ReadOnlyClient
from omni_pulumi.export.values import Ref
from omni_pulumi.spec import ResourceSpec, registered

#: Answers of an instance that does not serve a list at all.
NO_LIST = (404, 405)
#: Answers for a parent whose objects cannot be listed (a dialect without dbt, a parent gone).
NO_CHILDREN = (403, 404)


@dataclass(frozen=True)
class Candidate:
    """An object a kind's listing found: its adoption id, and what ``read()`` may start from."""

    id: str
    #: State handed to ``read()``: only hints that make the read cheaper, never settings, so the
    #: result is what adoption (``read(id, {})``) sees.
    state: Mapping[str, Any] = field(default_factory=dict)
    label: str = ""


@dataclass(frozen=True)
class Unexpressible:
    """An object export found but cannot write as a resource; it goes to the summary."""

    id: str
    label: str
    reason: str


Listed = Candidate | Unexpressible
#: Names another exported object (by kind and id) for variable names, or None if not exported.
LabelOf = Callable[[str, str], "str | None"]


@dataclass(frozen=True)
class Kind:
    """One resource kind as export walks it."""

    spec: type[ResourceSpec]

    @property
    def name(self) -> str:
        return self.spec.type_name

    @cached_property
    def refs(self) -> dict[str, str]:
        return self.spec.refs()

    def list(self, reader: ReadOnlyClient) -> Iterator[Listed]:
        """Every object of the kind on the instance, or why some cannot be written."""
        spec = self.spec()
        if spec.exported_as:
            return  # written as objects of another kind
        parent = next(iter(spec.parents()), None)
        if parent is None:
            groups: Iterable[dict[str, str]] = [{}]
        else:
            groups = ({parent.name: id_} for id_ in live_ids(parent.arg.ref or "", reader))
        for parents in groups:
            yield from self._listed_under(spec, parents, reader)
        for id_, label, reason in spec.unlisted(reader):
            yield Unexpressible(id_, label, reason)

    def _listed_under(
        self, spec: ResourceSpec, parents: dict[str, str], reader: ReadOnlyClient
    ) -> Iterator[Listed]:
        if spec.listing is None:
            if spec.id_api is None and parents:
                yield Candidate(spec.id_of(parents, {}))  # one per parent: the read says if it is
            return
        try:
            records = list(spec.list_records(reader, parents))
        except OmniApiError as exc:
            if parents and exc.status in NO_CHILDREN:
                return
            if exc.status in NO_LIST and not parents:
                yield Unexpressible(
                    "*",
                    f"every {self.name}",
                    f"this instance does not list them (GET {spec.listing.path} answered "
                    f"{exc.status}), so they cannot be read or adopted",
                )
                return
            raise
        for record in records:
            if record.get("deletedAt"):
                continue  # in Omni's trash
            id_ = spec.id_of(parents, record)
            title = record.get(spec.field(spec.title).read_path) if spec.title else None
            reason = spec.unexportable(record)
            if reason:
                yield Unexpressible(id_, f"{self.name} {title or id_!r}", reason)
            else:
                yield Candidate(id_, label=str(title or ""))

    def label(self, settings: Mapping[str, Any], label_of: LabelOf) -> str:
        """The words a variable is named after: the spec's ``export_label`` with references
        spelled as the referenced object's own label."""
        words: dict[str, str] = {}
        for name, value in settings.items():
            if isinstance(value, Ref):
                words[name] = (
                    label_of(value.kind, value.id) or f"{value.kind.lower()} {value.id[:8]}"
                )
            elif isinstance(value, str):
                words[name] = value
        try:
            return self.spec.export_label.format_map(_Blank(words)).strip() or self.name.lower()
        except (KeyError, ValueError):
            return self.name.lower()


class _Blank(dict):
    """Format values where a missing one reads as empty."""

    def __missing__(self, key: str) -> str:
        return ""


def live_ids(kind: str, reader: ReadOnlyClient) -> list[str]:
    """The ids of every object of ``kind`` on the instance (the parents of another kind)."""
    spec_class = next((s for s in registered() if s.type_name == kind), None)
    if spec_class is None:
        return []
    return [c.id for c in Kind(spec_class).list(reader) if isinstance(c, Candidate)]


def _ordered(specs: Iterable[type[ResourceSpec]]) -> tuple[Kind, ...]:
    """The kinds in registry order, each after the kinds it references (a stable topological
    sort), so a program declares an object after those it names."""
    pending = list(specs)
    done: list[type[ResourceSpec]] = []
    while pending:
        names = {s.type_name for s in done}
        ready = next(
            (s for s in pending if all(k in names or k == s.type_name for k in s.refs().values())),
            pending[0],  # a loop of references: keep registry order
        )
        pending.remove(ready)
        done.append(ready)
    return tuple(Kind(spec) for spec in done)


#: Every kind export knows, in the order the program declares them (referenced kinds first).
KINDS: tuple[Kind, ...] = _ordered(registered())

BY_NAME = {kind.name.lower(): kind for kind in KINDS}
