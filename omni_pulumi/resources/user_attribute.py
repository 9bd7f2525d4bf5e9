"""UserAttribute: a custom user attribute definition (``/api/v1/user-attributes``).

Only the list is in Omni's spec; create, update and delete come from Omni's docs site, and an
instance without them (a live one in September 2026) gets a clear error saying what to do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from omni_pulumi.client import OmniClient
from omni_pulumi.errors import OmniApiError, OmniNotFound, OmniResourceError
from omni_pulumi.spec import Arg, Listing, OmniArgs, ResourceSpec

PATH = "/api/v1/user-attributes"
#: The docs' create body: a letter first, then letters, digits and underscores; no `omni_` prefix.
NAME_RULE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
#: The docs' create body: labels must not start with "Omni" nor be a reserved connection label.
RESERVED_LABELS = ("Host", "Password", "Database", "Port", "Schema", "Connection Name")
_UNSERVED = (
    "this Omni instance does not serve {call} (Omni's docs document it, but some instances "
    "have only the list): {what}"
)


def as_text(value: Any) -> Any:
    """Omni stores attribute values as strings ("Number values are stored as strings"), so a
    number the program gives is compared and sent as the string Omni will answer with."""
    if isinstance(value, list):
        return [as_text(item) for item in value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format(value, "g")
    return value


Value = Annotated[str | list[str], BeforeValidator(as_text)]


def name_problems(prop: str, name: str) -> Iterable[tuple[str, str]]:
    """Omni's rules for an attribute name (the docs' create body), with the fix."""
    if name.lower().startswith("omni_"):
        yield (
            prop,
            (
                f"{name!r} is one of Omni's built-in attributes (omni_*), which Omni manages and never "
                "returns; use a name without the omni_ prefix"
            ),
        )
    elif not NAME_RULE.match(name):
        yield (
            prop,
            (
                f"{name!r} is not a valid attribute name: start with a letter and use only letters, "
                "digits and underscores (e.g. sales_region)"
            ),
        )


class UserAttributeArgs(OmniArgs):
    name: Annotated[
        str,
        Field(min_length=1),
        Arg(
            hint="start with a letter; use letters, digits and underscores; no omni_ prefix",
            doc="The reference name used in model SQL and embed URLs, unique in the organization. "
            "A change replaces the attribute (and wipes every user's value of it).",
        ),
    ]
    label: Annotated[
        str,
        Field(min_length=1),
        Arg(updatable=True, doc="The name Omni's UI shows, unique among custom attributes."),
    ]
    type: Annotated[
        Literal["String", "Number"],
        Arg(doc="`String` or `Number`; Omni cannot change it, so a change replaces the attribute."),
    ] = "String"
    description: Annotated[
        str | None,
        Arg(updatable=True, send_null=True, doc="What the attribute is for."),
    ] = None
    multiple_values: Annotated[
        bool,
        Arg(
            updatable=True,
            api="multiple_values",
            doc="Whether users hold a list of values. Omni cannot turn it back off: preview "
            "refuses a change from true to false.",
        ),
    ] = False
    default_value: Annotated[
        Value | None,
        Arg(
            updatable=True,
            send_null=True,
            api="default_value",
            hint="a single value, or a list when multiple_values is true",
            doc="The value of users who have none: a list when `multiple_values` is true. "
            "Numbers are kept as strings, as Omni stores them.",
        ),
    ] = None


class UserAttributeSpec(ResourceSpec, register=True):
    """A custom user attribute definition."""

    type_name = "UserAttribute"
    args_model = UserAttributeArgs
    id_doc = "the attribute's id (a uuid; Omni's built-in `omni_*` attributes have none)"
    natural_key = ("name",)
    also_unique = ("label",)
    path = PATH
    listing = Listing(PATH, records="records")
    # Omni has no GET of one attribute: reads find it in the list.
    reads_from_listing = True
    notes = """
- Only the list (`GET /api/v1/user-attributes`) is in Omni's spec. Create, update and delete are
  documented on Omni's docs site; an instance that answers 404 or 405 to them (a live instance in
  September 2026 had only the list) gets an error saying so: create the attribute in Omni's UI and
  adopt it with `adopt_id`, or keep it with `retain_on_delete=True` on destroy.
- The docs' create body carries `name`, `label`, `type` and a single `default_value` only: a
  `description`, `multiple_values` or a list default is written by a `PUT` right after the create.
- `name` and `type` replace the attribute (Omni cannot change `type`); a replacement deletes the
  old definition, and with it every user's value of it. Names and labels are unique, so a
  replacement that keeps either deletes the old definition first.
- `multiple_values` cannot go back to false (Omni refuses it): preview refuses the change.
- Omni's built-in attributes (`omni_user_id`, `omni_user_email`...: `system: true`, no id) can be
  neither created nor adopted, and export leaves them out.
