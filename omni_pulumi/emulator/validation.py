"""A small schema language for request bodies and query strings, with Omni's (zod's) wording.

Each endpoint declares its accepted fields as a compact table, for example::

    LABEL_CREATE = obj({"name*": string(min_len=2, max_len=25), "verified": boolean(default=False)})

A trailing ``*`` marks a required field. Objects reject unknown keys, as Omni does
(``Bad Request: formErrors: Unrecognized key(s) in object: 'x'``). The contract tests compare these
tables with ``openapi.json`` so that the emulator neither accepts more nor less than the spec.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError

MISSING: Any = object()

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^\s]+$")


class Invalid(Exception):
    """Collects the issues of one validation run, each as ``(path, message)``."""

    def __init__(self, issues: list[tuple[str, str]]) -> None:
        super().__init__(issues)
        self.issues = issues

    def to_api_error(self) -> ApiError:
        parts = [f"{path or 'formErrors'}: {message}" for path, message in self.issues]
        return ApiError(400, "Bad Request: " + ", ".join(parts))


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


@dataclass(eq=False)
class Schema:
    """One node of a schema. Subclasses check one JSON type."""

    nullable: bool = False
    default: Any = MISSING
    type_name: str = "any"

    def check(self, value: Any, path: str, issues: list[tuple[str, str]]) -> Any:
        if value is None:
            if not self.nullable:
                issues.append((path, f"Expected {self.type_name}, received null"))
            return None
        return self._check(value, path, issues)

    def _check(self, value: Any, path: str, issues: list[tuple[str, str]]) -> Any:
        return value

    def from_query(self, raw: str, path: str, issues: list[tuple[str, str]]) -> Any:
        """Query strings carry text; each type says how to read it."""
        return self.check(raw, path, issues)


@dataclass(eq=False)
class String(Schema):
    type_name: str = "string"
    enum: tuple[str, ...] | None = None
    min_len: int | None = None
    max_len: int | None = None
    fmt: str | None = None  # uuid | email | uri
    pattern: str | None = None

    def _check(self, value: Any, path: str, issues: list[tuple[str, str]]) -> Any:
        if not isinstance(value, str):
            issues.append((path, f"Expected string, received {_type_name(value)}"))
            return value
        if self.enum is not None and value not in self.enum:
            expected = " | ".join(f"'{e}'" for e in self.enum)
            issues.append((path, f"Invalid enum value. Expected {expected}, received '{value}'"))
        if self.min_len is not None and len(value) < self.min_len:
            issues.append((path, f"String must contain at least {self.min_len} character(s)"))
        if self.max_len is not None and len(value) > self.max_len:
            issues.append((path, f"String must contain at most {self.max_len} character(s)"))
        if self.fmt == "uuid" and not is_uuid(value):
            issues.append((path, "Invalid uuid"))
        if self.fmt == "email" and not _EMAIL.match(value):
            issues.append((path, "Invalid email"))
        if self.fmt == "uri" and not _URI.match(value):
            issues.append((path, "Invalid url"))
        if self.pattern is not None and not re.search(self.pattern, value):
            issues.append((path, "Invalid"))
        return value


@dataclass(eq=False)
class Boolean(Schema):
    type_name: str = "boolean"

    def _check(self, value: Any, path: str, issues: list[tuple[str, str]]) -> Any:
        if not isinstance(value, bool):
            issues.append((path, f"Expected boolean, received {_type_name(value)}"))
        return value

    def from_query(self, raw: str, path: str, issues: list[tuple[str, str]]) -> Any:
        if raw in ("true", "false"):
            return raw == "true"
        issues.append((path, f"Expected boolean, received string '{raw}'"))
        return raw


@dataclass(eq=False)
class Number(Schema):
    type_name: str = "number"
    integer: bool = False
    minimum: float | None = None
    maximum: float | None = None

    def _check(self, value: Any, path: str, issues: list[tuple[str, str]]) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            issues.append((path, f"Expected {self.type_name}, received {_type_name(value)}"))
            return value
        if self.integer and not float(value).is_integer():
            issues.append((path, "Expected integer, received float"))
        if self.minimum is not None and value < self.minimum:
            issues.append((path, f"Number must be greater than or equal to {self.minimum:g}"))
        if self.maximum is not None and value > self.maximum:
            issues.append((path, f"Number must be less than or equal to {self.maximum:g}"))
        return int(value) if self.integer else value

    def from_query(self, raw: str, path: str, issues: list[tuple[str, str]]) -> Any:
        try:
            number = float(raw)
        except ValueError:
            issues.append((path, f"Expected {self.type_name}, received nan"))
            return raw
        return self.check(int(number) if number.is_integer() else number, path, issues)


@dataclass(eq=False)
class Array(Schema):
    type_name: str = "array"
    items: Schema = field(default_factory=Schema)
    min_items: int | None = None

    def _check(self, value: Any, path: str, issues: list[tuple[str, str]]) -> Any:
        if not isinstance(value, list):
            issues.append((path, f"Expected array, received {_type_name(value)}"))
            return value
        if self.min_items is not None and len(value) < self.min_items:
            issues.append((path, f"Array must contain at least {self.min_items} element(s)"))
        return [self.items.check(v, _join(path, str(i)), issues) for i, v in enumerate(value)]


@dataclass(eq=False)
class Object(Schema):
    type_name: str = "object"
    fields: dict[str, Schema] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    strict: bool = True  # unknown keys are an error
    free_form: bool = False  # any keys, any values (e.g. filterConfig)

    def _check(self, value: Any, path: str, issues: list[tuple[str, str]]) -> Any:
        if not isinstance(value, dict):
            issues.append((path, f"Expected object, received {_type_name(value)}"))
            return value
        if self.free_form:
            return value
        out: dict[str, Any] = {}
        for name, schema in self.fields.items():
            if name in value:
                out[name] = schema.check(value[name], _join(path, name), issues)
            elif name in self.required:
                issues.append((_join(path, name), "Required"))
            elif schema.default is not MISSING:
                out[name] = _copy_default(schema.default)
        unknown = [k for k in value if k not in self.fields]
        if unknown and self.strict:
            keys = ", ".join(f"'{k}'" for k in unknown)
            issues.append((path, f"Unrecognized key(s) in object: {keys}"))
        return out


@dataclass(eq=False)
class AnyOf(Schema):
    """The first option that accepts the value wins; otherwise the first option's issues stand."""

    type_name: str = "union"
    options: tuple[Schema, ...] = ()

    def _check(self, value: Any, path: str, issues: list[tuple[str, str]]) -> Any:
        first: list[tuple[str, str]] | None = None
        for option in self.options:
            trial: list[tuple[str, str]] = []
            result = option.check(value, path, trial)
            if not trial:
                return result
            first = first if first is not None else trial
        issues.extend(first or [(path, "Invalid input")])
        return value


