"""The provider launcher beside the built CLI (tools/pulumi-resource-pulumi-python) runs a project's
provider in the project's virtualenv, as Pulumi's own launcher does (issue 18).

The engine sets ``PULUMI_RUNTIME_VIRTUALENV`` from ``Pulumi.yaml``'s ``virtualenv:`` for a
project-directory program, relative paths resolved in the project directory where it starts the
launcher. Inline programs lose the option (the CLI swaps in the ``client`` runtime), so the engine
test passes the variable as the engine would, and the relative-path rule is checked on the
launcher itself.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

from omni_pulumi.testing.pulumi_cli import CliStack, OperationFailed

LAUNCHER = Path(__file__).resolve().parents[2] / "tools" / "pulumi-resource-pulumi-python"


def _cli_with_this_launcher(pulumi_cli: Path, tmp_path: Path) -> Path:
    """A bin directory holding the pinned `pulumi` and the repository's launcher."""
    bin_dir = tmp_path / "cli" / "bin"
    bin_dir.mkdir(parents=True)
    try:
        os.link(pulumi_cli / "pulumi", bin_dir / "pulumi")
    except OSError:
        shutil.copy2(pulumi_cli / "pulumi", bin_dir / "pulumi")
    shutil.copy2(LAUNCHER, bin_dir / "pulumi-resource-pulumi-python")
    return bin_dir


def _project_venv(where: Path) -> Path:
    """A virtualenv that is not the active one, which can import pulumi (through a .pth naming
    this interpreter's site-packages, so no download is needed)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    (purelib,) = (where / "lib").glob("python3*/site-packages")
    (purelib / "active.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return where


def _program() -> None:
    import pulumi

    from tests.engine.where_provider import Where

    where = Where("where")
    pulumi.export("prefix", where.prefix)


@pytest.mark.engine
def test_the_provider_runs_in_the_projects_virtualenv(pulumi_cli, tmp_path):
    cli = _cli_with_this_launcher(pulumi_cli, tmp_path)
    work = tmp_path / "project"
    work.mkdir()
    venv = _project_venv(work / "venv")
    # OMNI_PULUMI_PYTHON names this interpreter: the project's option must win over it.
    with CliStack(_program, cli=cli, work_dir=work, virtualenv="venv") as stack:
        assert stack.env["OMNI_PULUMI_PYTHON"] == sys.executable
        done = stack.up()
    assert Path(done.outputs["prefix"]).resolve() == venv.resolve()
    assert Path(sys.prefix).resolve() != venv.resolve()


@pytest.mark.engine
def test_a_missing_virtualenv_says_how_to_create_it(pulumi_cli, tmp_path):
    cli = _cli_with_this_launcher(pulumi_cli, tmp_path)
    work = tmp_path / "project"
    work.mkdir()
    with (
        CliStack(_program, cli=cli, work_dir=work, virtualenv="nowhere") as stack,
        pytest.raises(OperationFailed) as failed,
    ):
        stack.up()
    assert "which does not exist" in failed.value.cli_message
    assert "python3 -m venv" in failed.value.cli_message


# -- the launcher alone: which interpreter it starts ---------------------------------------------


def _fake_python(venv: Path) -> Path:
    """A `bin/python` that says which it is and what it was asked, instead of serving gRPC."""
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text('#!/bin/sh\necho "$0 $*"\n')
    python.chmod(0o755)
    return python


def _launch(cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ["PATH"]}
    return subprocess.run(
        [str(LAUNCHER), "--flag"], cwd=cwd, env={**base, **env}, capture_output=True, text=True
    )


def test_a_relative_virtualenv_is_the_project_directorys(tmp_path):
    python = _fake_python(tmp_path / "venv")
    done = _launch(tmp_path, PULUMI_RUNTIME_VIRTUALENV="venv/", OMNI_PULUMI_PYTHON="/nowhere")
    assert done.stdout.split() == [str(python), "-u", "-m", "pulumi.dynamic", "--flag"]


def test_uv_toolchain_means_dot_venv(tmp_path):
    python = _fake_python(tmp_path / ".venv")
    done = _launch(tmp_path, PULUMI_RUNTIME_TOOLCHAIN="uv")
    assert done.stdout.split()[0] == str(python)


def test_without_a_project_virtualenv_omni_pulumi_python_then_virtual_env(tmp_path):
    chosen = _fake_python(tmp_path / "chosen")
    active = _fake_python(tmp_path / "active")
    assert _launch(tmp_path, OMNI_PULUMI_PYTHON=str(chosen)).stdout.split()[0] == str(chosen)
    assert _launch(tmp_path, VIRTUAL_ENV=str(tmp_path / "active")).stdout.split()[0] == str(active)


def test_a_virtualenv_without_python_fails_saying_so(tmp_path):
    (tmp_path / "empty").mkdir()
    done = _launch(tmp_path, PULUMI_RUNTIME_VIRTUALENV="empty")
    assert done.returncode == 1
    assert "not a virtual environment" in done.stderr
