"""How an Omni object is described: its arguments, its outputs, and how to reach it through the API.

Each resource module declares one pydantic ``Args`` model whose fields carry an :class:`Arg` marker, and
one :class:`ResourceSpec` subclass that says how to create, read, update and delete the object. Everything
else (the lifecycle engine, the Pulumi resource class's secrets, the docs tables) is derived from that one
description, so the update-or-replace decision is visible where the field is declared.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict
from pydantic.fields import FieldInfo

if TYPE_CHECKING:
    from omni_pulumi.client import OmniClient
    from omni_pulumi.config import OmniSettings


@dataclass(frozen=True)
class Arg:
    """What the lifecycle engine must know about one argument, declared beside its type.

    ``updatable``: a change is written in place; otherwise it forces replacement.
    ``secret``: stored as a Pulumi secret even when the program passes a plain string.
    ``write_only``: Omni never returns it, so read carries the value over from state.
    ``computed``: Omni fills it in when the program leaves it unset; unset then means "no opinion".
    (For a ``local`` setting the provider fills it in, from the resource's other arguments.)
    ``unordered``: a list whose order means nothing; it is sorted so that diffs compare it as a set.
    ``local``: a setting of the stack, not of Omni (``force_destroy``): never sent on update, so a
    change is an in-place no-op and adoption has nothing to write for it.
    ``api``: Omni's JSON name where it is not the camelCase of the argument.
    ``hint``: the fix a user should read when the value is refused at preview.
    ``default_doc``: the docs' default where it depends on other arguments (unset otherwise).
    """

    updatable: bool = False
    secret: bool = False
    write_only: bool = False
    computed: bool = False
    unordered: bool = False
    local: bool = False
    api: str | None = None
    hint: str = ""
    doc: str = ""
    default_doc: str = ""


@dataclass(frozen=True)
class Output:
    """A value Omni computes that the resource exposes (``path``, ``public_key``...)."""

    doc: str
    secret: bool = False


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


@dataclass(frozen=True)
class ArgField:
    """One argument of a resource, as the engine and the docs see it."""

    name: str
    arg: Arg
    required: bool
    default: Any
    annotation: Any

    @property
    def api_name(self) -> str:
        return self.arg.api or camel(self.name)


class ResourceSpec:
    """The description of one Omni object, and the only place its API calls are written.

    Subclasses set the class attributes and implement the four calls. Every call receives the
    validated arguments as a plain dict keyed by argument name; reads return the object as Omni holds
    it, in the same argument names plus the :attr:`outputs`, or ``None`` when it is gone.
    """

    #: The Pulumi type name (``pulumi-python:dynamic/omni:<type_name>``) and the word errors use.
    type_name: ClassVar[str]
    args_model: ClassVar[type[OmniArgs]]
    outputs: ClassVar[Mapping[str, Output]] = {}
    #: What ``adopt_id`` (and the Pulumi id) is, for error messages and the docs.
    id_doc: ClassVar[str] = "the object's id"
    #: Arguments whose values must be unique in Omni: a replacement that keeps them deletes first.
    natural_key: ClassVar[tuple[str, ...]] = ()
    #: Markdown for the reference page: what Omni's API cannot do for this object, and how the
    #: provider answers it (fields never read back, what destroy does, extra calls it makes).
    notes: ClassVar[str] = ""

    # -- derived views -------------------------------------------------------------------------

    @classmethod
    def fields(cls) -> Iterator[ArgField]:
        for name, info in cls.args_model.model_fields.items():
            yield ArgField(
                name=name,
                arg=arg_of(info),
                required=info.is_required(),
                default=None if info.is_required() else info.default,
                annotation=info.annotation,
            )

    @classmethod
    def field(cls, name: str) -> ArgField:
        return next(f for f in cls.fields() if f.name == name)

    @classmethod
    def secret_names(cls) -> list[str]:
        """Inputs and outputs Pulumi must keep encrypted."""
        names = [f.name for f in cls.fields() if f.arg.secret]
        return names + [name for name, out in cls.outputs.items() if out.secret]

    def check_rules(self, args: dict[str, Any], unknown: set[str]) -> Iterable[tuple[str, str]]:
        """Rules across arguments (a dialect's required settings...), as (argument, reason) pairs.

        ``args`` are the validated values; arguments in ``unknown`` are not known yet (preview), and a
        rule that needs one of them must wait for ``up``, where check runs again with every value.
        """
        return ()

    def check_change(
        self, olds: dict[str, Any], news: dict[str, Any], unknown: set[str]
    ) -> Iterable[tuple[str, str]]:
        """Rules about changing a deployed object, as (argument, reason) pairs.

        For changes Omni's API makes impossible or dangerous (replacing a model Omni cannot delete),
        so that preview refuses them instead of `up` failing halfway. ``olds`` are the previous inputs.
        """
        return ()

    def configure(self, settings: OmniSettings) -> None:
        """Take the stack's settings that shape how this resource waits on Omni (not how it talks
        to Omni: that is the client's). Called before each call; most resources need none."""

    # -- the API calls ---------------------------------------------------------------------------

    def create(self, client: OmniClient, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """Create the object; return its id and what Omni computed (outputs, computed args)."""
        raise NotImplementedError

    def read(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> dict[str, Any] | None:
        """The object as Omni holds it, or ``None`` when it is gone."""
        raise NotImplementedError

    def update(
        self, client: OmniClient, id_: str, olds: Mapping[str, Any], news: dict[str, Any]
    ) -> dict[str, Any]:
        """Write the updatable arguments that changed; return what Omni computed."""
        raise NotImplementedError

    def delete(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> None:
        """Delete the object. A 404 is handled by the engine as already deleted."""
        raise NotImplementedError

    def find_existing(self, client: OmniClient, args: dict[str, Any]) -> str | None:
        """The id of an object matching ``args``' natural key, after an ambiguous create.

        A POST that timed out may have created the object; finding it here is what keeps a retried
        create from making a duplicate. ``None`` means it surely does not exist. A resource that
        cannot tell leaves this unimplemented, and the engine then refuses to try again.
        """
        raise NotImplementedError

    def id_for_adoption(self, client: OmniClient, adopt_id: str) -> str:
        """The Pulumi id of an adopted object, given the id a user wrote (usually the same)."""
        return adopt_id
