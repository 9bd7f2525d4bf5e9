"""User attribute definitions: ``GET /api/v1/user-attributes`` (spec) and the docs-only writes.

``POST /api/v1/user-attributes`` and ``PUT``/``DELETE /api/v1/user-attributes/{userAttributeId}``
come from Omni's docs site ("Create user attribute", "Update a user attribute definition", "Delete a
user attribute definition"), not from the SDK's spec; a live instance in September 2026 still had
only the list (RESOURCES.md, "Beyond the spec"). ``Emulator.user_attribute_writes_enabled = False``
makes them answer as such an instance: 405 on the collection, 404 on an attribute.

Omni's built-in attributes (``omni_user_id``, ``omni_user_email``...) are listed with
``system: true`` and an empty id (the spec's list schema): they cannot be addressed or changed.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import ApiError, bad_request, conflict, not_found
from ..store import Store, new_id
from ..validation import any_of, array, boolean, free_object, number, obj, string
from . import Context, Route, created, no_content

_PATH = "/api/v1/user-attributes"
_ITEM = "/api/v1/user-attributes/{userAttributeId}"

#: Omni's own attributes, as the list returns them (spec: "e.g. omni_user_id, omni_user_email").
SYSTEM = (
    ("omni_user_id", "User ID"),
    ("omni_user_email", "User email"),
    ("omni_user_name", "User name"),
)
#: The docs' create body: "Must not start with Omni and must not be one of the reserved connection
#: labels: Host, Password, Database, Port, Schema, Connection Name."
RESERVED_LABELS = ("Host", "Password", "Database", "Port", "Schema", "Connection Name")
#: The docs' create body: "Must start with a letter, contain only letters, numbers and
#: underscores, and must not start with omni_."
NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

VALUE = any_of(string(), number(), array(any_of(string(), number())))
CREATE = obj(
    {
        "label*": string(min_len=1),
        "name*": string(min_len=1),
        "type*": string(enum=("String", "Number")),
        "default_value": VALUE,
    }
)
#: The docs give no property list for the update body ("omitted fields keep their values"); the
#: emulator takes the list record's writable fields and refuses others as Omni's zod layer would.
UPDATE_FIELDS = ("label", "description", "default_value", "multiple_values", "type")


def _system() -> list[dict[str, Any]]:
    return [
        {
            "id": "",
            "name": name,
            "label": label,
            "type": "String",
            "description": None,
            "multiple_values": False,
            "default_value": None,
            "system": True,
        }
        for name, label in SYSTEM
    ]


def _view(record: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "name", "label", "type", "description", "multiple_values", "default_value")
    return {**{k: record[k] for k in keys}, "system": False}


def _writes_enabled(ctx: Context, status: int) -> None:
    if not ctx.emulator.user_attribute_writes_enabled:
        raise ApiError(status, "Method Not Allowed" if status == 405 else "Not Found")


def _check_label(store: Store, label: str, own_id: str | None = None) -> None:
    if label.lower().startswith("omni") or label in RESERVED_LABELS:
        raise bad_request(f"label: Label '{label}' is reserved")
    for other in store.user_attributes.values():
        if other["label"].lower() == label.lower() and other["id"] != own_id:
            raise conflict("User attribute with this label already exists")


def _default(value: Any, kind: str, multiple: bool) -> Any:
    """The default as Omni stores it: strings trimmed, numbers as strings (docs' create body)."""
    if value is None:
        return None
    if isinstance(value, list) != multiple:
        want = "an array" if multiple else "a single value"
        raise bad_request(f"default_value: Must be {want}")
    values = value if isinstance(value, list) else [value]
    stored = []
    for item in values:
        text = str(item).strip() if isinstance(item, str) else format(item, "g")
        if kind == "Number":
            try:
                float(text)
            except ValueError:
                raise bad_request("default_value: Expected number, received string") from None
        stored.append(text)
    return stored if multiple else stored[0]


def list_attributes(ctx: Context) -> dict:
    custom = sorted(ctx.store.user_attributes.values(), key=lambda a: a["name"])
    return {"records": _system() + [_view(a) for a in custom]}


def create_attribute(ctx: Context):
    _writes_enabled(ctx, 405)
    store, body = ctx.store, ctx.body
    name = body["name"]
    if not NAME_PATTERN.match(name) or name.lower().startswith("omni_"):
        raise bad_request(
            "name: Must start with a letter, contain only letters, numbers and underscores, and "
            "must not start with omni_"
        )
    if any(a["name"].lower() == name.lower() for a in store.user_attributes.values()):
        raise conflict("User attribute with this name already exists")
    _check_label(store, body["label"])
    record = {
        "id": new_id(),
        "name": name,
        "label": body["label"],
        "type": body["type"],
        "description": None,
        "multiple_values": False,
        "default_value": _default(body.get("default_value"), body["type"], False),
    }
    store.user_attributes[record["id"]] = record
    # The docs do not show the success status or body ("2XX"); 201 with the record is the
    # emulator's choice.
    return created(_view(record))


def _attribute_or_404(ctx: Context) -> dict[str, Any]:
    record = ctx.store.user_attributes.get(ctx.params["userAttributeId"])
    if record is None:
        raise not_found("User attribute not found")
    return record


def update_attribute(ctx: Context) -> dict:
    _writes_enabled(ctx, 404)
    record = _attribute_or_404(ctx)
    body = ctx.body
    unknown = [k for k in body if k not in UPDATE_FIELDS]
    if unknown:
        keys = ", ".join(f"'{k}'" for k in unknown)
        raise bad_request(f"formErrors: Unrecognized key(s) in object: {keys}")
    # The docs: "The attribute's type cannot change, and a multiple-values attribute cannot be
    # changed back to a single value."
    if "type" in body and body["type"] != record["type"]:
        raise bad_request("type: The type of a user attribute cannot be changed")
    multiple = body.get("multiple_values", record["multiple_values"])
    issues: list[tuple[str, str]] = []
    boolean().check(multiple, "multiple_values", issues)
    if issues:
        raise bad_request(", ".join(f"{where}: {why}" for where, why in issues))
    if record["multiple_values"] and not multiple:
        raise bad_request(
            "multiple_values: A multiple-values attribute cannot be changed back to a single value"
        )
    if "label" in body:
        if not isinstance(body["label"], str) or not body["label"]:
            raise bad_request("label: String must contain at least 1 character(s)")
        _check_label(ctx.store, body["label"], record["id"])
        record["label"] = body["label"]
    if "description" in body:
        record["description"] = body["description"]
    if "default_value" in body or multiple != record["multiple_values"]:
        given = body.get("default_value", record["default_value"])
        if multiple and given is not None and not isinstance(given, list):
            given = [given]  # turning multiple values on keeps the default, as a list
        record["default_value"] = _default(given, record["type"], multiple)
    record["multiple_values"] = multiple
    return _view(record)


def delete_attribute(ctx: Context):
    _writes_enabled(ctx, 404)
    record = _attribute_or_404(ctx)
    del ctx.store.user_attributes[record["id"]]
    # The docs: deleting a definition "permanently removes the value every user holds".
    for user in ctx.store.users.values():
        (user.get("attributes") or {}).pop(record["name"], None)
    return no_content()


ROUTES = [
    Route("GET", _PATH, list_attributes),
    Route("POST", _PATH, create_attribute, body=CREATE),
    Route("PUT", _ITEM, update_attribute, body=free_object(), uuid_params=("userAttributeId",)),
    Route("DELETE", _ITEM, delete_attribute, uuid_params=("userAttributeId",)),
]
