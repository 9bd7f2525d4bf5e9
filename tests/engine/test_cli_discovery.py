"""Finding or building the Pulumi CLI, and what the engine tests do without one.

These run without the CLI (no ``engine`` marker): they fake ``pulumi``, ``go`` and the build script.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from omni_pulumi.testing import pulumi_cli
from omni_pulumi.testing.pulumi_cli import find_pulumi_cli, require_pulumi_cli

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "tools" / "build-pulumi-cli.sh"
SYSTEM_PATH = "/usr/bin:/bin"


def executable(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def bare_machine(tmp_path, monkeypatch):
    """No pulumi on PATH, no Go, an empty cache, not under CI."""
    if any(Path(d, "pulumi").exists() or Path(d, "go").exists() for d in SYSTEM_PATH.split(":")):
        pytest.skip("pulumi or go lives in /usr/bin or /bin here: cannot hide it")
    monkeypatch.setenv("PATH", SYSTEM_PATH)
    monkeypatch.setenv("OMNI_PULUMI_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("CI", raising=False)
    return tmp_path


def test_without_go_or_pulumi_the_engine_tests_skip_saying_how_to_get_the_cli(bare_machine):
    found = find_pulumi_cli()
    assert found.directory is None
    assert not found.build_failed
    assert "tools/build-pulumi-cli.sh" in found.reason
    assert "needs Go" in found.reason
    with pytest.raises(pytest.skip.Exception, match=r"build-pulumi-cli\.sh"):
        require_pulumi_cli(found)


def test_without_go_even_ci_skips(bare_machine, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.skip.Exception):
        require_pulumi_cli()


@pytest.fixture
def failing_build(bare_machine, monkeypatch):
    """Go exists, and the build script fails the way a broken pin would."""
    executable(bare_machine / "bin" / "go", "exit 0")
    monkeypatch.setenv("PATH", f"{bare_machine / 'bin'}:{SYSTEM_PATH}")
    script = executable(
        bare_machine / "tools" / "build-pulumi-cli.sh",
        "echo 'go: github.com/pulumi/pulumi/pkg/v3@v9.9.9: not found' >&2; exit 1",
    )
    monkeypatch.setattr(pulumi_cli, "build_script", lambda: script)


def test_a_failed_build_fails_under_ci(failing_build, monkeypatch):
    monkeypatch.setenv("CI", "true")
    found = find_pulumi_cli()
    assert found.build_failed
    assert "pkg/v3@v9.9.9: not found" in found.reason
    with pytest.raises(pytest.fail.Exception, match="failed under CI"):
        require_pulumi_cli(found)


def test_a_failed_build_skips_outside_ci(failing_build):
    with pytest.raises(pytest.skip.Exception, match=r"exit 1"):
        require_pulumi_cli()


def test_a_pulumi_on_path_is_used_as_it_is(bare_machine, monkeypatch):
    own = executable(bare_machine / "own" / "pulumi", "echo v3.999.0")
    monkeypatch.setenv("PATH", f"{own.parent}:{SYSTEM_PATH}")
    assert find_pulumi_cli().directory == own.parent
    done = subprocess.run(
        ["bash", str(SCRIPT)], capture_output=True, text=True, check=True, env=dict(os.environ)
    )
    assert done.stdout.strip() == str(own.parent)


def test_the_script_without_go_says_what_to_install(bare_machine):
    done = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, env=os.environ)
    assert done.returncode == 3
    assert done.stdout == ""
    assert "Go is not installed" in done.stderr


def test_a_built_cli_is_reused_and_its_launcher_runs_the_chosen_python(bare_machine, monkeypatch):
    """The launcher picks the interpreter when the engine starts it: one cache, many venvs."""
    version = pulumi_cli._pinned_version(SCRIPT)
    cached = executable(bare_machine / "cache" / f"pulumi-{version}" / "bin" / "pulumi", "exit 0")
    done = subprocess.run(
        ["bash", str(SCRIPT)], capture_output=True, text=True, check=True, env=dict(os.environ)
    )
    assert done.stdout.strip() == str(cached.parent)
    assert "building" not in done.stderr
    assert find_pulumi_cli(build=False).directory == cached.parent

    python = executable(bare_machine / "venv" / "python", 'echo "$@"')
    launched = subprocess.run(
        [str(cached.parent / "pulumi-resource-pulumi-python"), "127.0.0.1:1234"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "OMNI_PULUMI_PYTHON": str(python)},
    )
    assert launched.stdout.strip() == "-u -m pulumi.dynamic 127.0.0.1:1234"


def test_the_provider_host_gets_this_process_import_path():
    """Providers pickle by reference: the host must import what the program imported."""
    path = pulumi_cli._import_path(["/first"]).split(os.pathsep)
    assert path[0] == "/first"
    assert str(Path(__file__).parent) in path  # where pytest found toy_provider
