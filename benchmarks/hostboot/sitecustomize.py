"""Loaded by the benchmark's provider host only (its directory is put first on PYTHONPATH).

The benchmark compresses the emulator's clock ``OMNI_BENCH_TIME_SCALE`` times, so a rate-limit
minute lasts ``60 / scale`` real seconds. The provider must then pace itself on the same compressed
clock: this speeds up the clock its rate limiter, retries and backoff read (``SystemClock``), so the
provider keeps its ordinary settings (60 requests a minute, burst, sliding window) and behaves as it
would against Omni, only ``scale`` times faster. Timestamps (``now()``) stay real.
"""

from __future__ import annotations

import os
import time

_scale = float(os.environ.get("OMNI_BENCH_TIME_SCALE") or 1)

if _scale != 1:
    from omni_pulumi.clock import SystemClock

    _origin = time.monotonic()

    def _monotonic(self) -> float:
        return _origin + (time.monotonic() - _origin) * _scale

    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds / _scale)

    SystemClock.monotonic = _monotonic  # type: ignore[method-assign]
    SystemClock.sleep = _sleep  # type: ignore[method-assign]
