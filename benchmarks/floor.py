"""Omni's floor: the least time C calls can take under its admission rule, given recent history.

Omni admits ``limit`` requests per key in any 60 seconds. A perfect client sends each call the
moment some key's window has room: from idle keys, C calls over k keys take
(⌈C / (k·limit)⌉ - 1) minutes. Calls admitted shortly before (the previous operation's) count
against the next: the floor of a phase is simulated from what each key was admitted in the minute
before the phase began.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence

WINDOW_SECONDS = 60.0


def floor_seconds(
    calls: int,
    *,
    keys: Sequence[str],
    limit: int,
    start: float = 0.0,
    history: Iterable[tuple[str, float]] = (),
) -> float:
    """Seconds from ``start`` until the last of ``calls`` calls could be admitted.

    ``history`` holds ``(key, time)`` of earlier admissions (same clock as ``start``); those older
    than a window before ``start`` do not matter.
    """
    if calls <= 0:
        return 0.0
    windows: dict[str, list[float]] = {key: [] for key in keys}
    for key, when in sorted(history, key=lambda item: item[1]):
        if key in windows and when > start - WINDOW_SECONDS:
            windows[key].append(when)

    # Each key's next free time: now if its window has room, else when its limit-th latest leaves.
    def free_at(times: list[float]) -> float:
        return start if len(times) < limit else max(start, times[-limit] + WINDOW_SECONDS)

    heap = [(free_at(times), key) for key, times in windows.items()]
    heapq.heapify(heap)
    last = start
    for _ in range(calls):
        when, key = heapq.heappop(heap)
        windows[key].append(when)
        last = when
        heapq.heappush(heap, (free_at(windows[key]), key))
    return last - start


def idle_floor_seconds(calls: int, keys: int = 1, limit: int = 60) -> float:
    """(⌈C / (k·limit)⌉ - 1) minutes: the floor from idle keys."""
    return max(0, -(-calls // (keys * limit)) - 1) * WINDOW_SECONDS
