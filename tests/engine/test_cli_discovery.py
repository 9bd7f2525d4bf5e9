"""Finding or building the Pulumi CLI, and what the engine tests do without one.

These run without the CLI (no ``engine`` marker): they fake ``pulumi``, ``go`` and the build script,
first on PATH, so they run the same on a machine whose ``/usr/bin`` has either.
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


PINNED = pulumi_cli._pinned_version(SCRIPT)


@pytest.fixture
def bare_machine(tmp_path, monkeypatch):
    """No usable pulumi or Go, an empty cache, not under CI.

    A Go or pulumi in /usr/bin cannot be taken off PATH, so fakes go first on it instead: a `go`
    older than go.mod asks for (the build script treats that as no Go) and a `pulumi` that does
    not answer `pulumi version`.
    """
    fakes = tmp_path / "fakes"
    executable(fakes / "go", 'test "$1 $2" = "env GOVERSION" && echo go1.0 || exit 1')
    executable(fakes / "pulumi", "exit 1")
    monkeypatch.setenv("PATH", f"{fakes}:{SYSTEM_PATH}")
    monkeypatch.setenv("OMNI_PULUMI_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("CI", raising=False)
    return tmp_path


def on_path(machine: Path, name: str, body: str) -> Path:
    """Put an executable first on PATH (before the fakes)."""
    made = executable(machine / "own" / name, body)
    os.environ["PATH"] = f"{made.parent}:{os.environ['PATH']}"
    return made


def test_without_a_usable_go_or_pulumi_the_engine_tests_skip_saying_how_to_get_the_cli(
    bare_machine,
):
    found = find_pulumi_cli()
    assert found.directory is None
    assert not found.build_failed
    assert "tools/build-pulumi-cli.sh" in found.reason
    assert "needs Go" in found.reason
    assert "older than the go" in found.reason
    with pytest.raises(pytest.skip.Exception, match=r"build-pulumi-cli\.sh"):
        require_pulumi_cli(found)


def test_without_a_usable_go_ci_fails_saying_why_in_one_line(bare_machine, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception) as failure:
        require_pulumi_cli()
    message = str(failure.value)
    assert message.startswith("CI=true and the engine tests cannot run: ")
    assert "\n" not in message
    assert f"no pulumi CLI {PINNED}" in message


@pytest.fixture
def failing_build(bare_machine, monkeypatch):
    """Go exists, and the build script fails the way a broken pin would."""
    on_path(bare_machine, "go", 'test "$1 $2" = "env GOVERSION" && echo go1.99.0 || exit 0')
    script = executable(
        bare_machine / "tools" / "build-pulumi-cli.sh",
        "echo 'go: github.com/pulumi/pulumi/pkg/v3@v9.9.9: not found' >&2; exit 1",
    )
    monkeypatch.setattr(pulumi_cli, "build_script", lambda: script)
    monkeypatch.setattr(pulumi_cli, "_pinned_version", lambda _script: PINNED)


def test_a_failed_build_fails_under_ci(failing_build, monkeypatch):
    monkeypatch.setenv("CI", "true")
    found = find_pulumi_cli()
    assert found.build_failed
    assert "pkg/v3@v9.9.9: not found" in found.reason
    with pytest.raises(pytest.fail.Exception, match="CI=true and the engine tests cannot run"):
        require_pulumi_cli(found)


def test_a_failed_build_skips_outside_ci(failing_build):
    with pytest.raises(pytest.skip.Exception, match=r"exit 1"):
        require_pulumi_cli()


def test_a_pulumi_on_path_of_the_pinned_version_is_used_as_it_is(bare_machine):
    own = on_path(bare_machine, "pulumi", f"echo {PINNED}")
    found = find_pulumi_cli()
    assert (found.directory, found.version) == (own.parent, PINNED)
    done = subprocess.run(
        ["bash", str(SCRIPT)], capture_output=True, text=True, check=True, env=dict(os.environ)
    )
    assert done.stdout.strip() == str(own.parent)


def test_a_pulumi_on_path_of_another_version_is_passed_over(bare_machine, monkeypatch):
    own = on_path(bare_machine, "pulumi", "echo v3.999.0")
    found = find_pulumi_cli()
    assert found.directory is None
    assert f"the pulumi on PATH ({own}) is v3.999.0, not {PINNED}" in found.reason

    done = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, env=os.environ)
    assert (done.returncode, done.stdout) == (3, "")
    assert f"passing over {own}: it is v3.999.0, not the pinned {PINNED}" in done.stderr

    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"is v3\.999\.0, not"):
        require_pulumi_cli()


def test_the_script_without_a_usable_go_says_what_to_install(bare_machine):
    done = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, env=os.environ)
    assert done.returncode == 3
    assert done.stdout == ""
    assert "older than go.mod's" in done.stderr and "install Go" in done.stderr


def test_a_built_cli_is_reused_and_its_launcher_runs_the_chosen_python(bare_machine, monkeypatch):
    """The launcher picks the interpreter when the engine starts it: one cache, many venvs."""
    cached = executable(
        bare_machine / "cache" / f"pulumi-{PINNED}" / "bin" / "pulumi", f"echo {PINNED}"
    )
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


def test_a_cached_cli_of_another_version_is_not_used(bare_machine):
    executable(bare_machine / "cache" / f"pulumi-{PINNED}" / "bin" / "pulumi", "echo v3.1.0")
    found = find_pulumi_cli(build=False)
    assert found.directory is None
    assert f"is v3.1.0, not {PINNED}" in found.reason
    done = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, env=os.environ)
    assert done.returncode == 3  # it would rebuild: no usable Go here


def test_the_provider_host_gets_this_process_import_path():
    """Providers pickle by reference: the host must import what the program imported."""
    path = pulumi_cli._import_path(["/first"]).split(os.pathsep)
    assert path[0] == "/first"
    assert str(Path(__file__).parent) in path  # where pytest found toy_provider
