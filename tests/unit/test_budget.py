"""The key's budget outlives the process: a file shared by every provider process on the machine."""

from __future__ import annotations

import os
import stat
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from omni_pulumi.budget import (
    CACHE_DIR_ENV,
    FileBudget,
    Record,
    budget_fingerprint,
    budget_for,
    cache_dir,
)
from omni_pulumi.clock import FakeClock
from omni_pulumi.ratelimit import WINDOW_GUARD_SECONDS, RateLimiter

KEY = "omni_osk_budget_test_SECRET_KEY"
BASE = "https://acme.omniapp.co"


def most_in_any_window(times: list[float], window: float) -> int:
    times = sorted(times)
    best, first = 0, 0
    for last, t in enumerate(times):
        while t - times[first] >= window - 1e-9:
            first += 1
        best = max(best, last - first + 1)
    return best


def process(path: Path, clock, rpm: float = 60) -> RateLimiter:
    """A provider process's limiter: its own objects, only the file in common."""
    return RateLimiter(rpm, clock=clock, budget=FileBudget(path))


def test_two_processes_at_once_never_exceed_60_in_any_60_seconds(tmp_path):
    clock = FakeClock()
    path = tmp_path / "key.json"
    one, two = process(path, clock), process(path, clock)
    starts = []
    for i in range(300):
        (one if i % 3 else two).acquire()
        starts.append(clock.monotonic())
    assert most_in_any_window(starts, 60.0) == 60
    # ...and neither waits more than needed: together they take the one key's floor.
    assert starts[-1] - starts[0] == pytest.approx(4 * (60 + WINDOW_GUARD_SECONDS))


def test_back_to_back_operations_see_what_the_previous_one_spent(tmp_path):
    clock = FakeClock()
    path = tmp_path / "key.json"
    up = process(path, clock)
    for _ in range(50):
        up.acquire()
    clock.advance(20)  # the engine finishes `up` and starts `destroy` in a new host
    destroy = process(path, clock)
    waits = [destroy.acquire() for _ in range(20)]
    assert waits[:10] == [0] * 10  # the 10 the window still had
    assert waits[10] == pytest.approx(60 + WINDOW_GUARD_SECONDS - 20)
    clock.advance(100)  # a minute later the key is idle again for a third operation
    assert [process(path, clock).acquire() for _ in range(60)] == [0] * 60


def test_parallel_processes_in_threads_share_the_window(tmp_path):
    """Two hosts (parallel stacks on one runner), each with threads, all on one key."""
    clock = FakeClock()
    path = tmp_path / "key.json"
    hosts = [process(path, clock), process(path, clock)]
    starts: list[float] = []
    lock = threading.Lock()

    def worker(limiter: RateLimiter) -> None:
        for _ in range(20):
            start, _wait = limiter.reserve()
            with lock:
                starts.append(start)

    threads = [threading.Thread(target=worker, args=(hosts[i % 2],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(starts) == 160
    assert most_in_any_window(starts, 60.0) == 60


def test_the_file_holds_times_only_and_old_entries_are_pruned(tmp_path):
    clock = FakeClock()
    path = tmp_path / "key.json"
    limiter = process(path, clock)
    for _ in range(400):
        limiter.acquire()
        clock.advance(2.0)
    text = path.read_text()
    assert KEY not in text
    record = Record.from_json(path.read_bytes())
    # only the last window's starts are kept: 30 requests 2 s apart
    assert len(record.starts) == 31
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_budget_file_is_named_by_a_fingerprint_in_the_cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path))
    budget = budget_for(BASE, KEY)
    assert isinstance(budget, FileBudget)
    assert budget.path.parent == tmp_path / "ratelimit"
    assert KEY not in str(budget.path)
    assert budget.path.stem == budget_fingerprint(BASE, KEY)
    assert budget_fingerprint("http://127.0.0.1:1234", KEY) != budget_fingerprint(BASE, KEY)


def test_the_cache_dir_follows_xdg_then_home():
    assert cache_dir({CACHE_DIR_ENV: "/x/y"}) == Path("/x/y")
    assert cache_dir({"XDG_CACHE_HOME": "/c"}) == Path("/c/omni-pulumi")
    assert cache_dir({}) == Path.home() / ".cache" / "omni-pulumi"


def test_a_corrupt_file_starts_afresh_and_says_so_once(tmp_path, capsys):
    clock = FakeClock()
    path = tmp_path / "key.json"
    path.write_bytes(b"\x00\xffnot json")
    limiter = process(path, clock)
    assert [limiter.acquire() for _ in range(60)] == [0] * 60
    path.write_text('{"version": 1, "starts": "nope"}')
    limiter.acquire()
    err = capsys.readouterr()
    assert err.out == ""
    assert err.err.count("was unreadable") == 1
    assert Record.from_json(path.read_bytes()).starts  # rewritten as a good record


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through permissions")
def test_an_unwritable_cache_degrades_to_this_process_and_says_so_once(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    _degrades(locked / "ratelimit" / "key.json", capsys)


def test_a_cache_path_that_cannot_be_a_directory_degrades_to_this_process(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    _degrades(blocker / "ratelimit" / "key.json", capsys)


def _degrades(path: Path, capsys) -> None:
    clock = FakeClock()
    budget = FileBudget(path)
    limiter = RateLimiter(60, clock=clock, budget=budget)
    assert [limiter.acquire() for _ in range(60)] == [0] * 60
    assert limiter.acquire() == pytest.approx(60 + WINDOW_GUARD_SECONDS)  # still limited
    assert not budget.shared
    err = capsys.readouterr()
    assert err.out == ""
    assert err.err.count("cannot use the shared request budget") == 1
    assert CACHE_DIR_ENV in err.err


def test_wall_time_is_what_processes_compare(tmp_path):
    """Two processes whose monotonic clocks differ wildly still agree, through wall time."""

    class Host(FakeClock):
        def __init__(self, shared: FakeClock, offset: float) -> None:
            super().__init__(start=offset)
            self.shared = shared

        def now(self) -> datetime:
            return self.shared.now()

        def sleep(self, seconds: float) -> None:
            self.shared.sleep(seconds)

    wall = FakeClock(wall=datetime(2026, 1, 1, tzinfo=timezone.utc))
    path = tmp_path / "key.json"
    first = process(path, Host(wall, offset=5.0))
    second = process(path, Host(wall, offset=123456.0))
    for _ in range(60):
        first.acquire()
    assert second.acquire() == pytest.approx(60 + WINDOW_GUARD_SECONDS)
    assert wall.now() - datetime(2026, 1, 1, tzinfo=timezone.utc) == timedelta(
        seconds=60 + WINDOW_GUARD_SECONDS
    )
