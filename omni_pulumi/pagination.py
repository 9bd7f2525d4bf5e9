"""The three ways Omni splits a list into pages, each turned into a plain iterator of records.

* cursor: ``cursor`` + ``pageSize``, answered with ``pageInfo.nextCursor`` / ``hasNextPage``
  (folders, models, dbt environments);
* page number: the same parameter names, but ``cursor`` is an integer page number starting at 1
  (schedules);
* SCIM: ``startIndex`` (1-based) + ``count``, answered with ``Resources`` / ``totalResults``
  (user groups, users).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from omni_pulumi.errors import OmniBadRequest, OmniError

Fetch = Callable[[str, dict[str, Any]], Any]

#: A server that keeps saying "there is more" must not keep a provider busy forever.
MAX_PAGES = 10_000


def _records(page: Any, key: str, path: str) -> list[dict[str, Any]]:
    if not isinstance(page, Mapping):
        raise OmniError(
            f"GET {path} answered {type(page).__name__}, expected an object with {key!r}"
        )
    records = page.get(key) or []
    if not isinstance(records, list):
        raise OmniError(f"GET {path} answered {key!r} that is not a list")
    return records


def cursor_pages(
    fetch: Fetch, path: str, params: Mapping[str, Any] | None, records_key: str, page_size: int
) -> Iterator[dict[str, Any]]:
    cursor: str | None = None
    seen: set[str] = set()
    for _ in range(MAX_PAGES):
        query = {**(params or {}), "pageSize": page_size}
        if cursor is not None:
            query["cursor"] = cursor
        page = fetch(path, query)
        yield from _records(page, records_key, path)
        info = page.get("pageInfo") or {}
        cursor = info.get("nextCursor")
        if not info.get("hasNextPage") or not cursor:
            return
        if cursor in seen:
            raise OmniError(f"GET {path} returned the cursor {cursor!r} twice; stopping")
        seen.add(cursor)
    raise OmniError(f"GET {path} still had more pages after {MAX_PAGES}; stopping")


def _past_last_page(error: OmniBadRequest) -> bool:
    return "invalid page number" in (error.detail or "").lower()


def numbered_pages(
    fetch: Fetch, path: str, params: Mapping[str, Any] | None, page_size: int
) -> Iterator[dict[str, Any]]:
    for number in range(1, MAX_PAGES + 1):
        try:
            page = fetch(path, {**(params or {}), "pageSize": page_size, "cursor": number})
        except OmniBadRequest as error:
            # Omni answers 400 "Invalid page number. The last valid page is <n>." past the end,
            # including for page 1 of an empty list.
            if _past_last_page(error):
                return
            raise
        records = _records(page, "records", path)
        yield from records
        info = page.get("pageInfo") or {}
        more = info.get("hasNextPage")
        if more is None:
            more = len(records) >= page_size
        if not more or not records:
            return
    raise OmniError(f"GET {path} still had more pages after {MAX_PAGES}; stopping")


def scim_pages(
    fetch: Fetch, path: str, params: Mapping[str, Any] | None, count: int
) -> Iterator[dict[str, Any]]:
    start = 1
    for _ in range(MAX_PAGES):
        page = fetch(path, {**(params or {}), "startIndex": start, "count": count})
        resources = _records(page, "Resources", path)
        yield from resources
        start += len(resources)
        total = page.get("totalResults")
        if not isinstance(total, int):
            total = None
        if not resources or (start > total if total is not None else len(resources) < count):
            return
    raise OmniError(f"GET {path} still had more pages after {MAX_PAGES}; stopping")


class Paginating:
    """The three paging styles as methods, for any reader with a ``get(path, params=...)``.

    Shared by :class:`~omni_pulumi.client.OmniClient` and the export's read-only client, so a
    resource spec pages the same way whichever one it was handed.
    """

    def get(self, path: str, params: Mapping[str, Any] | None = None, **kw: Any) -> Any:
        raise NotImplementedError

    def _fetch(self, path: str, params: dict[str, Any]) -> Any:
        return self.get(path, params=params)

    def paginate_cursor(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        records_key: str = "records",
        page_size: int = 100,
    ) -> Iterator[dict[str, Any]]:
        """Records of a ``cursor``/``pageInfo.nextCursor`` list (folders, models)."""
        return cursor_pages(self._fetch, path, params, records_key, page_size)

    def paginate_pages(
        self, path: str, params: Mapping[str, Any] | None = None, *, page_size: int = 100
    ) -> Iterator[dict[str, Any]]:
        """Records of a list whose ``cursor`` is a page number (schedules)."""
        return numbered_pages(self._fetch, path, params, page_size)

    def paginate_scim(
        self, path: str, params: Mapping[str, Any] | None = None, *, count: int = 100
    ) -> Iterator[dict[str, Any]]:
        """Resources of a SCIM list (``startIndex``/``count``; user groups)."""
        return scim_pages(self._fetch, path, params, count)
