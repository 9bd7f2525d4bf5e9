"""The real-minute benchmark's code, run on a compressed clock with a small limit (seconds).

``benchmarks/minute.py`` itself runs outside the test run (a 300-resource stack takes most of an
hour at Omni's real minute); this keeps its code working: a new provider host per phase, the
shared budget across them, several keys, and the admission-rule floor.
"""

from __future__ import annotations

import importlib
import math
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def minute():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        yield importlib.import_module("minute")
    finally:
        sys.path.remove(str(BENCHMARKS))


@pytest.mark.parametrize("keys", [1, 2])
def test_the_minute_benchmark_runs_every_phase_in_a_new_host(minute, tmp_path, keys):
    result = minute.run_stack(size=10, keys=keys, limit=5, time_scale=60, workdir=tmp_path)
    phases = {p.name: p for p in result.phases}
    assert list(phases) == list(minute.PHASES)
    assert phases["up"].steps == {"create": 10}
    # One call per resource, and the operation's credential check (one whoami per key).
    assert phases["destroy"].calls - phases["destroy"].checks == 10
    assert phases["destroy"].checks == phases["refresh"].checks == keys
    # A no-op preview and up make no call per resource: only the credential check each.
    for noop in ("preview (no-op)", "up (no-op)"):
        assert phases[noop].calls - phases[noop].checks == 0
        assert phases[noop].checks == keys
    # Refresh reads each listable kind from one list answer (connections, environments, labels,
    # folders, groups) and the schedule, whose list is a summary, by id.
    assert phases["refresh"].calls - phases["refresh"].checks == 6
    for phase in result.phases:
        # The emulator admits no faster than its window, so no phase can beat the floor.
        assert phase.wall >= phase.floor * 0.95
    # C calls of `up` at 5 per key-minute: (⌈C / 5k⌉ - 1) minutes from idle keys.
    calls = phases["up"].calls
    assert calls >= 10
    assert phases["up"].floor == pytest.approx(math.ceil(calls / (5 * keys)) - 1, abs=0.05)
    text = minute.report([result])
    assert "| destroy |" in text and "wall/floor" in text


def test_refresh_of_labels_folders_and_groups_is_one_list_per_kind(minute, tmp_path):
    """Issue 19's stack: three lists serve the refresh of every object, whatever the size."""
    result = minute.run_stack(
        size=20, keys=1, limit=60, time_scale=60, workdir=tmp_path, mix="labels-folders-groups"
    )
    phases = {p.name: p for p in result.phases}
    assert phases["up"].steps == {"create": 20}
    assert phases["refresh"].calls - phases["refresh"].checks == 3
    assert phases["one-field change"].steps == {"same": 19, "update": 1}
