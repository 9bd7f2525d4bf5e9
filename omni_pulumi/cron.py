"""Preview-time checks of the schedules Omni accepts: AWS EventBridge cron and IANA time zones.

Omni refuses a bad cron or zone only when the request is sent, mid-``pulumi up``. Checking here lets
``pulumi preview`` name the argument and the fix instead. Each check returns the reason a value is
refused, or ``None`` when it is fine: an argument declares it as its ``Arg(check=...)``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


class _Field:
    """One of the six positions of an AWS cron expression and what it may hold."""

    def __init__(self, name: str, low: int, high: int, names: tuple[str, ...] = ()) -> None:
        self.name, self.low, self.high, self.names = name, low, high, names

    def value_ok(self, token: str) -> bool:
        if token.upper() in self.names:
            return True
        return token.isdigit() and self.low <= int(token) <= self.high

    def part_ok(self, part: str) -> bool:
        """One comma-separated part: ``*``, ``5``, ``1-5``, ``*/15``, ``10/5``, ``MON-FRI``."""
        base, slash, step = part.partition("/")
        if slash and not (step.isdigit() and int(step) > 0):
            return False
        if base == "*":
            return True
        start, dash, end = base.partition("-")
        return self.value_ok(start) and (not dash or self.value_ok(end))


_FIELDS = (
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day-of-month", 1, 31),
    _Field("month", 1, 12, _MONTHS),
    _Field("day-of-week", 1, 7, _DAYS),
    _Field("year", 1970, 2199),
)
_DAY_OF_MONTH_SPECIAL = re.compile(r"^(L|LW|\d{1,2}W)$")
_DAY_OF_WEEK_SPECIAL = re.compile(r"^([1-7]|[A-Za-z]{3})(#[1-5]|L)$|^L$")
EXAMPLE = "'0 9 * * ? *' (09:00 every day)"


def _special_ok(field: _Field, part: str) -> bool:
    """The day fields' extras: ``L``, ``LW``, ``15W`` (day of month) and ``MON#2``, ``5L`` (day of week)."""
    if field.name == "day-of-month" and _DAY_OF_MONTH_SPECIAL.match(part):
        digits = part.rstrip("W")
        return digits in ("L", "") or field.value_ok(digits)
    if field.name == "day-of-week" and _DAY_OF_WEEK_SPECIAL.match(part):
        day = re.split(r"[#L]", part)[0]
        return day == "" or field.value_ok(day)
    return False


def validate_aws_cron(expression: str) -> str | None:
    """Why ``expression`` is not a 6-field AWS EventBridge cron, or ``None`` when it is one."""
    fields = expression.split()
    if len(fields) != 6:
        reason = (
            f"{expression!r} has {len(fields)} fields; Omni takes AWS cron with 6: minute hour "
            f"day-of-month month day-of-week year, e.g. {EXAMPLE}"
        )
        if len(fields) == 5:
            reason += "; a 5-field Unix cron needs a year field (`*`) and `?` in one day field"
        return reason
    for field, text in zip(_FIELDS, fields, strict=True):
        if text == "?":
            if field.name not in ("day-of-month", "day-of-week"):
                return f"`?` is allowed only in day-of-month or day-of-week, not in {field.name}"
            continue
        for part in text.split(","):
            if not (field.part_ok(part) or _special_ok(field, part)):
                return (
                    f"{field.name} {text!r} is not valid AWS cron (expected {field.low}-"
                    f"{field.high}, `*`, ranges `a-b`, steps `a/n` or lists `a,b`)"
                )
    day_of_month, day_of_week = fields[2], fields[4]
    if (day_of_month == "?") == (day_of_week == "?"):
        return (
            "AWS cron needs `?` in exactly one of day-of-month and day-of-week (the other "
            f"sets the days), e.g. {EXAMPLE} or '0 9 ? * MON-FRI *'"
        )
    return None


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def validate_timezone(name: str) -> str | None:
    """Why ``name`` is not an IANA time zone, or ``None`` when it is one (``UTC``, ``Europe/Paris``)."""
    if name in _zones():
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    else:
        return None
    near = [zone for zone in _zones() if zone.lower() == name.lower()]
    fix = f"did you mean {near[0]!r}?" if near else "use an IANA name such as 'America/New_York'"
    return f"{name!r} is not an IANA time zone; {fix}"
