"""Fault injection: answer the next requests with an error, or drop them after the write."""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass
class _Rule:
    remaining: int
    method: str | None
    path_prefix: str | None

    def matches(self, method: str, path: str) -> bool:
        return (
            self.remaining > 0
            and (self.method is None or self.method == method)
            and (self.path_prefix is None or path.startswith(self.path_prefix))
        )


@dataclass
class FailRule(_Rule):
    status: int = 503
    retry_after: float | None = None


@dataclass
class DropRule(_Rule):
    pass


class Faults:
    """Pending faults, consumed first-come first-served by matching requests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fail: list[FailRule] = []
        self._drop: list[DropRule] = []

    def add_failure(self, rule: FailRule) -> None:
        with self._lock:
            self._fail.append(rule)

    def add_drop(self, rule: DropRule) -> None:
        with self._lock:
            self._drop.append(rule)

    def take_failure(self, method: str, path: str) -> FailRule | None:
        return self._take(self._fail, method, path)

    def take_drop(self, method: str, path: str) -> DropRule | None:
        return self._take(self._drop, method, path)

    def clear(self) -> None:
        with self._lock:
            self._fail.clear()
            self._drop.clear()

    def _take(self, rules: list, method: str, path: str):  # type: ignore[no-untyped-def]
        with self._lock:
            for rule in rules:
                if rule.matches(method, path):
                    rule.remaining -= 1
                    if rule.remaining == 0:
                        rules.remove(rule)
                    return rule
        return None
