"""A newcomer, in CI: a fresh clone, the README's two commands, then docs/getting-started.md's
program and config through the real engine.

The clone is of the committed HEAD (``git clone --no-hardlinks``), so only committed files count. In
it, ``bash scripts/demo.sh`` (the README's first command) makes its own ``.venv``, installs, finds the
pinned CLI and runs the demo; the README's second command is the one ``.ci/run`` runs, which is
checked rather than run (it would run this very suite). Then getting-started is followed from the
page itself: its code blocks are the project's files and commands, so the page cannot change without
this test seeing it. Its virtualenv is made with the page's own command (pip installs the clone),
its emulator started with the page's command line (on a free port rather than 8787), its config is
the page's ``pulumi config set`` lines, and the program runs as an Automation API inline program
from that virtualenv's Python, with the provider host in the same virtualenv: ``pulumi up`` in the
project directory needs the ``pulumi-language-python`` host, which Pulumi's installer ships but the
Go module proxy does not serve (docs/engine.md).

Duration, measured on 2 shared cores with pip's cache warm: about 2 minutes (the demo's install and
run 1 min 20 s-1 min 40 s, the project's virtualenv 25 s, the engine 10 s). Network: PyPI only (pip),
or none when pip's cache holds everything.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from omni_pulumi.testing.pulumi_cli import require_pulumi_cli

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "getting-started.md"
PASSPHRASE = "newcomer-passphrase"


def sections(page: str) -> dict[str, str]:
    """The page's ``## `` sections by title."""
    parts = re.split(r"^## (.+)$", page, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def blocks(section: str) -> list[tuple[str, str]]:
    """The section's fenced code blocks, as (language, text)."""
    return re.findall(r"^```(\w*)\n(.*?)^```$", section, flags=re.M | re.S)


def commands(block: str) -> list[str]:
    """A bash block's commands, comments dropped."""
    lines = (line.split("  #", 1)[0].split(" #", 1)[0].strip() for line in block.splitlines())
    return [line for line in lines if line]


def section(title_start: str) -> str:
    found = [
        text for title, text in sections(PAGE.read_text()).items() if title.startswith(title_start)
    ]
    assert len(found) == 1, f"getting-started.md has no single section '## {title_start}...'"
    return found[0]


def clean_env() -> dict[str, str]:
    """This process's environment without its virtualenv: a newcomer's shell."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    venv_bin = str(Path(sys.prefix) / "bin")
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != venv_bin)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the emulator exited: " + process.stdout.read()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the emulator did not listen on port {port} in {timeout} s")


def test_ci_runs_exactly_the_readmes_test_command():
    readme = (ROOT / "README.md").read_text()
    two = readme.split("## Try it", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    demo, test = commands(two)
    assert demo == "bash scripts/demo.sh"
    assert commands((ROOT / ".ci" / "run").read_text().split("\n", 1)[1])[-1] == f"exec {test}"


@pytest.mark.engine
@pytest.mark.timeout(900)
def test_a_fresh_clone_the_readme_and_getting_started(tmp_path: Path):
    cli = require_pulumi_cli()  # Skips (fails under CI) before the slow part when there is none.
    env = clean_env()

    # Getting started, step 1: the clone (of the committed HEAD) and the README's first command.
    [clone_line, demo_line] = commands(blocks(section("1."))[0][1])
    assert re.fullmatch(r"git clone <this repository> omni-pulumi && cd omni-pulumi", clone_line)
    assert demo_line == "bash scripts/demo.sh"
    clone = tmp_path / "omni-pulumi"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    demo = subprocess.run(
        ["bash", "-c", demo_line], cwd=clone, env=env, capture_output=True, text=True
    )
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    out = demo.stdout
    assert "emulator: http://127.0.0.1:" in out
    assert "engine: the real Pulumi CLI" in out, out  # Not the harness: the CLI is cached or built.
    assert re.search(r"^== pulumi up: \{'create': \d+\}$", out, flags=re.M), out
    assert "== second preview: no changes" in out
    assert "== pulumi destroy: {'delete':" in out
    assert out.rstrip().endswith("demo finished: up, a clean second preview, destroy")

    # Step 2: the project beside the clone, its three files and its virtualenv, from the page.
    start = section("2.")
    [(lang, mkdir), (py, program), (yml, pulumi_yaml), (txt, requirements), (sh, setup)] = blocks(
        start
    )
    assert (lang, py, yml, txt, sh) == ("bash", "python", "yaml", "text", "bash")
    [mkdir_line] = commands(mkdir)
    subprocess.run(["bash", "-c", f"cd {shlex.quote(str(clone))} && {mkdir_line}"], check=True)
    project_dir = tmp_path / "omni-infra"
    assert project_dir.is_dir(), mkdir_line
    assert (
        "write `__main__.py`" in start
        and "`Pulumi.yaml`" in start
        and "`requirements.txt`" in start
    )
    (project_dir / "__main__.py").write_text(program)
    (project_dir / "Pulumi.yaml").write_text(pulumi_yaml)
    (project_dir / "requirements.txt").write_text(requirements)
    [venv_line, login, passphrase, stack_init] = commands(setup)
    assert login == "pulumi login --local"
    assert passphrase.startswith("export PULUMI_CONFIG_PASSPHRASE=")
    stack = re.fullmatch(r"pulumi stack init (\S+)", stack_init).group(1)
    made = subprocess.run(
        ["bash", "-c", venv_line], cwd=project_dir, env=env, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    settings = yaml.safe_load(pulumi_yaml)
    virtualenv = settings["runtime"]["options"]["virtualenv"]
    python = project_dir / virtualenv / "bin" / "python"

    # Step 3: the emulator in the background and the stack's config, from the page's lines.
    [_, emulator_block] = blocks(section("3."))
    emulator_line, *config_lines = commands(emulator_block[1])
    port = free_port()
    argv = shlex.split(emulator_line.removesuffix("&").replace("8787", str(port)))
    emulator = subprocess.Popen(
        argv, cwd=project_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        wait_for_port(port, emulator)
        config: dict[str, str] = {}
        secret: dict[str, str] = {}
        for line in config_lines:
            words = shlex.split(line.replace("8787", str(port)))
            assert words[:3] == ["pulumi", "config", "set"], line
            secret_flag = words[3:4] == ["--secret"]
            key, value = words[4:] if secret_flag else words[3:]
            (secret if secret_flag else config)[key] = value
        assert set(config) | set(secret) >= {"omni:baseUrl", "omni:apiKey"}

        # Step 4: preview, up, preview again, through the real engine.
        args = dict(
            project_dir=str(project_dir),
            state_dir=str(tmp_path / "state"),
            cli=str(cli),
            project=settings["name"],
            stack=stack,
            virtualenv=virtualenv,
            config=config,
            secret_config=secret,
            passphrase=PASSPHRASE,
        )
        run = subprocess.run(
            [str(python), str(Path(__file__).with_name("run_project.py")), json.dumps(args)],
            cwd=project_dir,
            env=env,
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    finally:
        emulator.terminate()
        emulator.wait(10)
    report = json.loads(run.stdout.splitlines()[-1])
    # The program ran on the omni-pulumi the page's virtualenv installed, not on this checkout's.
    assert Path(report["omni_pulumi"]).is_relative_to(project_dir / virtualenv)

    [step4] = blocks(section("4."))
    promised = re.search(r"# (\d+) to create", step4[1])
    created = len(re.findall(r"\bomni\.[A-Z]\w*\(", program))
    # Pulumi counts the stack among the creates; the runner's steps leave it out.
    assert int(promised.group(1)) == created + 1
    assert report["preview"]["changes"] == {"create": created}
    assert report["up"]["changes"] == {"create": created}
    assert set(report["up"]["outputs"]) == set(re.findall(r"pulumi\.export\(\"(\w+)\"", program))
    assert report["second_preview"]["changes"] == {}, report["second_preview"]
    assert "# no changes" in step4[1]
