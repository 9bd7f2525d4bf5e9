"""Walk the kinds, read every object with its spec's ``read()``, and decide what can be written.

An object becomes a :class:`Found` (its arguments, with references and config lookups in place) or
a :class:`Left` (why it cannot be written). The decision is the engine's own: the arguments are
validated with the spec's model and ``check_rules`` exactly as ``pulumi preview`` would, with
config lookups counted as unknown values. A rule that fails on a setting Omni never returned
becomes a required config lookup (the user supplies it); any other failure leaves the object out,
named in the summary, rather than writing a program that cannot run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from omni_pulumi.credentials import WHOAMI
from omni_pulumi.diagnostics import warn
from omni_pulumi.errors import OmniApiError, OmniResourceError
from omni_pulumi.export.kinds import KINDS, Candidate, Kind, Unexpressible
from omni_pulumi.export.reader import ReadOnlyClient
from omni_pulumi.export.values import Lookup, Ref
from omni_pulumi.spec import ArgField


@dataclass
class Found:
    """One object to declare: its kind, adoption id and arguments (in the spec's order)."""

    kind: Kind
    id: str
    args: dict[str, Any]
    label: str
    observed: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Left:
    """An object export found but did not write, and why."""

    kind: str
    id: str
    label: str
    reason: str


@dataclass
class Export:
    found: list[Found] = field(default_factory=list)
    left: list[Left] = field(default_factory=list)
    kinds: tuple[Kind, ...] = KINDS


class Progress(Protocol):
    def begin(self, kind: str, total: int) -> None: ...
    def step(self) -> None: ...


def select(only: Iterable[str] = (), exclude: Iterable[str] = ()) -> tuple[Kind, ...]:
    """The kinds named by ``--only`` / ``--exclude`` (type names, any case, `_`/`-` ignored)."""
    from omni_pulumi.export.kinds import BY_NAME

    def key(word: str) -> str:
        return word.replace("_", "").replace("-", "").lower()

    known = {key(name): kind for name, kind in BY_NAME.items()}
    wanted = [key(w) for w in only]
    dropped = [key(w) for w in exclude]
    unknown = [w for w in (*wanted, *dropped) if w not in known]
    if unknown:
        names = ", ".join(kind.name for kind in KINDS)
        raise ValueError(f"unknown kind(s) {', '.join(unknown)}; kinds are: {names}")
    return tuple(
        kind
        for kind in KINDS
        if (not wanted or key(kind.name) in wanted) and key(kind.name) not in dropped
    )


def collect(
    reader: ReadOnlyClient, kinds: Iterable[Kind] = KINDS, progress: Progress | None = None
) -> Export:
    """Read every object of ``kinds`` through ``reader``."""
    result = Export(kinds=tuple(kinds))
    labels: dict[tuple[str, str], str] = {}
    for kind in result.kinds:
        spec = kind.spec()
        found: list[Found] = []
        try:
            listing = list(kind.list(reader))
        except (OmniApiError, OmniResourceError) as exc:
            # One kind the key may not list (a personal key gets 403 on SCIM) must not cost the
            # rest of the instance: skip it, say so now and in the summary.
            reason = f"Omni refused to list them, so none was exported: {exc}"
            warn(f"export: skipped every {kind.name}: {exc}")
            result.left.append(Left(kind.name, "*", f"(every {kind.name})", reason))
            continue
        if progress is not None:
            progress.begin(kind.name, len(listing))
        own = _callers_own(reader, spec.caller_id_field)
        for listed in listing:
            if progress is not None:
                progress.step()
            if isinstance(listed, Candidate) and own and listed.id == own:
                listed = Unexpressible(listed.id, listed.label or listed.id, CALLERS_OWN)
            if isinstance(listed, Unexpressible):
                result.left.append(Left(kind.name, listed.id, listed.label, listed.reason))
                continue
            observed = spec.read(reader, listed.id, listed.state)
            if observed is None:
                continue  # gone between the listing and the read
            outcome = _arguments(kind, listed, observed, reader)
            if isinstance(outcome, str):
                label = listed.label or listed.id
                result.left.append(Left(kind.name, listed.id, label, outcome))
                continue
            label = kind.label(outcome, lambda k, i: labels.get((k, i)))
            found.append(Found(kind, listed.id, outcome, label, dict(observed)))
        found = _after_their_own_kind(kind, found)
        for each in found:
            labels[(kind.name, _referenced_id(kind, each))] = each.label
        result.found.extend(found)
    return result


CALLERS_OWN = (
    "the user this API key acts as (Omni's whoami): a stack that adopted it would delete it on "
    "`pulumi destroy`, so it stays managed in Omni"
)


def _callers_own(reader: ReadOnlyClient, field: str) -> str:
    """The id whoami gives for the key's own object of a kind (``field`` of its ``user``)."""
    if not field:
        return ""
    try:
        answer = reader.get(WHOAMI) or {}
    except OmniApiError as exc:
        warn(
            f"export: could not ask Omni which user the API key acts as ({exc}); check that it "
            "is not among the users exported before running `pulumi destroy` on the stack"
        )
        return ""
    return str((answer.get("user") or {}).get(field) or "")


def _referenced_id(kind: Kind, found: Found) -> str:
    """The id other objects hold for this one: the Pulumi id (a label's name, a model's uuid)."""
    return found.id


def _arguments(
    kind: Kind, listed: Candidate, observed: Mapping[str, Any], reader: ReadOnlyClient
) -> dict[str, Any] | str:
    """The object's arguments, or the reason it cannot be written."""
    spec = kind.spec
    fields = {f.name: f for f in spec.fields()}
    args: dict[str, Any] = {
        name: observed[name]
        for name, f in fields.items()
        if name in observed and observed[name] is not None and not f.arg.write_only
    }
    for name in spec.export_optional_secrets:
        # Omni never says which credential an object uses; an optional lookup lets a user hand
        # it to Pulumi without guessing (unset, Omni's stays as it is).
        args[name] = Lookup(
            name,
            secret=True,
            required=False,
            why="optional: Omni keeps the current one; set it to manage it (the first up writes it)",
        )
    for name, arg_field in fields.items():
        if not arg_field.arg.exported:
            args.pop(name, None)
            continue
        if isinstance(args.get(name), list):
            args[name] = [_secret_parts(arg_field, item) for item in args[name]]
        if arg_field.arg.secret and isinstance(args.get(name), str):
            # Omni returns it (a webhook URL with its token), but a program must not hold a secret
            # in plain text: it becomes a secret config lookup like the values Omni never returns.
            args[name] = _lookup_for(
                arg_field,
                "Omni returns it, but it is a secret: copy it from Omni into secret stack config",
            )
    returned = set(args)
    for _ in range(len(fields)):
        problems = _problems(kind, args)
        if not problems:
            break
        # A value Omni chose (a computed argument) may be left to Omni: unset means no opinion.
        chosen = [
            n for n, _ in problems if n in returned and n in fields and fields[n].arg.computed
        ]
        if chosen:
            for name in chosen:
                args.pop(name, None)
                returned.discard(name)
            continue
        new = [
            (name, reason)
            for name, reason in problems
            if name in fields and name not in returned and name not in args
        ]
        if not new:
            return "; ".join(f"{name}: {reason}" for name, reason in problems)
        for name, reason in new:
            args[name] = _lookup_for(fields[name], reason)
    for name, target in spec.refs().items():
        if isinstance(args.get(name), str):
            args[name] = Ref(target, args[name])
    return {
        name: args[name]
        for name in fields
        if name in args and not _is_default(fields[name], args[name])
    }


def _lookup_for(field: ArgField, reason: str) -> Lookup:
    structured = "list" in str(field.annotation) or "dict" in str(field.annotation)
    return Lookup(
        field.name,
        secret=field.arg.secret,
        structured=structured,
        why=f"Omni does not return it, and it {reason}" if reason.startswith("is ") else reason,
    )


def _is_default(field: ArgField, value: Any) -> bool:
    """Leave out what the program would get anyway, so the code shows only real settings."""
    if field.required or isinstance(value, (Lookup, Ref)):
        return False
    return value == field.default


def _known(value: Any) -> bool:
    if isinstance(value, Lookup):
        return False
    if isinstance(value, list):
        return all(_known(v) for v in value)
    if isinstance(value, dict):
        return all(_known(v) for v in value.values())
    return True


def _problems(kind: Kind, args: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What ``pulumi preview`` would refuse in these arguments, lookups counting as unknown."""
    unknown = {name for name, value in args.items() if not _known(value)}
    return kind.spec().validate(args, unknown)[1]


def _secret_parts(field: ArgField, item: Any) -> Any:
    """An item of a list of settings whose secret part Omni did not return (a secret dbt
    variable's value) with that part as a secret config lookup."""
    if not isinstance(item, dict):
        return item
    missing = [name for name in field.secret_parts() if item.get(name) is None and name in item]
    if not missing:
        return item
    words = str(item.get("name") or field.name)
    return {
        **item,
        **{
            name: Lookup(words, secret=True, why=f"the secret {field.name} item {words}")
            for name in missing
        },
    }


def _after_their_own_kind(kind: Kind, found: list[Found]) -> list[Found]:
    """Objects after those of the same kind they reference (a parent folder, a base model)."""
    own = [name for name, target in kind.refs.items() if target == kind.name]
    by_id = {f.id: f for f in found}

    def depth(each: Found, seen: frozenset[str] = frozenset()) -> int:
        parents = [each.observed.get(name) for name in own]
        known = [by_id[p] for p in parents if p in by_id and p not in seen]
        return 1 + max((depth(p, seen | {each.id}) for p in known), default=-1)

    return sorted(found, key=depth)
