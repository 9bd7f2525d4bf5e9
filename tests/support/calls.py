"""Counting the calls an operation made to Omni (the emulator's ``calls``), the credential check aside.

A preview or an up that changes nothing makes no call per resource; each operation may make one
``GET /api/v1/whoami`` (:mod:`omni_pulumi.credentials`), once per provider process and instance.
Tests that pin "no call" count with :func:`omni_calls`, and may pin the check with :func:`checks`.
"""

from __future__ import annotations

from collections.abc import Mapping

from omni_pulumi.credentials import WHOAMI

CHECK = ("GET", WHOAMI)


def omni_calls(calls: Mapping[tuple[str, str], int], method: str | None = None) -> int:
    """Calls (of ``method``, or of any) other than the credential check."""
    return sum(n for (m, path), n in calls.items() if (m, path) != CHECK and method in (None, m))


def checks(calls: Mapping[tuple[str, str], int]) -> int:
    """How many credential checks (whoami) were made."""
    return calls.get(CHECK, 0)


def without_checks(calls: Mapping[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    """The calls as a dict for messages, the credential check left out."""
    return {k: n for k, n in calls.items() if k != CHECK}
