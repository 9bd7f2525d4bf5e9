"""Labels: keyed by name, case-insensitively; delete refused while documents use them."""

from __future__ import annotations

from typing import Any

from ..errors import ApiError, conflict, not_found
from ..store import Store
from ..validation import boolean, obj, partial, string
from . import Context, Route, created, no_content
from .common import USER_ID, acting_user

LABEL = obj(
    {
        "name*": string(min_len=2, max_len=25),
        "verified": boolean(default=False),
        "homepage": boolean(default=False),
        "color": string(max_len=9, nullable=True, default=None),
        "description": string(max_len=500, nullable=True, default=None),
    }
)
ACTING_QUERY = obj({"userId": USER_ID})


def find_label(store: Store, name: str) -> dict[str, Any] | None:
    return store.labels.get(name.lower())


def label_or_404(store: Store, name: str) -> dict[str, Any]:
    label = find_label(store, name)
    if label is None:
        raise not_found(f'Label "{name}" not found')
    return label


def _view(store: Store, label: dict[str, Any]) -> dict[str, Any]:
    usage = sum(
        1
        for doc in store.documents.values()
        if doc["deletedAt"] is None and label["name"].lower() in (n.lower() for n in doc["labels"])
    )
    return {
        "name": label["name"],
        "verified": label["verified"],
        "homepage": label["homepage"],
        "color": label["color"],
        "description": label["description"],
        "usage_count": usage,
    }


def list_labels(ctx: Context) -> dict:
    labels = sorted(ctx.store.labels.values(), key=lambda label: label["name"].lower())
    return {"labels": [_view(ctx.store, label) for label in labels]}


def create_label(ctx: Context):
    acting_user(ctx, ctx.query.get("userId"))
    body = ctx.body
    if find_label(ctx.store, body["name"]) is not None:
        raise conflict("Label with this name already exists")
    ctx.store.labels[body["name"].lower()] = dict(body)
    return created(_view(ctx.store, body))


def get_label(ctx: Context) -> dict:
    return _view(ctx.store, label_or_404(ctx.store, ctx.params["name"]))


def update_label(ctx: Context) -> dict:
    acting_user(ctx, ctx.query.get("userId"))
    label = label_or_404(ctx.store, ctx.params["name"])
    new_name = ctx.body.get("name", label["name"])
    if new_name.lower() != label["name"].lower():
        if find_label(ctx.store, new_name) is not None:
            raise conflict("Label with new name already exists")
        for doc in ctx.store.documents.values():
            doc["labels"] = [
                new_name if n.lower() == label["name"].lower() else n for n in doc["labels"]
            ]
    del ctx.store.labels[label["name"].lower()]
    label.update(ctx.body)
    ctx.store.labels[new_name.lower()] = label
    return _view(ctx.store, label)


def delete_label(ctx: Context):
    acting_user(ctx, ctx.query.get("userId"))
    label = label_or_404(ctx.store, ctx.params["name"])
    if _view(ctx.store, label)["usage_count"] > 0:
        raise ApiError(409, "Cannot delete label that is applied to documents")
    del ctx.store.labels[label["name"].lower()]
    return no_content()


ROUTES = [
    Route("GET", "/api/v1/labels", list_labels),
    Route("POST", "/api/v1/labels", create_label, body=LABEL, query=ACTING_QUERY),
    Route("GET", "/api/v1/labels/{name}", get_label),
    Route("PUT", "/api/v1/labels/{name}", update_label, body=partial(LABEL), query=ACTING_QUERY),
    Route("DELETE", "/api/v1/labels/{name}", delete_label, query=ACTING_QUERY),
]
