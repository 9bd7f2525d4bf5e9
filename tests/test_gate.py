"""The run's coverage line, and what fails a run under CI (tests/support/gate.py, tests/conftest.py).

Each test runs pytest on a small project made of this suite's own conftest and support package.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

SAMPLE = """
import pytest

@pytest.mark.engine
def test_engine():
    {engine}

@pytest.mark.contract
def test_contract():
    pass

def test_emulator(emu):
    pass
"""
EMU_FIXTURE = """
import pytest
from tests.support import gate

@pytest.fixture
def emu(request):
    if {spec_missing}:
        gate.spec_off(request.node, "no spec here")
    else:
        gate.spec_checked(request.node, 3)
"""


def run(
    tmp_path: Path,
    *,
    ci: bool,
    engine: str = "pass",
    spec_missing: bool = False,
    workers: list[str] = (),
):
    project = tmp_path / "project"
    shutil.copytree(TESTS / "support", project / "tests" / "support")
    shutil.copy(TESTS / "conftest.py", project / "tests" / "conftest.py")
    (project / "tests" / "sample").mkdir()
    (project / "tests" / "sample" / "conftest.py").write_text(
        EMU_FIXTURE.format(spec_missing=spec_missing)
    )
    (project / "tests" / "sample" / "test_sample.py").write_text(SAMPLE.format(engine=engine))
    (project / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\npythonpath = ["."]\nmarkers = ["engine: e", "contract: c"]\n'
    )
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci:
        env["CI"] = "true"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *workers, "tests"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    return done.returncode, done.stdout.strip().splitlines()


def test_the_last_line_says_what_ran(tmp_path):
    rc, lines = run(tmp_path, ci=True)
    assert rc == 0, lines
    assert lines[-1] == (
        "coverage: engine tests 1 run, 0 skipped; contract tests 1 run, 0 skipped; "
        "spec check on (3 exchanges checked)"
    )


def test_the_line_counts_the_same_when_xdist_workers_run_the_tests(tmp_path):
    """The tally travels in the test reports, so the controller sees what the workers ran."""
    rc, lines = run(tmp_path, ci=True, workers=["-n", "2"])
    assert rc == 0, lines
    assert lines[-1] == (
        "coverage: engine tests 1 run, 0 skipped; contract tests 1 run, 0 skipped; "
        "spec check on (3 exchanges checked)"
    )
    rc, lines = run(tmp_path / "off", ci=True, spec_missing=True, workers=["-n", "2"])
    assert lines[-1].endswith("spec check off for 1 emulator tests (no spec here)")
    assert rc == 1


def test_the_line_is_printed_when_tests_fail(tmp_path):
    rc, lines = run(tmp_path, ci=False, engine="assert False")
    assert rc == 1
    assert lines[-1].startswith("coverage: engine tests 1 run, 0 skipped;")


@pytest.mark.parametrize("ci", [True, False])
def test_a_skipped_engine_test_fails_only_under_ci(tmp_path, ci):
    rc, lines = run(tmp_path, ci=ci, engine="pytest.skip('no CLI')")
    assert lines[-1].startswith("coverage: engine tests 0 run, 1 skipped;")
    if ci:
        assert rc == 1
        assert "CI=true: this run does not count as green: 1 engine tests skipped" in lines
    else:
        assert rc == 0


@pytest.mark.parametrize("ci", [True, False])
def test_an_unchecked_emulator_test_fails_only_under_ci(tmp_path, ci):
    rc, lines = run(tmp_path, ci=ci, spec_missing=True)
    assert lines[-1].endswith("spec check off for 1 emulator tests (no spec here)")
    assert rc == (1 if ci else 0)
