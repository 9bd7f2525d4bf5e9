"""A progress bar on stderr: one bar per kind, objects read out of those listed.

Written here rather than taken from a library: it is twenty lines, and the CLI keeps no
dependency beyond the provider's own. On a terminal the bar is redrawn in place; elsewhere (CI
logs) one line is written per finished kind, so logs stay readable.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 24


class Progress:
    def __init__(self, stream: TextIO | None = None, *, interval: float = 0.1) -> None:
        self.stream = stream or sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = interval
        self.kind = ""
        self.done = self.total = self.requests = 0
        self._drawn = 0.0

    def begin(self, kind: str, total: int) -> None:
        """A kind's listing is complete: ``total`` objects will be read."""
        self.end()
        self.kind, self.done, self.total = kind, 0, total
        self._draw(force=True)

    def step(self) -> None:
        self.done += 1
        self._draw()

    def request(self) -> None:
        """A request went to Omni (waits for the rate limit show as a bar that stands still)."""
        self.requests += 1
        self._draw()

    def line(self) -> str:
        filled = WIDTH * self.done // self.total if self.total else WIDTH
        bar = "#" * filled + "-" * (WIDTH - filled)
        return f"{self.kind:<22} [{bar}] {self.done}/{self.total}  ({self.requests} requests)"

    def _draw(self, force: bool = False) -> None:
        if not self.live or not self.kind:
            return
        now = time.monotonic()
        if not force and now - self._drawn < self.interval:
            return
        self._drawn = now
        self.stream.write(f"\r{self.line()}\x1b[K")
        self.stream.flush()

    def end(self) -> None:
        """Finish the current kind's bar (also called by :meth:`begin` for the next kind)."""
        if not self.kind:
            return
        self.stream.write(
            ("\r" if self.live else "") + self.line() + ("\x1b[K\n" if self.live else "\n")
        )
        self.stream.flush()
        self.kind = ""
