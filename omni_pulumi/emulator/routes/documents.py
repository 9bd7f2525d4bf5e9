"""Applying labels to documents: the only document endpoints the emulator serves.

Documents themselves are seeded (``Emulator.seed_dashboard``); applying a label is what makes a
label "used", so that deleting it is refused as Omni does.
"""

from __future__ import annotations

from ..errors import not_found
from ..store import Store
from ..validation import obj
from . import Context, Route, no_content
from .common import USER_ID, acting_user, dashboard_or_404
from .labels import label_or_404

ACTING_QUERY = obj({"userId": USER_ID})


def apply_label(store: Store, identifier: str, name: str) -> None:
    document = dashboard_or_404(store, identifier)
    label = label_or_404(store, name)
    if label["name"].lower() not in (n.lower() for n in document["labels"]):
        document["labels"].append(label["name"])


def add_label(ctx: Context):
    acting_user(ctx, ctx.query.get("userId"))
    apply_label(ctx.store, ctx.params["identifier"], ctx.params["labelName"])
    return no_content()


def remove_label(ctx: Context):
    acting_user(ctx, ctx.query.get("userId"))
    document = dashboard_or_404(ctx.store, ctx.params["identifier"])
    name = ctx.params["labelName"]
    kept = [n for n in document["labels"] if n.lower() != name.lower()]
    if len(kept) == len(document["labels"]):
        raise not_found(f'Label "{name}" not found on this document')
    document["labels"] = kept
    return no_content()


_PATH = "/api/v1/documents/{identifier}/labels/{labelName}"
ROUTES = [
    Route("PUT", _PATH, add_label, query=ACTING_QUERY),
    Route("DELETE", _PATH, remove_label, query=ACTING_QUERY),
]
