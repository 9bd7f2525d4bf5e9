"""Look-ups and small rules shared by several object families."""

from __future__ import annotations

from typing import Any

from ..clock import Clock
from ..errors import ApiError, bad_request, not_found
from ..store import Store
from ..validation import string, uuid_str

#: ``?userId=`` on behalf of a user (organization keys only).
USER_ID = uuid_str()


def now() -> str:
    return Clock.iso_now()


def connection_or_404(store: Store, connection_id: str, *, live: bool = True) -> dict[str, Any]:
    connection = store.connections.get(connection_id)
    if connection is None or (live and connection["deletedAt"] is not None):
        raise not_found("Connection not found")
    return connection


def model_or_404(store: Store, model_id: str) -> dict[str, Any]:
    model = store.models.get(model_id)
    if model is None or model["deletedAt"] is not None:
        raise not_found("Model not found")
    return model


def user_or_404(store: Store, user_id: str) -> dict[str, Any]:
    user = store.users.get(user_id)
    if user is None:
        raise not_found("User not found")
    return user


def dashboard_or_404(store: Store, identifier: str) -> dict[str, Any]:
    document = store.documents.get(identifier)
    if document is None or document["deletedAt"] is not None:
        raise not_found(f'Document with identifier "{identifier}" not found')
    return document


def acting_user(ctx: Any, user_id: str | None) -> str:
    """The owner of a new object: ``?userId`` (organization keys only) or the key's owner."""
    if user_id is None:
        return ctx.caller.user_id
    if not ctx.caller.org:
        raise ApiError(403, "User-scoped API keys cannot act on behalf of other users")
    user_or_404(ctx.store, user_id)
    return user_id


def check_timezone(value: str | None, field: str, message: str) -> None:
    from ..cron import is_valid_timezone

    if value is not None and not is_valid_timezone(value):
        raise bad_request(f"{field}: {message}")


SORT_DIRECTION = string(enum=("asc", "desc"))
