"""The project can be published: `python -m build` makes an sdist and a wheel that `twine check`
accepts, and the wheel installs into a fresh virtualenv, imports, and runs its command.

Until omni-pulumi is on PyPI, the docs install from the checkout or from this wheel
(docs/getting-started.md); .github/workflows/release.yml runs the same build and check, and
publishes on a tag. Needs PyPI for the wheel's dependencies (pip's cache makes reruns quick).
"""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.network, pytest.mark.timeout(240)]


def run(*command: str | Path, cwd: Path = ROOT) -> str:
    done = subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # No isolation: the test extra's setuptools builds it, so the test needs no second download.
    run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ROOT)
    return out


def test_the_sdist_and_the_wheel_pass_twine_check(dist: Path):
    files = sorted(p.name for p in dist.iterdir())
    assert [f for f in files if f.endswith(".whl")] and [f for f in files if f.endswith(".tar.gz")]
    assert "PASSED" in run(sys.executable, "-m", "twine", "check", "--strict", *dist.iterdir())


def test_the_wheel_ships_every_module_and_no_test(dist: Path):
    wheel = next(dist.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "omni_pulumi").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert modules <= names, sorted(modules - names)
    assert "omni_pulumi/classes.py" in names  # generated, and imported by the package
    assert not [n for n in names if n.startswith("tests/")]


def test_the_wheel_installs_into_a_fresh_virtualenv_and_runs(dist: Path, tmp_path: Path):
    env = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env)
    python = env / "bin" / "python"
    wheel = next(dist.glob("*.whl"))
    run(python, "-m", "pip", "install", "--quiet", f"{wheel}[emulator]", cwd=tmp_path)
    assert run(env / "bin" / "omni-pulumi", "--version", cwd=tmp_path).startswith("omni-pulumi ")
    imported = run(
        python, "-c", "import omni_pulumi as o; print(o.__file__, o.Folder.__name__)", cwd=tmp_path
    )
    assert str(env) in imported and "Folder" in imported  # the installed copy, not the checkout


def test_the_release_workflow_builds_checks_and_publishes_on_a_tag():
    workflow = (ROOT / ".github" / "workflows" / "release.yml").read_text()
    for step in ("python -m build", "twine check --strict", "pip install", "tags:", "pypi-publish"):
        assert step in workflow, step
