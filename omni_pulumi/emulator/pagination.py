"""The three pagination styles Omni uses, shared by every list endpoint.

- cursor: ``cursor`` (opaque) + ``pageSize`` -> ``{records, pageInfo}`` (folders, models, dbt envs)
- page number: ``cursor`` is a 1-based page number (schedules)
- SCIM: ``startIndex`` (1-based) + ``count`` -> ``{Resources, totalResults, ...}``
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Sequence
from typing import Any

from .errors import ApiError, bad_request


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        offset = json.loads(base64.urlsafe_b64decode(padded))["offset"]
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise bad_request("cursor: Invalid cursor") from exc
    if not isinstance(offset, int) or offset < 0:
        raise bad_request("cursor: Invalid cursor")
    return offset


def cursor_page(items: Sequence[Any], cursor: str | None, page_size: int | None) -> dict:
    size = 20 if page_size is None else int(page_size)
    if size < 1:
        raise bad_request("pageSize: Page size must be at least 1")
    start = decode_cursor(cursor)
    chunk = list(items[start : start + size])
    more = start + size < len(items)
    return {
        "records": chunk,
        "pageInfo": {
            "hasNextPage": more,
            "nextCursor": encode_cursor(start + size) if more else None,
            "pageSize": size,
            "totalRecords": len(items),
        },
    }


def numbered_page(items: Sequence[Any], page: str | int | None, page_size: int | None) -> dict:
    size = 20 if page_size is None else int(page_size)
    try:
        number = int(page) if page not in (None, "") else 1
    except ValueError as exc:
        raise bad_request("cursor: Expected number, received nan") from exc
    last = max(1, math.ceil(len(items) / size))
    if number < 1 or number > last:
        raise ApiError(400, f"Invalid page number. The last valid page is {last}.")
    start = (number - 1) * size
    more = number < last
    return {
        "records": list(items[start : start + size]),
        "pageInfo": {
            "hasNextPage": more,
            "nextCursor": str(number + 1) if more else None,
            "pageSize": size,
            "totalRecords": len(items),
        },
    }


SCIM_LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


def scim_page(items: Sequence[Any], start_index: str | None, count: str | None) -> dict:
    try:
        start = max(1, int(float(start_index))) if start_index else 1
        size = max(0, int(float(count))) if count else 100
    except ValueError as exc:
        raise bad_request("startIndex: Expected number") from exc
    chunk = list(items[start - 1 : start - 1 + size])
    return {
        "Resources": chunk,
        "itemsPerPage": len(chunk),
        "schemas": [SCIM_LIST_SCHEMA],
        "startIndex": start,
        "totalResults": len(items),
    }


def sort_records(items: list[dict], field: str, direction: str) -> list[dict]:
    """Sort by one field, records missing it last; ties keep a stable order by id."""
    present = [r for r in items if r.get(field) is not None]
    absent = [r for r in items if r.get(field) is None]

    def key(r: dict) -> Any:
        value = r[field]
        return value.lower() if isinstance(value, str) else value

    present.sort(key=lambda r: str(r.get("id", "")))
    present.sort(key=key, reverse=direction == "desc")
    return present + absent
