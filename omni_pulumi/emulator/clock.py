"""The emulator's clock: real wall time for timestamps, a compressible clock for windows.

``time_scale`` speeds up everything the emulator measures in time (rate-limit windows) so that
benchmarks can exercise a per-minute limit in a second. Timestamps written into objects stay real
UTC times so that they look like Omni's ISO 8601 strings.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone


class Clock:
    def __init__(self, time_scale: float = 1.0) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.time_scale = time_scale
        self._origin = time.monotonic()

    def now(self) -> float:
        """Emulated seconds since start; runs ``time_scale`` times faster than real time."""
        return (time.monotonic() - self._origin) * self.time_scale

    def to_real_seconds(self, emulated: float) -> float:
        return emulated / self.time_scale

    @staticmethod
    def iso_now() -> str:
        """An ISO 8601 UTC timestamp with milliseconds, as Omni writes them."""
        now = datetime.now(timezone.utc)
        return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
