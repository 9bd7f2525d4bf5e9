"""Checks of AWS EventBridge cron expressions and IANA time zones, as Omni applies them."""

from __future__ import annotations

import re
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
_DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

# (low, high, names, extra tokens allowed)
_FIELDS = (
    (0, 59, (), ""),  # minutes
    (0, 23, (), ""),  # hours
    (1, 31, (), "?LW"),  # day of month
    (1, 12, _MONTHS, ""),  # month
    (1, 7, _DAYS, "?L#"),  # day of week
    (1970, 2199, (), ""),  # year
)


def _value(token: str, low: int, high: int, names: tuple[str, ...]) -> bool:
    if token.upper() in names:
        return True
    return token.isdigit() and low <= int(token) <= high


def _part_ok(part: str, index: int) -> bool:
    low, high, names, extra = _FIELDS[index]
    if part == "*":
        return True
    if part == "?":
        return "?" in extra
    if index == 2 and (part in ("L", "LW") or re.fullmatch(r"\d{1,2}W", part)):
        return part[:-1] == "" or part == "LW" or _value(part[:-1], low, high, names)
    if index == 4 and re.fullmatch(r"[1-7A-Za-z]{1,3}(#[1-5]|L)", part):
        return _value(re.split(r"[#L]", part)[0], low, high, names)
    base, _, step = part.partition("/")
    if step and not (step.isdigit() and int(step) > 0):
        return False
    if base == "*":
        return True
    start, _, end = base.partition("-")
    return _value(start, low, high, names) and (not end or _value(end, low, high, names))


def is_valid_aws_cron(expression: str) -> bool:
    """Six fields (minute hour day-of-month month day-of-week year); one day field is ``?``."""
    fields = expression.split()
    if len(fields) != 6:
        return False
    for index, field in enumerate(fields):
        if not all(_part_ok(part, index) for part in field.split(",")):
            return False
    day_of_month, day_of_week = fields[2], fields[4]
    return (day_of_month == "?") != (day_of_week == "?")


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_valid_timezone(name: str) -> bool:
    if name in _zones():
        return True
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return "/" in name or name == "UTC"


def describe(expression: str, timezone: str) -> str:
    """The human-readable description Omni attaches to a schema refresh schedule."""
    minute, hour, dom, month, dow, _year = expression.split()
    when = f"{hour.zfill(2)}:{minute.zfill(2)}" if hour.isdigit() and minute.isdigit() else None
    days = (
        "every day" if "*" in (dom, dow) and "?" in (dom, dow) and month == "*" else "on a schedule"
    )
    at = f"At {when}, {days}" if when else f"Cron {expression}"
    return f"{at} ({timezone})"
