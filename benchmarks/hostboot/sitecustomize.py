"""Loaded by the benchmark's provider hosts only (its directory is put first on PYTHONPATH).

The benchmark may compress the emulator's clock ``OMNI_BENCH_TIME_SCALE`` times, so a rate-limit
minute lasts ``60 / scale`` real seconds. The provider must then pace itself on the same compressed
clock: this speeds up every clock its rate limiter, retries and backoff read (``SystemClock``), so
the provider keeps its ordinary settings (60 requests a minute, the 60-second window) and behaves as
it would against Omni, only ``scale`` times faster.

The wall clock (``now()``) is compressed around ``OMNI_BENCH_EPOCH``, one instant the benchmark
sets for all its hosts: the rate budget every provider process shares is kept in wall-clock time,
so the hosts of successive operations must agree on it, as real processes agree on real time.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone

_scale = float(os.environ.get("OMNI_BENCH_TIME_SCALE") or 1)

if _scale != 1:
    from omni_pulumi.clock import SystemClock

    _origin = time.monotonic()
    _epoch = float(os.environ.get("OMNI_BENCH_EPOCH") or time.time())

    def _monotonic(self) -> float:
        return _origin + (time.monotonic() - _origin) * _scale

    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds / _scale)

    def _now(self) -> datetime:
        return datetime.fromtimestamp(_epoch + (time.time() - _epoch) * _scale, tz=timezone.utc)

    SystemClock.monotonic = _monotonic  # type: ignore[method-assign]
    SystemClock.sleep = _sleep  # type: ignore[method-assign]
    SystemClock.now = _now  # type: ignore[method-assign]
