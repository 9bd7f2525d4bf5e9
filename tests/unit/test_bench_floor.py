"""The benchmark's floor is Omni's admission rule, not calls ÷ rate."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "bench_floor", Path(__file__).resolve().parents[2] / "benchmarks" / "floor.py"
)
floor = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(floor)


@pytest.mark.parametrize(
    "calls, expected", [(0, 0), (1, 0), (60, 0), (61, 60), (140, 120), (420, 360)]
)
def test_from_an_idle_key(calls, expected):
    assert floor.floor_seconds(calls, keys=["k"], limit=60) == expected
    assert floor.idle_floor_seconds(calls) == expected


@pytest.mark.parametrize("keys, expected", [(1, 240), (2, 120), (4, 60)])
def test_several_keys_divide_the_minutes(keys, expected):
    names = [f"k{i}" for i in range(keys)]
    assert floor.floor_seconds(300, keys=names, limit=60) == expected
    assert floor.idle_floor_seconds(300, keys) == expected


def test_what_the_previous_phase_spent_counts():
    # 50 admitted 20 s before: 10 more now, the 11th when the first of the 50 leaves (40 s later).
    history = [("k", -20.0)] * 50
    assert floor.floor_seconds(10, keys=["k"], limit=60, history=history) == 0
    assert floor.floor_seconds(11, keys=["k"], limit=60, history=history) == 40
    # admissions older than a minute do not count
    assert floor.floor_seconds(61, keys=["k"], limit=60, history=[("k", -61.0)] * 60) == 60
