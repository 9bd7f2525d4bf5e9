"""Label: a tag for documents and folders. Omni keys labels by name; there is no other id."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from omni_pulumi.spec import Arg, Listing, OmniArgs, ResourceSpec

#: CSS hex notation: 3, 4, 6 or 8 digits (`#abc`, `#abcd`, `#aabbcc`, `#aabbccdd`); 5 or 7 mean
#: nothing. Lowercased at check: `#1A7F37` and `#1a7f37` are one color, and must not diff.
HexColor = Annotated[
    str,
    StringConstraints(
        pattern=r"^#(?:[0-9A-Fa-f]{3}|[0-9A-Fa-f]{4}|[0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})$",
        to_lower=True,
    ),
]


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
            updatable=True,
            send_null=True,
            hint="use a hex color of 3, 4, 6 or 8 digits, such as #1a7f37",
            doc="Hex color of 3, 4, 6 or 8 digits, e.g. `#1a7f37`.",
        ),
    ] = None
    description: Annotated[
        str | None,
        Field(max_length=500),
        Arg(updatable=True, send_null=True, doc="What the label means; at most 500 characters."),
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


class LabelSpec(ResourceSpec, register=True):
    """Labels are keyed by name, so the Pulumi id is the name the label was created with and reads
    follow the current name kept in state: a rename stays an update and the id stays stable."""

    type_name = "Label"
    args_model = LabelArgs
    id_doc = "the label's name"
    natural_key = ("name",)
    path = "/api/v1/labels"
    listing = Listing("/api/v1/labels", records="labels")
    notes = """
- Labels have no id: Omni keys them by name, unique regardless of case. The Pulumi id is the name
  the label was created with, and reads follow the current name kept in state, so a rename is an
  update (a `PUT` to the current name) and the id stays stable.
- A label renamed outside Pulumi cannot be followed: refresh drops it from the stack.
- `verified` and `homepage` need an Organization Admin key (403 otherwise).
"""

    refusals = {
        ("delete", 409): "Label {name!r} is still applied to documents: remove it from every "
        "document in Omni first, or keep it in Omni with the resource option "
        "`retain_on_delete=True`"
    }

    # Omni addresses a label by its current name, which a rename changes while the id stays.
    id_api = "name"

    def address(self, id_: str, state: Mapping[str, Any]) -> str:
        return state.get("name") or id_