"""

    def check_rules(self, args: dict[str, Any], unknown: set[str]) -> Iterable[tuple[str, str]]:
        if "name" not in unknown and args.get("name"):
            yield from name_problems("name", args["name"])
        label = args.get("label")
        reserved = isinstance(label, str) and (
            label.lower().startswith("omni") or label in RESERVED_LABELS
        )
        if "label" not in unknown and reserved:
            yield (
                "label",
                (
                    f"{label!r} is reserved: labels must not start with 'Omni' nor be one of "
                    f"{', '.join(RESERVED_LABELS)}; pick another label"
                ),
            )
        default, multiple = args.get("default_value"), args.get("multiple_values")
        if {"default_value", "multiple_values"} & unknown or default is None:
            return
        if isinstance(default, list) != bool(multiple):
            want = "a list" if multiple else "a single value"
            yield "default_value", f"must be {want} when multiple_values is {bool(multiple)}"
        elif args.get("type") == "Number" and "type" not in unknown:
            for item in default if isinstance(default, list) else [default]:
                try:
                    float(item)
                except ValueError:
                    yield "default_value", f"{item!r} is not a number, and type is Number"

    def check_change(
        self, olds: dict[str, Any], news: dict[str, Any], replacing: set[str]
    ) -> Iterable[tuple[str, str]]:
        if olds.get("multiple_values") and news.get("multiple_values") is False and not replacing:
            yield (
                "multiple_values",
                (
                    "cannot go back to false: Omni refuses to turn a multiple-values attribute back "
                    "into a single value; keep it true, or change `name` to replace the attribute"
                ),
            )

    def create(self, client: OmniClient, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        # The docs' create body has no description nor multiple_values, and a single default:
        # what it cannot carry is written by a PUT once the attribute exists.
        multiple = bool(args.get("multiple_values"))
        first = ["name", "label", "type"] + ([] if multiple else ["default_value"])
        body = {k: v for k, v in self.body(args, first).items() if v is not None}
        try:
            record = self.unwrap(client.post(PATH, json=body))
        except OmniApiError as exc:
            if exc.status not in (404, 405):
                raise
            raise self._unserved(exc, "the create route (POST /api/v1/user-attributes)") from None
        id_ = self.id_of(args, record)
        if not id_:
            id_ = self._id_by_name(client, args["name"])
        observed = self.observe(record, args)
        if multiple or args.get("description") is not None:
            rest = ["description", "multiple_values", "default_value"]
            answer = client.put(self.item_path(id_), json=self.body(args, rest))
            observed.update(self.observe(self.unwrap(answer), args))
        return id_, observed

    def _id_by_name(self, client: OmniClient, name: str) -> str:
        # The docs do not show create's answer: find the new attribute's id in the list.
        for record in self.list_records(client, {}):
            if record.get("name") == name and record.get("id"):
                return str(record["id"])
        raise OmniResourceError(f"UserAttribute {name!r} was created but Omni does not list it")

    def update(
        self,
        client: OmniClient,
        id_: str,
        olds: Mapping[str, Any],
        news: dict[str, Any],
        changed: set[str],
    ) -> dict[str, Any]:
        try:
            return super().update(client, id_, olds, news, changed)
        except OmniApiError as exc:
            if exc.status == 405 or (exc.status == 404 and self._still_listed(client, id_)):
                call = "the update route (PUT /api/v1/user-attributes/{id})"
                raise self._unserved(exc, call) from None
            raise

    def delete(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> None:
        try:
            super().delete(client, id_, state)
        except OmniApiError as exc:
            # A 404 also means "already deleted", which the engine accepts: only an attribute
            # Omni still lists shows the route is missing.
            if exc.status == 405 or (exc.status == 404 and self._still_listed(client, id_)):
                raise self._unserved(
                    exc, "the delete route (DELETE /api/v1/user-attributes/{id})", delete=True
                ) from None
            raise

    def _still_listed(self, client: OmniClient, id_: str) -> bool:
        # Straight from Omni, not the list cache: the question is what Omni holds now.
        try:
            answer = client.get(PATH) or {}
        except OmniNotFound:
            return False
        return any(str(r.get("id")) == id_ for r in answer.get("records") or [])

    def _unserved(self, exc: OmniApiError, call: str, delete: bool = False) -> OmniResourceError:
        what = (
            "delete the attribute in Omni's UI (Settings > User attributes), or keep it with "
            "the resource option `retain_on_delete=True`"
            if delete
            else "create or change the attribute in Omni's UI (Settings > User attributes) and "
            "adopt it with `adopt_id=<its id>` (or `import_`); the list "
            "(`GET /api/v1/user-attributes`) shows its id"
        )
        # Not an OmniNotFound: the engine would take a 404 on delete for "already deleted".
        return OmniResourceError(str(exc.with_hint(_UNSERVED.format(call=call, what=what))))

    def id_for_adoption(self, client: OmniClient, adopt_id: str) -> str:
        # Built-in attributes have an empty id; someone adopting one names it by its name.
        if adopt_id.lower().startswith("omni_"):
            raise OmniResourceError(
                f"Cannot adopt UserAttribute {adopt_id!r}: it is one of Omni's built-in "
                "attributes (system), which Omni manages and which have no id. Nothing was changed."
            )
        return adopt_id

    def unexportable(self, record: Mapping[str, Any]) -> str | None:
        if record.get("system") or not record.get("id"):
            return "one of Omni's built-in attributes (system), which Omni manages"
        return None
