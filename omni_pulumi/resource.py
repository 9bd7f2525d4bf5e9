"""The base of the public resource classes (``omni_pulumi.Label`` and the rest).

A resource class is a thin, typed front: its keyword arguments are the spec's arguments. This base
turns them into the dynamic resource's properties:

* secret arguments are wrapped in ``pulumi.Output.secret`` even when the program passes a plain
  string, and secret outputs are listed in ``additional_secret_outputs``, so no secret reaches the
  state in plain text;
* ``ResourceOptions(import_=id)`` becomes ``adopt_id``, because Pulumi's engine cannot import a dynamic
  resource (pulumi/pulumi#16175): the provider's create adopts the object instead;
* ``instance`` names the Omni instance (under ``omni:instances`` in stack config) the object lives
  on; only the name travels, the provider reads the instance's URL and keys from config at each run;
* every output is declared, so ``resource.path`` and the like exist as attributes;
* a kind that ``claims`` part of another object (a folder's direct grants) is refused when another
  kind claims the same part of the same object in the program (:func:`_claim`).
"""

from __future__ import annotations

import contextlib
import copy
import pickle
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import Resource

from omni_pulumi.provider import ADOPT_ID, INSTANCE, OmniProvider
from omni_pulumi.spec import ResourceSpec


class OmniResource(Resource):
    """A Pulumi resource managed by omni-pulumi's lifecycle engine."""

    _spec: ClassVar[ResourceSpec]

    def __init_subclass__(cls, spec: type[ResourceSpec] | None = None, **kwargs: Any) -> None:
        if spec is None:
            super().__init_subclass__(**kwargs)
            return
        # Type tokens read `pulumi-python:dynamic/omni:<Name>`, so previews name the Omni type.
        super().__init_subclass__(module="omni", name=spec.type_name, **kwargs)
        cls._spec = spec()

    def __init__(
        self,
        resource_name: str,
        args: Mapping[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        spec = self._spec
        opts = copy.copy(opts) if opts is not None else pulumi.ResourceOptions()
        adopt_id = args.get(ADOPT_ID)
        if opts.import_:
            adopt_id = adopt_id or opts.import_
            opts.import_ = None
        props: dict[str, Any] = {}
        for field in spec.fields():
            value = args.get(field.name)
            if field.arg.secret and value is not None:
                value = pulumi.Output.secret(value)
            props[field.name] = value
        props[ADOPT_ID] = adopt_id
        if args.get(INSTANCE) is not None:
            # Absent rather than None without it, so that state written before `instance` existed
            # and state written now without it read the same.
            props[INSTANCE] = args[INSTANCE]
        props.update(dict.fromkeys(spec.outputs))
        secrets = spec.secret_names()
        if secrets:
            opts = pulumi.ResourceOptions.merge(
                opts, pulumi.ResourceOptions(additional_secret_outputs=secrets)
            )
        if spec.claims is not None:
            _claim(spec, resource_name, args.get(spec.claims[1]))
        with _pickler_left_as_found():
            super().__init__(OmniProvider(spec), resource_name, props, opts)


#: What each claimed object is managed by, per program run (the run's engine connection):
#: (what, value key) -> (kind, name). The outputs are kept so their ids are not reused.
_CLAIMED: dict[int, dict[tuple[str, Any], tuple[str, str]]] = {}
_KEPT: list[Any] = []


def _claims_of_this_run() -> dict[tuple[str, Any], tuple[str, str]]:
    from pulumi.runtime.settings import get_monitor

    monitor = get_monitor()
    if id(monitor) not in _CLAIMED:
        _CLAIMED.clear()  # a new run: earlier runs' claims (a test process runs many) are over
        _KEPT[:] = [monitor]
        _CLAIMED[id(monitor)] = {}
    return _CLAIMED[id(monitor)]


def _claim(spec: ResourceSpec, resource_name: str, value: Any) -> None:
    """Refuse a second kind managing what another kind manages of the same object.

    A dynamic provider sees one resource at a time, so the check runs here, in the program: the
    same output object (``folder.id``) is caught at registration, even while unknown at preview;
    a plain value when it is known (at once for a string, when resolved for an output).
    """
    what, argument = spec.claims or ("", "")
    claimed = _claims_of_this_run()

    def take(key: Any) -> None:
        held = claimed.setdefault((what, key), (spec.type_name, resource_name))
        if held[0] != spec.type_name:
            shown = key if isinstance(key, str) else "the same folder"
            raise ValueError(
                f"{spec.type_name} {resource_name!r}: {held[0]} {held[1]!r} already manages "
                f"{what} of {argument} {shown} in this program. Manage them with one kind only: "
                f"{held[0]} (every grant) or {spec.type_name}, not both"
            )

    if value is None:
        return
    if isinstance(value, pulumi.Output):
        _KEPT.append(value)
        take(("output", id(value)))
        value.apply(lambda known: take(str(known).lower()) if known else None)
    else:
        take(str(value).lower())


@contextlib.contextmanager
def _pickler_left_as_found() -> Iterator[None]:
    """Undo what the SDK's provider serialization leaves behind on the pure-Python pickler.

    ``pulumi.dynamic.serialize_provider`` (3.272) wraps ``pickle._Pickler._batch_setitems`` in a
    sorting wrapper on every call and never unwraps it, so each resource adds a layer; after about
    a thousand resources in one process, pickling a provider fails with ``RecursionError``. The
    wrapper sorts, and our provider's pickle is a single entry, so putting the original back loses
    nothing.
    """
    batch_setitems = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    save_dict = pickle._Pickler.save_dict  # type: ignore[attr-defined]
    try:
        yield
    finally:
        pickle._Pickler._batch_setitems = batch_setitems  # type: ignore[attr-defined]
        pickle._Pickler.save_dict = save_dict  # type: ignore[attr-defined]


def given(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """A resource class's keyword arguments, minus ``self``, the name and the options.

    Lets each class's ``__init__`` spell out its typed signature once and pass ``given(locals())``.
    """
    return {
        k: v
        for k, v in arguments.items()
        if k not in ("self", "resource_name", "opts", "__class__")
    }
