"""Route declarations shared by every Omni object family.

Each module under ``routes/`` exports ``ROUTES``, a list of :class:`Route`: the method, the path
template exactly as ``openapi.json`` spells it, the handler, and the schemas of its body and query.
The server validates against those schemas before a handler runs, so handlers hold only Omni's
business rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..validation import Object, obj

if TYPE_CHECKING:
    from ..app import Emulator
    from ..store import Store

NO_QUERY = obj({})


@dataclass
class Caller:
    """Who sent the request: the key's owner and whether it is an organization key."""

    key: str
    org: bool
    user_id: str


@dataclass
class Context:
    emulator: Emulator
    store: Store
    caller: Caller
    params: dict[str, str]
    query: dict[str, Any]
    body: Any


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Context], "Reply | dict | None"]


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    handler: Handler
    body: Object | None = None
    query: Object = NO_QUERY
    uuid_params: tuple[str, ...] = ()
    org_only: bool = False
    status: int = 200  # the success status when the handler returns a plain body


def created(body: Any) -> Reply:
    return Reply(201, body)


def no_content() -> Reply:
    return Reply(204, None)


def all_routes() -> list[Route]:
    from . import (
        connection_environments,
        connections,
        dbt,
        dbt_config,
        documents,
        folders,
        git,
        labels,
        model_roles,
        models,
        refresh_schedules,
        schedules,
        scim,
        user_attributes,
        whoami,
    )

    modules = (
        connections,
        connection_environments,
        dbt,
        dbt_config,
        refresh_schedules,
        models,
        git,
        schedules,
        labels,
        documents,
        folders,
        scim,
        user_attributes,
        model_roles,
        whoami,
    )
    return [route for module in modules for route in module.ROUTES]