def _copy_default(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


# --- compact constructors -------------------------------------------------------------------


def string(**kw: Any) -> String:
    if "enum" in kw and kw["enum"] is not None:
        kw["enum"] = tuple(kw["enum"])
    return String(**kw)


def uuid_str(**kw: Any) -> String:
    return String(fmt="uuid", **kw)


def boolean(**kw: Any) -> Boolean:
    return Boolean(**kw)


def integer(**kw: Any) -> Number:
    return Number(integer=True, type_name="integer", **kw)


def number(**kw: Any) -> Number:
    return Number(**kw)


def array(items: Schema, **kw: Any) -> Array:
    return Array(items=items, **kw)


def any_of(*options: Schema, **kw: Any) -> AnyOf:
    return AnyOf(options=options, **kw)


def free_object(**kw: Any) -> Object:
    return Object(free_form=True, **kw)


def obj(fields: Mapping[str, Schema], **kw: Any) -> Object:
    """An object schema; a ``*`` after a field name marks it required."""
    clean = {name.rstrip("*"): schema for name, schema in fields.items()}
    required = frozenset(name.rstrip("*") for name in fields if name.endswith("*"))
    return Object(fields=clean, required=required, **kw)


def partial(schema: Object, *, drop_defaults: bool = True) -> Object:
    """The same object with nothing required and, by default, no defaults (PATCH semantics)."""
    fields = {
        name: _without_default(s) if drop_defaults else s for name, s in schema.fields.items()
    }
    return Object(fields=fields, required=frozenset(), strict=schema.strict)


def _without_default(schema: Schema) -> Schema:
    clone = _clone(schema)
    clone.default = MISSING
    return clone


def _clone(schema: Schema) -> Schema:
    import copy

    return copy.copy(schema)


# --- entry points used by the server --------------------------------------------------------


def validate_body(schema: Object, body: Any) -> dict[str, Any]:
    issues: list[tuple[str, str]] = []
    result = schema.check(body, "", issues)
    if issues:
        raise Invalid(issues).to_api_error()
    return result


def validate_query(schema: Object, args: Mapping[str, str]) -> dict[str, Any]:
    """Query strings: unknown keys are refused, values are read by their declared type."""
    issues: list[tuple[str, str]] = []
    out: dict[str, Any] = {}
    for name, raw in args.items():
        spec = schema.fields.get(name)
        if spec is None:
            continue
        out[name] = spec.from_query(raw, name, issues)
    for name in schema.required:
        if name not in args:
            issues.append((name, "Required"))
    for name, spec in schema.fields.items():
        if name not in out and spec.default is not MISSING:
            out[name] = spec.default
    unknown = [k for k in args if k not in schema.fields]
    if unknown:
        keys = ", ".join(f"'{k}'" for k in unknown)
        issues.append(("", f"Unrecognized key(s) in object: {keys}"))
    if issues:
        raise Invalid(issues).to_api_error()
    return out


def validate_path(params: Mapping[str, str], uuid_params: Iterable[str]) -> None:
    """Path parameters typed uuid in the spec answer 400 ``<name>: Invalid uuid`` when malformed."""
    issues = [(name, "Invalid uuid") for name in uuid_params if not is_uuid(params.get(name, ""))]
    if issues:
        raise Invalid(issues).to_api_error()


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return len(str(value)) == 36


def require_any(body: Mapping[str, Any], names: Iterable[str], message: str) -> None:
    if not any(name in body for name in names):
        raise ApiError(400, f"Bad Request: {message}")
