"""Label: a tag for documents and folders. Omni keys labels by name; there is no other id."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import pulumi
from pydantic import Field, StringConstraints

from omni_pulumi.client import OmniClient, quote_segment
from omni_pulumi.errors import OmniConflict, OmniNotFound
from omni_pulumi.resource import OmniResource, given
from omni_pulumi.spec import Arg, OmniArgs, ResourceSpec

PATH = "/api/v1/labels"


#: Lowercased at check: `#1A7F37` and `#1a7f37` are one color, and must not diff against each other.
HexColor = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{3,8}$", to_lower=True)]


class LabelArgs(OmniArgs):
    name: Annotated[
        str,
        Field(min_length=2, max_length=25),
        Arg(
            updatable=True,
            hint="use 2 to 25 characters; names are unique regardless of case",
            doc="The label's name and Omni's key for it: 2 to 25 characters, unique regardless of "
            "case. A rename is written in place.",
        ),
    ]
    color: Annotated[
        HexColor | None,
        Arg(
            updatable=True, hint="use a hex color such as #1a7f37", doc="Hex color, e.g. `#1a7f37`."
        ),
    ] = None
    description: Annotated[
        str | None,
        Field(max_length=500),
        Arg(updatable=True, doc="What the label means; at most 500 characters."),
    ] = None
    verified: Annotated[
        bool,
        Arg(updatable=True, doc="Mark the label as verified (needs an Organization Admin key)."),
    ] = False
    homepage: Annotated[
        bool,
        Arg(
            updatable=True, doc="Show the label on the homepage (needs an Organization Admin key)."
        ),
    ] = False


def _label_path(name: str) -> str:
    return f"{PATH}/{quote_segment(name)}"


def _observed(body: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": body["name"],
        "color": body.get("color"),
        "description": body.get("description"),
        "verified": bool(body.get("verified", False)),
        "homepage": bool(body.get("homepage", False)),
    }


class LabelSpec(ResourceSpec):
    """Labels are keyed by name, so the Pulumi id is the name the label was created with and reads
    follow the current name kept in state: a rename stays an update and the id stays stable."""

    type_name = "Label"
    args_model = LabelArgs
    id_doc = "the label's name"
    natural_key = ("name",)
    notes = """
- Labels have no id: Omni keys them by name, unique regardless of case. The Pulumi id is the name
  the label was created with, and reads follow the current name kept in state, so a rename is an
  update (a `PUT` to the current name) and the id stays stable.
- A label renamed outside Pulumi cannot be followed: refresh drops it from the stack.
- Omni refuses to delete a label that documents still use (409). `destroy` then fails with a
  message that says so; remove the label from those documents in Omni, or keep it with the resource
  option `retain_on_delete=True`.
- `verified` and `homepage` need an Organization Admin key (403 otherwise).
"""

    def create(self, client: OmniClient, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        body = client.post(PATH, json=_body(args))
        return args["name"], _observed(body or args)

    def read(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> dict[str, Any] | None:
        try:
            return _observed(client.get(_label_path(state.get("name") or id_)))
        except OmniNotFound:
            return None

    def update(
        self, client: OmniClient, id_: str, olds: Mapping[str, Any], news: dict[str, Any]
    ) -> dict[str, Any]:
        body = client.put(_label_path(olds.get("name") or id_), json=_body(news))
        return _observed(body or news)

    def delete(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> None:
        name = state.get("name") or id_
        try:
            client.delete(_label_path(name))
        except OmniConflict as exc:
            hint = (
                f"Label {name!r} is still applied to documents: remove it from every document "
                "in Omni first, or keep it in Omni with the resource option `retain_on_delete=True`"
            )
            raise exc.with_hint(hint) from None

    def find_existing(self, client: OmniClient, args: dict[str, Any]) -> str | None:
        return args["name"] if self.read(client, args["name"], {}) else None


def _body(args: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": args["name"],
        "color": args.get("color"),
        "description": args.get("description"),
        "verified": bool(args.get("verified")),
        "homepage": bool(args.get("homepage")),
    }


class Label(OmniResource, spec=LabelSpec):
    """An Omni label. The Pulumi id is the name it was created with; ``adopt_id`` is its name."""

    name: pulumi.Output[str]
    color: pulumi.Output[str | None]
    description: pulumi.Output[str | None]
    verified: pulumi.Output[bool]
    homepage: pulumi.Output[bool]

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        color: pulumi.Input[str] | None = None,
        description: pulumi.Input[str] | None = None,
        verified: pulumi.Input[bool] | None = None,
        homepage: pulumi.Input[bool] | None = None,
        adopt_id: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, given(locals()), opts)
