"""How an Omni object is described: its fields, where each sits in Omni's JSON, and its endpoints.

Each resource module declares one pydantic ``Args`` model whose fields carry an :class:`Arg` marker,
and one :class:`ResourceSpec` subclass. The marker says everything about a field: whether a change
updates in place or replaces, whether it is secret, where it sits in Omni's request bodies and
answers (a dotted JSON path such as ``metadata.hideTitle``), how its value converts, and which other
resource's id it holds. From that one description the spec derives the request body, the observed
state, the natural-key lookup and the listing; the lifecycle engine (:mod:`omni_pulumi.provider`),
the public classes, the reference pages and export derive the rest. A resource overrides a call only
where Omni is truly odd, and says why.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal, get_args

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.fields import FieldInfo

from omni_pulumi.errors import OmniApiError, OmniConfigError, OmniError, OmniNotFound
from omni_pulumi.rollback import finish_or_undo

if TYPE_CHECKING:
    from omni_pulumi.client import OmniClient
    from omni_pulumi.config import OmniSettings

#: The placeholder that stands for an object's own id in a path template.
ID = "id"

#: The settings of the engine call each thread is serving (see :meth:`ResourceSpec.configure`).
_CALL = threading.local()


@dataclass(frozen=True, init=False)
class When:
    """A condition on another argument: it holds one of ``values`` (``When("format", "pdf", "png")``).

    An argument declared ``only_when`` it is refused when set while the other holds another value;
    one ``required_when`` it, when unset while the other holds one of them. An unset or unknown
    condition refuses nothing: Omni's default, or a value preview does not know yet.
    """

    arg: str
    values: tuple[Any, ...]

    def __init__(self, arg: str, *values: Any) -> None:
        object.__setattr__(self, "arg", arg)
        object.__setattr__(self, "values", values)


#: What a converter (``from_api``) returns for a value Omni's answer holds but does not really give
#: (a model's empty name mid-rename): the field is left out, so the engine keeps the stack's value.
ABSENT: Any = object()


@dataclass(frozen=True)
class Arg:
    """Everything the engine, the docs and export must know about one argument, beside its type.

    ``updatable``: a change is written in place; otherwise it forces replacement.
    ``secret``: stored as a Pulumi secret even when the program passes a plain string, and kept out
    of every error message (the engine hands its values to the client to redact).
    ``write_only``: Omni never returns it, so read carries the value over from state.
    ``computed``: Omni fills it in when the program leaves it unset; unset then means "no opinion".
    (For a ``local`` setting the provider fills it in, from the resource's other arguments.)
    ``unordered``: a list whose order means nothing; it is sorted and compared as a set.
    ``local``: a setting of the stack, not of Omni (``force_destroy``): never sent, so a change is
    an in-place no-op and adoption has nothing to write for it.
    ``api``: the JSON path in Omni's request bodies where it is not the camelCase of the argument
    (dots descend into objects: ``metadata.hideTitle``); ``read_api`` the path in Omni's answers
    where that differs again (``ownerId`` for a body's ``userId``).
    ``to_api`` / ``from_api``: converters where Omni's shape differs from the argument's.
    ``ref``: the resource kind whose id the argument holds (export writes a reference to it).
    ``in_path``: the id of the parent the object lives under; part of the URL, never of a body.
    ``in_body``: ``False`` for a setting written through a call of its own (a schedule's pause).
    ``after_create``: the create's body does not take it: an update right after the create writes
    it, and the new object is deleted again if Omni refuses it (a connection's user attribute).
    ``exported``: ``False`` for a deprecated spelling export leaves out.
    ``send_null``: an unset value is sent as ``null`` (it clears what Omni holds).
    ``partial``: a map of which the program manages only the keys it names: keys Omni holds
    beside them are neither read into state nor diffed (a user's attribute values).
    ``hint``: the fix a user should read when the value is refused at preview.
    ``check``: a rule on the value alone (a cron's syntax): the reason it is refused, or ``None``.
    ``only_when`` / ``required_when``: a :class:`When` on another argument under which this one
    applies / must be set (a schedule's ``webhook_url`` with webhook destinations); the refusal is
    written from the declaration, naming the condition and the fix (the ``hint``).
    ``kinds``: on an argument others depend on, what its values name in those messages
    (``"destinations"``: "required for email destinations").
    ``default_doc``: the docs' default where it depends on other arguments (unset otherwise).
    """

    updatable: bool = False
    secret: bool = False
    write_only: bool = False
    computed: bool = False
    unordered: bool = False
    local: bool = False
    api: str | None = None
    read_api: str | None = None
    to_api: Callable[[Any], Any] | None = None
    from_api: Callable[[Any], Any] | None = None
    ref: str | None = None
    in_path: bool = False
    in_body: bool = True
    after_create: bool = False
    exported: bool = True
    send_null: bool = False
    partial: bool = False
    hint: str = ""
    check: Callable[[Any], str | None] | None = None
    only_when: When | None = None
    required_when: When | None = None
    kinds: str = ""
    doc: str = ""
    default_doc: str = ""


@dataclass(frozen=True)
class Output:
    """A value Omni computes that the resource exposes (``path``, ``public_key``...).

    ``api`` is its path in Omni's answers (default: the camelCase of its name); a resource that
    computes it otherwise overrides :meth:`ResourceSpec.observe`.
    """

    doc: str
    secret: bool = False
    api: str | None = None
    #: Its Python type, for the public class's attribute.
    type: Any = str


class OmniArgs(BaseModel):
    """Base of every resource's argument model: unknown arguments are refused, not dropped."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def arg_of(info: FieldInfo) -> Arg:
    """The :class:`Arg` marker of a model field (a field without one is replace-only)."""
    for meta in info.metadata:
        if isinstance(meta, Arg):
            return meta
    return Arg()


def camel(name: str) -> str:
    """Omni's JSON spelling of a snake_case argument name."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


_MISSING = object()


def dig(body: Any, path: str) -> Any:
    """The value at a dotted ``path`` of a JSON object, or :data:`_MISSING` when it is absent."""
    node = body
    for part in path.split("."):
        if isinstance(node, list) and part.isdigit():
            if int(part) >= len(node):
                return _MISSING
            node = node[int(part)]
        elif isinstance(node, Mapping) and part in node:
            node = node[part]
        else:
            return _MISSING
    return node


def plant(body: dict[str, Any], path: str, value: Any) -> None:
    """Set ``value`` at a dotted ``path`` of ``body``, making the objects on the way."""
    *parents, last = path.split(".")
    for part in parents:
        body = body.setdefault(part, {})
    body[last] = value


def _canonical(value: Any) -> str:
    """A form that ignores the order of a dict's keys, which the engine does not keep."""
    return json.dumps(value, sort_keys=True, default=repr)


def _nested_model(annotation: Any) -> type[OmniArgs] | None:
    """The argument model inside ``list[Model]``, ``Model | None`` and the like, if any."""
    if isinstance(annotation, type) and issubclass(annotation, OmniArgs):
        return annotation
    for inner in get_args(annotation):
        found = _nested_model(inner)
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class ArgField:
    """One argument of a resource, as the engine, the docs and export see it."""

    name: str
    arg: Arg
    required: bool
    default: Any
    annotation: Any

    @property
    def api_name(self) -> str:
        """The argument's path in Omni's request bodies."""
        return self.arg.api or camel(self.name)

    @property
    def read_path(self) -> str:
        """The argument's path in Omni's answers."""
        return self.arg.read_api or self.api_name

    @property
    def sent(self) -> bool:
        """Whether the argument is part of the bodies Omni receives."""
        return self.arg.in_body and not (self.arg.local or self.arg.in_path)

    @property
    def readable(self) -> bool:
        """Whether Omni's answers carry the argument."""
        return not (self.arg.write_only or self.arg.local)

    def normalized(self, value: Any) -> Any:
        """The form check stores: nested settings in their checked form (state written by an
        older version may predate it), unordered lists sorted, so request bodies are stable."""
        model = _nested_model(self.annotation)
        if model is not None:
            value = _checked_form(model, value)
        if self.arg.unordered and isinstance(value, list):
            return sorted(value, key=repr)
        return value

    def differs(self, new: Any, old: Any) -> bool:
        """Whether the program's value differs from the recorded one, as a user would judge it."""
        if new is None and self.arg.computed:
            return False  # Omni chose the value; the program has no opinion
        if self.arg.unordered and isinstance(new, list) and isinstance(old, list):
            return sorted(map(_canonical, new)) != sorted(map(_canonical, old))
        if self.arg.partial and isinstance(new, Mapping):
            old = old if isinstance(old, Mapping) else {}
            return any(_canonical(v) != _canonical(old.get(k)) for k, v in new.items())
        return self.normalized(new) != self.normalized(old)

    def to_api(self, value: Any) -> Any:
        """The value as Omni's body carries it (nested argument models in camelCase)."""
        if self.arg.to_api is not None:
            return self.arg.to_api(value)
        model = _nested_model(self.annotation)
        if model is not None and value is not None:
            return _model_to_api(model, value)
        return value

    def from_api(self, value: Any) -> Any:
        """The value as the argument holds it, from Omni's answer."""
        if self.arg.from_api is not None:
            return self.arg.from_api(value)
        model = _nested_model(self.annotation)
        if model is not None and value is not None:
            value = _model_from_api(model, value)
        return self.normalized(value)

    def secret_parts(self) -> list[str]:
        """The fields of a nested argument model that are secret (a dbt variable's ``value``)."""
        model = _nested_model(self.annotation)
        if model is None:
            return []
        return [n for n, info in model.model_fields.items() if arg_of(info).secret]

    def secret_values(self, value: Any) -> list[str]:
        """The strings of ``value`` that must never reach a message.

        A nested model marks its own secret parts; otherwise every string in a secret argument is
        secret.
        """
        if value is None:
            return []
        parts = self.secret_parts()
        if parts:
            items = value if isinstance(value, list) else [value]
            return [str(i[n]) for i in items if isinstance(i, Mapping) for n in parts if i.get(n)]
        if not self.arg.secret:
            return []
        return [text for text in _strings(value) if text]


def _checked_form(model: type[OmniArgs], value: Any) -> Any:
    if isinstance(value, list):
        return [_checked_form(model, item) for item in value]
    if not isinstance(value, Mapping):
        return value
    try:
        return model.model_validate(value).model_dump()
    except ValidationError:
        return value


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _model_to_api(model: type[OmniArgs], value: Any) -> Any:
    if isinstance(value, list):
        return [_model_to_api(model, item) for item in value]
    if not isinstance(value, Mapping):
        return value
    fields = {f.name: f for f in fields_of(model)}
    body: dict[str, Any] = {}
    for name, item in value.items():
        f = fields.get(name)
        if f is None:
            continue
        if item is not None or f.arg.send_null:
            plant(body, f.api_name, f.to_api(item))
    return body


def _model_from_api(model: type[OmniArgs], value: Any) -> Any:
    if isinstance(value, list):
        return [_model_from_api(model, item) for item in value]
    if not isinstance(value, Mapping):
        return value
    out: dict[str, Any] = {}
    for f in fields_of(model):
        found = dig(value, f.read_path)
        found = ABSENT if found is _MISSING else f.from_api(found)
        out[f.name] = f.default if found is ABSENT else found
    return out


def fields_of(model: type[BaseModel]) -> Iterator[ArgField]:
    """The :class:`ArgField` of each field of an argument model."""
    for name, info in model.model_fields.items():
        yield ArgField(
            name=name,
            arg=arg_of(info),
            required=info.is_required(),
            default=None if info.is_required() else info.get_default(call_default_factory=True),
            annotation=info.annotation,
        )


@dataclass(frozen=True)
class Listing:
    """How Omni lists every object of a kind (for export, and reads served from one list).

    ``path`` may hold ``{<argument>}`` placeholders of the parent argument (``in_path``) the
    objects live under; the parents are then the objects of that argument's ``ref`` kind.
    ``style`` is Omni's pagination: ``"none"`` (one answer, the records under ``records``),
    ``"cursor"``, ``"pages"`` (numbered pages) or ``"scim"``.
    """

    path: str
    style: Literal["none", "cursor", "pages", "scim"] = "none"
    records: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    #: The query a refresh lists with, where it differs from :attr:`params`: the records must be
    #: whole enough to serve a read (SCIM groups with their members, which export leaves out).
    refresh_params: Mapping[str, Any] | None = None
    #: Why a listed record cannot serve a read (the settings it lacks), or ``""`` when it can. A
    #: refresh of a thin kind reads each object by id: one call per object instead of the pages.
    thin: str = ""

    @property
    def serves_reads(self) -> bool:
        """Whether a refresh reads this kind's objects from its list answer."""
        return not self.thin

    def query(self, refreshing: bool = False) -> dict[str, Any]:
        """The list's query parameters (a refresh's where :attr:`refresh_params` says)."""
        if refreshing and self.refresh_params is not None:
            return dict(self.refresh_params)
        return dict(self.params)


#: Every resource description, in the order they were declared (the docs and export order).
REGISTRY: dict[str, type[ResourceSpec]] = {}


class ResourceSpec:
    """The description of one Omni object, and the only place its API calls are written.

    A subclass sets the class attributes; the generic calls below then create, read, update,
    delete and find it from its fields' declarations. Every call receives the validated arguments as
    a plain dict keyed by argument name; reads return the object as Omni holds it, in the same
    argument names plus the :attr:`outputs`, or ``None`` when it is gone.
    """

    #: The Pulumi type name (``pulumi-python:dynamic/omni:<type_name>``) and the word errors use.
    type_name: ClassVar[str]
    args_model: ClassVar[type[OmniArgs]]
    outputs: ClassVar[Mapping[str, Output]] = {}
    #: What ``adopt_id`` (and the Pulumi id) is, for error messages and the docs.
    id_doc: ClassVar[str] = "the object's id"
    #: Omni serves this kind only to organization API keys (SCIM): a personal key fails the preview.
    needs_org_key: ClassVar[bool] = False
    #: Arguments whose values must be unique in Omni: a replacement that keeps them deletes first,
    #: and a create whose answer was lost looks the object up by them.
    natural_key: ClassVar[tuple[str, ...]] = ()
    #: Arguments that scope the natural key beside the ``in_path`` parents: the key is unique
    #: among objects that share their values (a folder's name under its ``parent_folder_id``).
    natural_scope: ClassVar[tuple[str, ...]] = ()
    #: Whether Omni refuses a second object with the same natural key (409). ``False``: Omni would
    #: silently make a duplicate (folders), so create looks the key up before it posts. Either way
    #: a create whose key is taken fails with the existing object's id and the ``adopt_id`` line
    #: (or, with ``omni:adoptExisting``, takes it over): an interrupted run never makes a second.
    key_enforced: ClassVar[bool] = True
    #: The fix for a refusal Omni is known to give this kind, by (call, HTTP status): a template
    #: filled with the arguments (``{name!r}``), added to Omni's error (a label still in use).
    refusals: ClassVar[Mapping[tuple[Literal["create", "delete"], int], str]] = {}
    #: Where Omni holds no unique key: the arguments that identify the object a create whose answer
    #: was lost made (a set one must match, an unset one matches anything), and the query
    #: parameters the search lists with, each naming the argument that fills it where set. A
    #: replacement still creates first: Omni would take a second object.
    matched_by: ClassVar[tuple[str, ...]] = ()
    lookup_params: ClassVar[Mapping[str, str]] = {}
    #: Arguments unique on their own beside the natural key (a user attribute's label): a
    #: replacement that keeps any of them also deletes first.
    also_unique: ClassVar[tuple[str, ...]] = ()
    #: Markdown for the reference page: what Omni's API cannot do for this object, and how the
    #: provider answers it (fields never read back, what destroy does, extra calls it makes).
    notes: ClassVar[str] = ""
    #: The collection's path. ``{<argument>}`` placeholders name the ``in_path`` parent arguments;
    #: an object's own path is this plus ``/{id}`` unless :attr:`item_path_template` says otherwise.
    path: ClassVar[str] = ""
    item_path_template: ClassVar[str | None] = None
    #: Where Omni's answers hold the object's own id, and what the id form calls it. ``None``: the
    #: object has no id of its own, one per parent (a model's git configuration): its Pulumi id is
    #: its parent's, and its path the collection's.
    id_api: ClassVar[str | None] = "id"
    id_name: ClassVar[str] = "id"
    #: Query parameters of a read (``include=webhookSecret``).
    read_params: ClassVar[Mapping[str, str]] = {}
    #: The key that wraps one object in Omni's answers (``{"connection": {...}}``), if any.
    envelope: ClassVar[str | None] = None
    #: How Omni changes the object: ``PUT`` takes the whole object, ``PATCH`` what changed.
    update_method: ClassVar[Literal["PUT", "PATCH"]] = "PUT"
    #: How Omni lists the objects of this kind (``None``: it cannot).
    listing: ClassVar[Listing | None] = None
    #: Omni has no GET for one object: every read finds it in the :attr:`listing`, one list
    #: answer serving every read of the kind in a burst (:mod:`omni_pulumi.listcache`). Kinds
    #: with a GET by id read from the listing in a refresh only (:meth:`refresh`).
    reads_from_listing: ClassVar[bool] = False
    #: The argument that names an object for people (summaries, variable names).
    title: ClassVar[str | None] = "name"
    #: What export names a variable after: arguments in braces, a reference spelled as the
    #: referenced object's own label (``"{connection_id} dbt {name}"``).
    export_label: ClassVar[str] = "{name}"
    #: Secret arguments Omni never returns that export offers as optional config lookups (Omni
    #: keeps its value while the program leaves them unset).
    export_optional_secrets: ClassVar[tuple[str, ...]] = ()
    #: ``(what, argument)``: what this kind manages of the object the argument names, when only one
    #: kind may manage it in a program (a folder's direct grants). The public classes refuse a
    #: second kind claiming the same ``what`` of the same value (:mod:`omni_pulumi.resource`).
    claims: ClassVar[tuple[str, str] | None] = None
    #: The kind export writes these objects as, where another kind expresses them one by one (a
    #: folder's set of grants as single grants); export then leaves this kind out.
    exported_as: ClassVar[str | None] = None

    def __init_subclass__(cls, register: bool = False, **kwargs: Any) -> None:
        """``class LabelSpec(ResourceSpec, register=True)`` makes ``omni.Label``: the registry is
        what the public classes, the package's ``__all__``, the docs and export are made from."""
        super().__init_subclass__(**kwargs)
        if register:
            REGISTRY[cls.type_name] = cls

    # -- derived views -------------------------------------------------------------------------

    @classmethod
    def fields(cls) -> Iterator[ArgField]:
        return fields_of(cls.args_model)

    @classmethod
    def field(cls, name: str) -> ArgField:
        return next(f for f in cls.fields() if f.name == name)

    @classmethod
    def secret_names(cls) -> list[str]:
        """Inputs and outputs Pulumi must keep encrypted."""
        names = [f.name for f in cls.fields() if f.arg.secret]
        return names + [name for name, out in cls.outputs.items() if out.secret]

    @classmethod
    def secret_values(cls, args: Mapping[str, Any]) -> list[str]:
        """The values of ``args`` that no message may show (handed to the client to redact)."""
        return [text for f in cls.fields() for text in f.secret_values(args.get(f.name))]

    @classmethod
    def parents(cls) -> tuple[ArgField, ...]:
        """The ``in_path`` arguments: the parents whose ids lead the object's composite id."""
        return tuple(f for f in cls.fields() if f.arg.in_path)

    @classmethod
    def refs(cls) -> dict[str, str]:
        """Arguments that hold another resource's id, with that resource's kind."""
        return {f.name: f.arg.ref for f in cls.fields() if f.arg.ref}

    def validate(
        self, given: Mapping[str, Any], unknown: set[str]
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """The arguments as check stores them, and what preview refuses in them.

        The one validation routine of ``pulumi preview`` and of export: the argument model's types
        and constraints, the rules the fields declare (:meth:`declared_rules`), then
        :meth:`check_rules` across arguments. Arguments in ``unknown`` are not
        known yet; they pass through, and nothing is refused because of them. Problems are
        (argument, reason) pairs whose reason names the fix.
        """
        known = {k: v for k, v in given.items() if k not in unknown and v is not None}
        try:
            model = self.args_model.model_validate(known)
        except ValidationError as exc:
            problems = [p for p in self._type_problems(exc) if p[0] not in unknown]
            if problems:
                return dict(given), problems
            # Only unknown required arguments failed (a first preview): the others still get their
            # defaults, so the diff shows what really changes and not every default as removed.
            defaults = {f.name: f.default for f in self.fields() if not f.required}
            values = {**defaults, **{k: v for k, v in given.items() if v is not None}}
        else:
            values = {**model.model_dump(), **{k: given[k] for k in unknown}}
        return values, [*self.declared_rules(values, unknown), *self.check_rules(values, unknown)]

    def _type_problems(self, exc: ValidationError) -> Iterator[tuple[str, str]]:
        hints = {f.name: f.arg.hint for f in self.fields()}
        for error in exc.errors(include_url=False, include_input=False):
            prop = str(error["loc"][0]) if error["loc"] else ""
            if error["type"] == "missing":
                reason = "is required"
            elif error["type"] == "extra_forbidden":
                reason = "is not an argument of this resource; check the spelling (arguments are snake_case)"
            else:
                reason = error["msg"]
            hint = hints.get(prop, "")
            yield prop, reason + (f"; {hint}" if hint else "")

    def declared_rules(
        self, args: Mapping[str, Any], unknown: set[str]
    ) -> Iterator[tuple[str, str]]:
        """The rules the fields declare (:attr:`Arg.check`, :attr:`Arg.only_when`,
        :attr:`Arg.required_when`), as (argument, reason) pairs whose reason names the fix."""
        for f in self.fields():
            value, arg = args.get(f.name), f.arg
            if f.name in unknown:
                continue
            reason = arg.check(value) if arg.check and value is not None else None
            if reason:
                yield f.name, reason
            for when, required in ((arg.required_when, True), (arg.only_when, False)):
                held = None if when is None or when.arg in unknown else args.get(when.arg)
                if held is None:
                    continue  # the condition is Omni's default, or not known yet
                # Required: refused unset (or empty) under the values. Only: refused set under
                # others, even to "" (it would be sent).
                empty = _unset(value) if required else value in (None, [])
                if (held in when.values) == required == empty:
                    yield f.name, self._condition_refused(f, when, held, required)

    def _condition_refused(self, f: ArgField, when: When, held: Any, required: bool) -> str:
        """Why ``f`` is refused while ``when``'s argument holds ``held``, and the fix."""
        kinds = self.field(when.arg).arg.kinds
        if required:
            under = f"for {held} {kinds}" if kinds else f"when {when.arg} is {held!r}"
            return f"is required {under}" + (f"; {f.arg.hint}" if f.arg.hint else "")
        if kinds:
            return f"applies to {spelled(when.values)} {kinds} only, not {held!r}; leave it unset"
        allowed = spelled([repr(v) for v in when.values], "or")
        return (
            f"applies only when {when.arg} is {allowed}, not {held!r}; leave it unset or "
            f"change {when.arg}"
        )

    def check_rules(self, args: dict[str, Any], unknown: set[str]) -> Iterable[tuple[str, str]]:
        """Rules across arguments (a dialect's required settings...), as (argument, reason) pairs.

        ``args`` are the validated values; arguments in ``unknown`` are not known yet (preview), and a
        rule that needs one of them must wait for ``up``, where check runs again with every value.
        """
        return ()

    def check_change(
        self, olds: dict[str, Any], news: dict[str, Any], replacing: set[str]
    ) -> Iterable[tuple[str, str]]:
        """Rules about changing a deployed object, as (argument, reason) pairs.

        For changes Omni's API makes impossible or dangerous (replacing a model Omni cannot delete),
        so that preview refuses them instead of `up` failing halfway. ``olds`` are the previous
        inputs; ``replacing`` the known arguments whose change replaces the object.
        """
        return ()

    def configure(self, settings: OmniSettings) -> None:
        """Take the settings of the instance the engine's current call works on, for what shapes
        how a resource waits on Omni (how it talks to Omni is the client's). Called before each
        call. Kept per thread, not on the spec: one spec serves every instance of its kind, and
        the engine runs calls for several instances at once in one provider host."""
        _CALL.settings = settings

    @property
    def settings(self) -> OmniSettings | None:
        """The settings :meth:`configure` gave this thread's current call (``None`` before any)."""
        return getattr(_CALL, "settings", None)

    # -- ids and paths ---------------------------------------------------------------------------

    @property
    def id_form(self) -> str:
        """How the Pulumi id is spelled: ``<connection_id>/<id>`` for an object under a parent."""
        return "/".join(f"<{name}>" for name in self._id_names())

    def _id_names(self) -> list[str]:
        own = [self.id_name] if self.id_api else []
        return [p.name for p in self.parents()] + own

    def id_of(self, args: Mapping[str, Any], record: Mapping[str, Any]) -> str:
        """The Pulumi id of a new object: its parents' ids, then Omni's id of it."""
        own = [str(dig(record, self.id_api))] if self.id_api else []
        return "/".join([*(str(args[p.name]) for p in self.parents()), *own])

    def id_parts(self, id_: str) -> dict[str, str]:
        """The parents' ids and the object's own id (``id``) in a Pulumi id."""
        names = [p.name for p in self.parents()] + ([ID] if self.id_api else [])
        parts = str(id_).split("/")
        if len(parts) != len(names) or not all(parts):
            raise OmniConfigError(f"{self.type_name} id {id_!r} is not of the form {self.id_form}")
        return dict(zip(names, parts, strict=True))

    def collection_path(self, parts: Mapping[str, Any]) -> str:
        from omni_pulumi.client import quote_segment

        return self.path.format(**{k: quote_segment(v) for k, v in parts.items() if v is not None})

    def address(self, id_: str, state: Mapping[str, Any]) -> str:
        """The id Omni addresses the object by: the Pulumi id, unless Omni keys it otherwise."""
        return id_

    def item_path(self, id_: str, state: Mapping[str, Any] | None = None) -> str:
        from omni_pulumi.client import quote_segment

        address = self.address(id_, state or {})
        parts = {k: quote_segment(v) for k, v in self.id_parts(address).items()}
        template = self.item_path_template or (
            f"{self.path}/{{{ID}}}" if self.id_api else self.path
        )
        return template.format(**parts)

    # -- bodies and answers ----------------------------------------------------------------------

    def body(self, args: Mapping[str, Any], names: Iterable[str] | None = None) -> dict[str, Any]:
        """Omni's request body for ``args``: the create's (every sent argument but those written
        after it), or only ``names``.

        Unset arguments are left out (Omni keeps or defaults them) unless they say ``send_null``.
        """
        wanted = None if names is None else set(names)
        body: dict[str, Any] = {}
        for f in self.fields():
            if not f.sent or (f.arg.after_create if wanted is None else f.name not in wanted):
                continue
            value = args.get(f.name)
            value = None if value is None else f.to_api(value)
            if value is None and not f.arg.send_null:
                continue
            plant(body, f.api_name, value)
        return body

    def unwrap(self, answer: Any) -> dict[str, Any]:
        """The object in one of Omni's answers (inside :attr:`envelope` where it has one)."""
        if not isinstance(answer, Mapping):
            return {}
        inner = answer.get(self.envelope) if self.envelope else answer
        return dict(inner) if isinstance(inner, Mapping) else {}

    def observe(
        self, record: Mapping[str, Any], state: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """What Omni's record says, in argument and output names.

        An argument the record does not carry is left out, so the engine keeps the stack's value;
        everything it carries replaces it, drift included. ``state`` is what the stack holds, for
        resources whose reading depends on it.
        """
        observed: dict[str, Any] = {}
        for f in self.fields():
            if not f.readable:
                continue
            found = dig(record, f.read_path)
            value = ABSENT if found is _MISSING else f.from_api(found)
            if value is not ABSENT:
                observed[f.name] = value
            if (
                f.arg.partial
                and f.name in observed
                and isinstance((state or {}).get(f.name), Mapping)
            ):
                named = state[f.name]  # type: ignore[index]
                observed[f.name] = {k: v for k, v in observed[f.name].items() if k in named}
        for name, out in self.outputs.items():
            found = dig(record, out.api or camel(name))
            if found is not _MISSING:
                observed[name] = found
        return observed

    # -- the API calls ---------------------------------------------------------------------------

    def create(self, client: OmniClient, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """Create the object; return its id and what Omni computed (outputs, computed args)."""
        try:
            answer = client.post(self.collection_path(args), json=self.body(args))
        except OmniApiError as exc:
            raise self.refused("create", exc, args) from None
        record = self.unwrap(answer)
        id_ = self.created_id(args, record, answer)
        return id_, {**self.observe(record, args), **self.write_after_create(client, id_, args)}

    def created_id(self, args: Mapping[str, Any], record: Mapping[str, Any], answer: Any) -> str:
        """The Pulumi id of a new object, from the create's ``record`` (in its ``answer``).

        An answer that names no id fails, with Omni's words: no later call could reach the object.
        """
        if self.id_api and dig(record, self.id_api) in (_MISSING, None, ""):
            said = answer if isinstance(answer, Mapping) else {}
            raise OmniError(
                f"{self.type_name} {args.get(self.title or '')!r}: Omni answered the create "
                f"without an id ({said.get('error') or said.get('message') or 'no message'})"
            )
        return self.id_of(args, record)

    def write_after_create(
        self, client: OmniClient, id_: str, args: dict[str, Any]
    ) -> dict[str, Any]:
        """Write the ``after_create`` arguments the program sets, with an update; if Omni refuses
        them, delete the new object again (no half-made object is left). Returns what it saw."""
        later = {f.name for f in self.fields() if f.arg.after_create and not _unset(args[f.name])}
        if not later:
            return {}
        return finish_or_undo(
            f"the new {self.type_name} {id_}",
            lambda: self.update(client, id_, {}, args, later) or {},
            lambda: self.delete(client, id_, args),
        )

    def read(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> dict[str, Any] | None:
        """The object as Omni holds it, or ``None`` when it is gone."""
        if self.reads_from_listing:
            record = self.listed(client, self.address(id_, state))
        else:
            try:
                answer = client.get(self.item_path(id_, state), params=self.read_params or None)
            except OmniNotFound:
                return None
            record = self.unwrap(answer)
        if record is None or record.get("deletedAt"):
            return None  # in Omni's trash counts as gone
        # The parents are in the id even where Omni's record does not name them.
        return self._with_parents(id_, state, self.observe(record, state))

    def _with_parents(
        self, id_: str, state: Mapping[str, Any], observed: dict[str, Any]
    ) -> dict[str, Any]:
        parts = self.id_parts(self.address(id_, state))
        for parent in self.parents():
            observed.setdefault(parent.name, parts[parent.name])
        return observed

    def refresh(
        self, client: OmniClient, id_: str, state: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """The object as ``pulumi refresh`` reads it, or ``None`` when it is gone.

        A refresh reads every object of a stack in one operation (one provider process), so a kind
        Omni can list is read from one list answer shared by all its objects
        (:data:`~omni_pulumi.listcache.LISTS`): the list's pages, not a call per object. An object
        the list does not show is read by id (:meth:`read`) before it is called gone. The single
        read serves instead where the :attr:`listing` is ``thin`` (its records lack settings the
        read observes), where Omni cannot list the kind, and where this instance answers the
        list with 404 or 405 (then once per operation). Adoption and read-backs keep :meth:`read`:
        one call for one object.
        """
        listing = self.listing
        if listing is None or not listing.serves_reads or self.reads_from_listing:
            return self.read(client, id_, state)
        record = self.listed(client, self.address(id_, state), refreshing=True)
        if record is None or record.get("deletedAt"):
            # Not in the list (or in the trash, for lists that show it): confirm by id.
            return self.read(client, id_, state)
        return self._with_parents(id_, state, self.observe(record, state))

    def listed(
        self, client: OmniClient, id_: str, *, refreshing: bool = False
    ) -> dict[str, Any] | None:
        """The record of ``id_`` in the listing of its parent, or ``None`` when it is not there.

        One list answer serves every read of the kind in the same operation, so a refresh costs
        the list's pages rather than a call per object. ``refreshing``: a refresh's own read,
        which lists with :attr:`Listing.refresh_params`, and finds nothing (instead of failing)
        where this instance has no such list, so that :meth:`refresh` reads by id.
        """
        from omni_pulumi.listcache import LISTS

        parts = self.id_parts(id_)
        parents = {k: v for k, v in parts.items() if k != ID}
        assert self.listing is not None, f"{self.type_name} reads from a listing it lacks"
        query = self.listing.query(refreshing)

        def fetch() -> list[dict[str, Any]] | None:
            try:
                return list(self.list_records(client, parents, query))
            except OmniNotFound:
                if parents:
                    return []  # the parent itself is gone
                if refreshing:
                    return None  # the instance has no such list: read by id
                raise
            except OmniApiError as exc:
                if refreshing and not parents and exc.status == 405:
                    return None
                raise

        path = self.listing.path.format(**{k: _quoted(v) for k, v in parents.items()})
        records = LISTS.records(client, self.type_name, path, query, fetch)
        return next((r for r in records or () if str(dig(r, self.id_api)) == parts[ID]), None)

    def update(
        self,
        client: OmniClient,
        id_: str,
        olds: Mapping[str, Any],
        news: dict[str, Any],
        changed: set[str],
    ) -> dict[str, Any]:
        """Write the arguments in ``changed``; return what Omni computed.

        A ``PUT`` carries every updatable argument (Omni replaces what it takes), a ``PATCH`` only
        what changed, and no call at all when that is nothing (stack settings, an unset value).
        """
        if self.update_method == "PATCH":
            names = changed
        else:
            names = {f.name for f in self.fields() if f.arg.updatable}
        body = self.body(news, names)
        if not body and self.update_method == "PATCH":
            return {}
        answer = client.request(self.update_method, self.item_path(id_, olds), json=body)
        return self.observe(self.unwrap(answer), news)

    def delete(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> None:
        """Delete the object. A 404 is handled by the engine as already deleted."""
        try:
            client.delete(self.item_path(id_, state))
        except OmniApiError as exc:
            raise self.refused("delete", exc, state) from None

    def refused(
        self, call: Literal["create", "delete"], exc: OmniApiError, args: Mapping[str, Any]
    ) -> OmniApiError:
        """Omni's refusal of ``call``, with the fix :attr:`refusals` knows for it (same class)."""
        hint = self.refusals.get((call, exc.status))
        return exc.with_hint(hint.format_map(NamedBlanks(args))) if hint else exc

    def find_existing(self, client: OmniClient, args: dict[str, Any]) -> str | None:
        """The id of an object matching ``args``' natural key, after an ambiguous create.

        A POST that timed out may have created the object; finding it here is what keeps a retried
        create from making a duplicate. ``None`` means it surely does not exist. Derived from the natural key (or :attr:`matched_by`) and the listing;
        a resource with neither cannot tell, and the engine then refuses to try again.
        """
        if self.natural_key and self._addressed_by_key():
            # Omni addresses the object by its natural key (a label's name): read it directly.
            record = {self.id_api: args[self.natural_key[0]]} if self.id_api else {}
            id_ = self.id_of(args, record)
            return id_ if self.read(client, id_, {}) is not None else None
        keys = self.matched_by or (*self.natural_key, *self.natural_scope)
        if not keys or self.listing is None:
            raise NotImplementedError
        wanted = {k: args.get(k) for k in keys if not (self.matched_by and args.get(k) is None)}
        parents = {p.name: args[p.name] for p in self.parents()}
        params = {**self.listing.params}
        params.update(
            {q: args[a] for q, a in self.lookup_params.items() if args.get(a) is not None}
        )
        for record in self.list_records(client, parents, params):
            seen = self.observe(record, args)
            # A record in Omni's trash is not the object: a read would call it gone.
            if not record.get("deletedAt") and all(seen.get(k) == v for k, v in wanted.items()):
                return self.id_of(args, record)
        return None

    def created(
        self, client: OmniClient, id_: str, computed: Mapping[str, Any], generation: int
    ) -> None:
        """After a create whose write is ``generation`` of the kind's cached lists: a resource
        whose creates look their key up in a listing first keeps that listing valid here
        (:meth:`~omni_pulumi.listcache.ListCache.extend`), so a burst lists once."""

    def _addressed_by_key(self) -> bool:
        return (
            len(self.natural_key) == 1 and self.field(self.natural_key[0]).read_path == self.id_api
        )

    def list_records(
        self, client: Any, parents: Mapping[str, Any], params: Mapping[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every record of this kind under ``parents`` (the ``in_path`` arguments' ids), listed
        with ``params`` (default: the listing's own)."""
        listing = self.listing
        if listing is None:
            return iter(())
        path = listing.path.format(**{k: _quoted(v) for k, v in parents.items()})
        params = dict(listing.params if params is None else params)
        if listing.style == "cursor":
            return client.paginate_cursor(path, params)
        if listing.style == "pages":
            return client.paginate_pages(path, params)
        if listing.style == "scim":
            return client.paginate_scim(path, params)
        answer = client.get(path, params=params or None) or {}
        return iter((answer.get(listing.records) if listing.records else answer) or [])

    #: The field of whoami's ``user`` that holds this kind's id for the API key's own object (the
    #: SCIM user the key acts as). Export leaves that object out: a stack that adopted it would
    #: delete, on ``destroy``, the user its own key acts as.
    caller_id_field: ClassVar[str] = ""

    def unexportable(self, record: Mapping[str, Any]) -> str | None:
        """Why a listed object is not part of an instance's setup (export leaves it out)."""
        return None

    def unlisted(self, client: Any) -> Iterator[tuple[str, str, str]]:
        """Objects the listing cannot reach, as (id, label, why), for export's summary."""
        return iter(())

    def id_for_adoption(self, client: OmniClient, adopt_id: str) -> str:
        """The Pulumi id of an adopted object, given the id a user wrote (usually the same)."""
        return adopt_id


class NamedBlanks(dict):
    """Arguments for a message template; one it lacks reads as ``<its name>``, so a message never
    hides Omni's error behind a ``KeyError``, and a reference page can show the template."""

    def __missing__(self, key: str) -> str:
        return f"<{key}>"


def _unset(value: Any) -> bool:
    """Whether a value says nothing (for the declared rules): unset, empty text or an empty list."""
    return value is None or value == "" or value == []


def spelled(values: Iterable[Any], last: str = "and") -> str:
    """``a, b and c`` (in messages and the reference pages)."""
    *head, tail = [str(v) for v in values]
    return f"{', '.join(head)} {last} {tail}" if head else tail


def _quoted(value: Any) -> str:
    from omni_pulumi.client import quote_segment

    return quote_segment(value)


def exactly_one(
    args: Mapping[str, Any], unknown: set[str], names: tuple[str, ...], what: str
) -> Iterator[tuple[str, str]]:
    """The problem, if any, when ``args`` do not set exactly one of ``names`` (one subject, one
    target...). An argument not known yet counts as set."""
    given = [n for n in names if n in unknown or args.get(n) is not None]
    spelled = " or ".join(f"`{n}`" for n in names)
    if not given:
        yield names[0], f"is missing: set exactly one of {spelled} (the {what})"
    elif len(given) > 1:
        yield (
            given[1],
            f"cannot be set with `{given[0]}`: set exactly one of {spelled} (the {what})",
        )


def listed_once(what: str, key: str | None = None) -> Callable[[list[Any]], str | None]:
    """An :attr:`Arg.check` for a list whose items (their ``key``, for objects) may each appear once:
    Omni keys them by it (a dbt variable's name, an environment's user attribute value)."""

    def check(items: list[Any]) -> str | None:
        names = [i.get(key) if isinstance(i, Mapping) else i for i in items] if key else items
        twice = sorted({str(n) for n in names if names.count(n) > 1})
        if not twice:
            return None
        return f"names {', '.join(twice)} more than once; list each {what} once, not twice"

    return check


def registered() -> tuple[type[ResourceSpec], ...]:
    """Every resource description, once the resources package has been imported."""
    import omni_pulumi.resources  # noqa: F401  (importing registers them)

    return tuple(REGISTRY.values())
