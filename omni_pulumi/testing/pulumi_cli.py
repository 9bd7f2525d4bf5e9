"""Run a Pulumi program through the real Pulumi CLI, offline, and report what the engine did.

The engine-protocol harness (``omni_pulumi.testing.harness``) replays Pulumi's calls to a
provider; this runner lets the real engine make them, so the two can be checked against each
other: both take a program and return :class:`~omni_pulumi.testing.results.OperationResult`.

Everything stays on this machine: a ``file://`` backend and ``PULUMI_HOME`` in a temporary
directory, the passphrase secrets provider, no update check and no plugin download. The Python
program runs as an Automation API inline program (the test process is its language host), and
the engine starts the dynamic provider host through ``pulumi-resource-pulumi-python`` beside the
``pulumi`` binary, with this interpreter (``OMNI_PULUMI_PYTHON``) and this process's import path
(``PYTHONPATH``), so that providers pickled by reference unpickle there.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulumi import automation as auto
from pulumi.automation import errors as auto_errors
from pulumi.automation.events import EngineEvent, OpType, StepEventMetadata

from omni_pulumi.testing.results import OperationResult, StepRecord

__all__ = [
    "CliStack",
    "OperationFailed",
    "PulumiCli",
    "UnexpectedChanges",
    "build_script",
    "cli_version",
    "find_pulumi_cli",
    "require_pulumi_cli",
]

PulumiProgram = Callable[[], None]

#: Engine step kinds folded into the names :mod:`omni_pulumi.testing.results` uses.
_FOLDED_OPS = {
    OpType.CREATE_REPLACEMENT: "replace",
    OpType.DELETE_REPLACED: "replace",
    OpType.REPLACE: "replace",
    OpType.READ_REPLACEMENT: "read",
    OpType.DISCARD_REPLACED: "discard",
    OpType.IMPORT_REPLACEMENT: "import",
}
#: Resources every stack has: the engine's bookkeeping, not the program's.
_BOOKKEEPING_TYPES = re.compile(r"^(pulumi:pulumi:Stack|pulumi:providers:.*)$")
#: The dynamic provider's pickle: it changes with the provider's code, never with the user's inputs.
_PROVIDER_KEY = "__provider"
#: The passphrase of test stacks' secrets (a throwaway local backend: nothing to protect).
#: Override it with ``env={"PULUMI_CONFIG_PASSPHRASE": ...}``.
PASSPHRASE = "omni-pulumi-test-stack"
#: Diagnostics the engine emits for itself on every run.
_QUIET_SEVERITIES = {"debug"}


# -- finding the CLI ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PulumiCli:
    """Where the CLI is, or why there is none."""

    #: The directory holding ``pulumi`` (and, for a built one, ``pulumi-resource-pulumi-python``).
    directory: Path | None
    #: How it was found, or why it could not be (a sentence to show the user).
    reason: str
    #: True when a build was attempted and failed (as opposed to: no Go to build with).
    build_failed: bool = False
    #: What ``pulumi version`` says, for a CLI that was found.
    version: str | None = None

    @property
    def available(self) -> bool:
        return self.directory is not None


def build_script() -> Path | None:
    """``tools/build-pulumi-cli.sh`` of a source checkout; an installed package has none."""
    script = Path(__file__).resolve().parents[2] / "tools" / "build-pulumi-cli.sh"
    return script if script.is_file() else None


def _cache_root() -> Path:
    if os.environ.get("OMNI_PULUMI_CACHE"):
        return Path(os.environ["OMNI_PULUMI_CACHE"])
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(xdg) / "omni-pulumi"


def _cached_cli(version: str | None) -> Path | None:
    """A CLI the build script left in the cache: the pinned version if known, else the newest."""
    root = _cache_root()
    if version:
        candidates = [root / f"pulumi-{version}" / "bin"]
    else:
        candidates = sorted(
            root.glob("pulumi-v*/bin"),
            key=lambda p: tuple(int(n) for n in re.findall(r"\d+", p.parent.name)),
            reverse=True,
        )
    return next((d for d in candidates if os.access(d / "pulumi", os.X_OK)), None)


def _go_mod(script: Path | None) -> str:
    if script is None:
        return ""
    go_mod = script.parent / "pulumi-cli" / "go.mod"
    return go_mod.read_text() if go_mod.is_file() else ""


def _pinned_version(script: Path | None) -> str | None:
    """The Pulumi version ``tools/pulumi-cli/go.mod`` pins (None outside a source checkout)."""
    found = re.search(r"github\.com/pulumi/pulumi/pkg/v3 (v\S+)", _go_mod(script))
    return found.group(1) if found else None


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", text))


def cli_version(binary: Path) -> str | None:
    """What ``<binary> version`` prints (``v3.274.1``), or None when it does not answer."""
    try:
        done = subprocess.run(
            [str(binary), "version"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
            env={**os.environ, "PULUMI_SKIP_UPDATE_CHECK": "true"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    words = done.stdout.split()
    return words[0] if done.returncode == 0 and words else None


def _usable_go(script: Path | None) -> str | None:
    """Why there is no Go to build with (None when there is one, as new as go.mod asks)."""
    if shutil.which("go") is None:
        return "no Go to build one"
    wanted = re.search(r"^go (\d[\d.]*)$", _go_mod(script), re.MULTILINE)
    try:
        done = subprocess.run(
            ["go", "env", "GOVERSION"], capture_output=True, text=True, check=False, timeout=60
        )
        have = done.stdout.strip() if done.returncode == 0 else ""
    except (OSError, subprocess.TimeoutExpired):
        have = ""
    if wanted and _version_tuple(have) < _version_tuple(wanted.group(1)):
        return f"Go is {have or 'not working'}, older than the go {wanted.group(1)} go.mod asks for"
    return None


def find_pulumi_cli(*, build: bool = True) -> PulumiCli:
    """The Pulumi CLI to test with: the pinned version, on PATH, in the build cache or freshly built.

    In a source checkout only the version ``tools/pulumi-cli/go.mod`` pins is used: a ``pulumi`` on
    PATH of another version is passed over (and named in the reason when nothing else is found).
    A build needs Go and takes a few minutes the first time (``tools/build-pulumi-cli.sh``); with
    ``build=False`` only what exists already is considered.
    """
    script = build_script()
    pinned = _pinned_version(script)
    passed_over = ""
    on_path = shutil.which("pulumi")
    if on_path:
        version = cli_version(Path(on_path))
        if pinned is None or version == pinned:
            return PulumiCli(
                Path(on_path).parent, f"pulumi {version} on PATH ({on_path})", version=version
            )
        passed_over = (
            f"the pulumi on PATH ({on_path}) is {version or 'not working'}, not {pinned}; "
        )
    cached = _cached_cli(pinned)
    if cached:
        version = cli_version(cached / "pulumi")
        if pinned is None or version == pinned:
            return PulumiCli(
                cached,
                f"pulumi {version} built by tools/build-pulumi-cli.sh ({cached})",
                version=version,
            )
        passed_over += (
            f"the cached {cached / 'pulumi'} is {version or 'not working'}, not {pinned}; "
        )
    pin = f" {pinned}" if pinned else ""
    how = (
        f"run tools/build-pulumi-cli.sh (needs Go; builds the pinned CLI{pin} into "
        f"{_cache_root()}) or put pulumi{pin} on PATH"
    )
    if script is None:
        return PulumiCli(None, f"{passed_over}no pulumi CLI on PATH or in {_cache_root()}: {how}")
    no_go = _usable_go(script)
    if no_go:
        return PulumiCli(None, f"{passed_over}no pulumi CLI{pin} and {no_go}: {how}")
    if not build:
        return PulumiCli(None, f"{passed_over}the pulumi CLI{pin} is not built yet: {how}")
    done = subprocess.run(
        ["bash", str(script)], capture_output=True, text=True, check=False, env=dict(os.environ)
    )
    if done.returncode == 0 and done.stdout.strip():
        directory = Path(done.stdout.strip().splitlines()[-1])
        version = cli_version(directory / "pulumi")
        if pinned is None or version == pinned:
            return PulumiCli(
                directory, f"pulumi {version} built by {script} ({directory})", version=version
            )
        return PulumiCli(
            None,
            f"{script} gave {directory / 'pulumi'}, which is {version}, not {pinned}",
            build_failed=True,
        )
    tail = "\n".join(done.stderr.strip().splitlines()[-20:])
    return PulumiCli(
        None,
        f"{script} failed (exit {done.returncode}):\n{tail}",
        build_failed=done.returncode != 3,
    )


def require_pulumi_cli(found: PulumiCli | None = None) -> Path:
    """The CLI directory for a test session, or skip the engine tests saying how to get the CLI.

    Under CI (``CI=true``) a missing or wrong-version CLI fails the session instead, with one line
    saying why: the engine tests must not turn into silently skipped tests there.
    """
    import pytest  # Only test sessions call this; the runner itself does not need pytest.

    found = found or find_pulumi_cli()
    if found.directory is not None:
        return found.directory
    if os.environ.get("CI", "").strip().lower() == "true":
        reason = " ".join(found.reason.split())
        pytest.fail(f"CI=true and the engine tests cannot run: {reason}", pytrace=False)
    pytest.skip(found.reason)


# -- results -----------------------------------------------------------------------------------


class UnexpectedChanges(AssertionError):
    """``preview(expect_no_changes=True)`` found changes; the message lists them."""

    def __init__(self, result: OperationResult) -> None:
        self.result = result
        lines = [
            f"  {step.op} {step.type} {step.name}"
            + (f" [diff: {', '.join(step.diffs)}]" if step.diffs else "")
            for step in result.steps
            if step.op not in ("same", "read")
        ]
        super().__init__("expected no changes, but the preview shows:\n" + "\n".join(lines))


class OperationFailed(RuntimeError):
    """The CLI reported a failed operation. ``result`` holds the steps and diagnostics so far."""

    def __init__(self, result: OperationResult, cli_message: str) -> None:
        self.result = result
        self.cli_message = cli_message
        errors = [line for line in result.diagnostics if line] or cli_message.splitlines()[-20:]
        super().__init__(f"pulumi {result.kind} failed:\n" + "\n".join(errors))


def _changed_keys(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> tuple[str, ...]:
    """Top-level keys whose values differ.

    Dynamic providers return no property diff (``DiffResult`` has no such field), so the events
    carry none either; like the CLI's own display, compare the states. Secrets are masked in events,
    so a change of a secret's value alone is not seen here.
    """
    old, new = old or {}, new or {}
    keys = (set(old) | set(new)) - {_PROVIDER_KEY}
    return tuple(sorted(k for k in keys if old.get(k) != new.get(k)))


def _step_diffs(meta: StepEventMetadata, *, refresh: bool) -> tuple[str, ...]:
    """Every top-level property that differs, as ``[diff: ...]`` in the CLI's display lists them.

    For a replacement that is the properties forcing it (``keys``) and the others that change
    with it.
    """
    if meta.diffs:
        return tuple(sorted(set(meta.diffs) - {_PROVIDER_KEY}))
    if meta.detailed_diff:
        return tuple(sorted({k.split(".")[0].split("[")[0] for k in meta.detailed_diff}))
    old, new = meta.old, meta.new
    if old is None or new is None:
        # One side of a replacement (the create or the delete): only the forcing keys are known.
        return tuple(sorted(meta.keys or ()))
    if refresh:
        return _changed_keys(old.outputs, new.outputs)
    if meta.op in (OpType.UPDATE, OpType.REPLACE, OpType.CREATE_REPLACEMENT):
        changed = set(meta.keys or ()) | set(_changed_keys(old.inputs, new.inputs))
        return tuple(sorted(changed))
    return ()


class _EventRecorder:
    """Turns the engine's event stream into steps and diagnostics."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.steps: dict[str, StepRecord] = {}
        self.diagnostics: list[str] = []

    def __call__(self, event: EngineEvent) -> None:
        # A refresh announces every resource as "refresh" and says what it found afterwards.
        if self.kind == "refresh":
            if event.res_outputs_event:
                self._record(event.res_outputs_event.metadata, refresh=True)
        elif event.resource_pre_event:
            self._record(event.resource_pre_event.metadata, refresh=False)
        diag = event.diagnostic_event
        if diag and diag.severity not in _QUIET_SEVERITIES:
            self.diagnostics.extend(
                line.rstrip() for line in diag.message.splitlines() if line.strip()
            )

    def _record(self, meta: StepEventMetadata, *, refresh: bool) -> None:
        if _BOOKKEEPING_TYPES.match(meta.type):
            return
        op = _FOLDED_OPS.get(meta.op, meta.op.value)
        name = meta.urn.rsplit("::", 1)[-1]
        known = self.steps.get(meta.urn)
        diffs = _step_diffs(meta, refresh=refresh)
        if known is not None:
            # The replacement pair arrives as up to three events: keep one step with all keys.
            diffs = tuple(sorted(set(known.diffs) | set(diffs)))
        self.steps[meta.urn] = StepRecord(name=name, type=meta.type, op=op, diffs=diffs)

    def result(self, outputs: Mapping[str, auto.OutputValue] | None = None) -> OperationResult:
        outputs = outputs or {}
        return OperationResult(
            kind=self.kind,
            steps=list(self.steps.values()),
            # The test process is trusted with secrets: values plain, names listed.
            outputs={name: value.value for name, value in outputs.items()},
            secret_outputs=sorted(name for name, value in outputs.items() if value.secret),
            diagnostics=list(self.diagnostics),
        )


# -- the stack ---------------------------------------------------------------------------------


def _import_path(first: Sequence[str | os.PathLike[str]]) -> str:
    """This process's import path, for the provider host that must unpickle our providers."""
    entries = [os.fspath(p) for p in first]
    entries += [os.path.abspath(p) for p in sys.path if p and os.path.isdir(p)]
    entries += os.environ.get("PYTHONPATH", "").split(os.pathsep)
    return os.pathsep.join(p for p in dict.fromkeys(entries) if p)


def _pulumi_command(directory: Path) -> auto.PulumiCommand:
    # PulumiCommand runs <root>/bin/pulumi, or `pulumi` from PATH when no root is given.
    if directory.name == "bin":
        return auto.PulumiCommand(root=str(directory.parent))
    return auto.PulumiCommand()


class CliStack:
    """One stack of an inline program on a throwaway local backend.

    The same interface as :class:`omni_pulumi.testing.harness.HarnessStack`. ``config`` and
    ``secret_config`` take namespaced keys (``omni:baseUrl``); a key without a namespace belongs to
    the project. ``env`` adds variables for the CLI and the provider host it starts;
    ``python_path`` entries go first on the host's ``PYTHONPATH`` (this process's ``sys.path``
    follows). With ``work_dir`` given, the backend and ``PULUMI_HOME`` go there and outlive
    ``close``. ``cli`` is the directory of the ``pulumi`` binary (default: :func:`find_pulumi_cli`).
    ``virtualenv`` is the project's ``virtualenv:`` runtime option (as in ``Pulumi.yaml``; relative
    to ``work_dir``). For a project-directory program the engine hands it to the provider launcher
    as ``PULUMI_RUNTIME_VIRTUALENV``; for an inline program the CLI replaces the project's runtime
    with the Automation API's ``client`` runtime and drops its options (pulumi 3.274.1,
    ``cmd/pulumi/operations/io.go``), so the stack sets that variable itself, as the engine would.
    """

    def __init__(
        self,
        program: PulumiProgram,
        *,
        project: str = "project",
        stack: str = "dev",
        config: Mapping[str, Any] | None = None,
        secret_config: Mapping[str, Any] | None = None,
        env: Mapping[str, str] | None = None,
        python_path: Sequence[str | os.PathLike[str]] | None = None,
        work_dir: str | os.PathLike[str] | None = None,
        cli: str | os.PathLike[str] | None = None,
        virtualenv: str | None = None,
    ) -> None:
        self.program = program
        self.project = project
        self.stack = stack
        if cli is None:
            found = find_pulumi_cli()
            if found.directory is None:
                raise RuntimeError(found.reason)
            cli = found.directory
        self._own_dir = work_dir is None
        self.work_dir = Path(work_dir or tempfile.mkdtemp(prefix="omni-pulumi-cli-"))
        backend = self.work_dir / "backend"
        home = self.work_dir / "pulumi-home"
        backend.mkdir(parents=True, exist_ok=True)
        home.mkdir(parents=True, exist_ok=True)
        self.env: dict[str, str] = {
            "PULUMI_BACKEND_URL": backend.as_uri(),
            "PULUMI_HOME": str(home),
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PATH": os.pathsep.join([str(cli), os.environ.get("PATH", "")]),
            "OMNI_PULUMI_PYTHON": sys.executable,
            "PYTHONPATH": _import_path(python_path or ()),
            **(env or {}),
        }
        if virtualenv:
            self.env["PULUMI_RUNTIME_VIRTUALENV"] = str(self.work_dir / virtualenv)
        workspace = auto.LocalWorkspaceOptions(
            work_dir=str(self.work_dir),
            pulumi_home=str(home),
            env_vars=self.env,
            pulumi_command=_pulumi_command(Path(cli)),
            project_settings=auto.ProjectSettings(
                name=project,
                runtime=auto.ProjectRuntimeInfo(name="python", options={"virtualenv": virtualenv})
                if virtualenv
                else "python",
            ),
        )
        self._stack = auto.create_or_select_stack(
            stack, project_name=project, program=self._run_program, opts=workspace
        )
        values = {k: auto.ConfigValue(_config_text(v)) for k, v in (config or {}).items()}
        for key, value in (secret_config or {}).items():
            values[key] = auto.ConfigValue(_config_text(value), secret=True)
        if values:
            self._stack.set_all_config(values)

    def _run_program(self) -> None:
        # Indirection so that assigning ``stack.program`` takes effect at the next operation.
        self.program()

    # -- configuration

    def set_config(self, key: str, value: Any, *, secret: bool = False, path: bool = False) -> None:
        """``pulumi config set [--secret] [--path] key value``.

        With ``path`` the key is a path into a structured value (``omni:instances.staging.apiKey``),
        which the engine then hands the provider as one JSON string, nested secrets decrypted.
        """
        self._stack.set_config(key, auto.ConfigValue(_config_text(value), secret=secret), path=path)

    def remove_config(self, key: str) -> None:
        self._stack.remove_config(key)

    # -- operations

    def preview(self, *, expect_no_changes: bool = False) -> OperationResult:
        recorder = _EventRecorder("preview")
        self._operate(recorder, lambda: self._stack.preview(on_event=recorder))
        result = recorder.result()
        if expect_no_changes and result.changes:
            raise UnexpectedChanges(result)
        return result

    def up(self) -> OperationResult:
        recorder = _EventRecorder("up")
        done = self._operate(recorder, lambda: self._stack.up(on_event=recorder))
        return recorder.result(done.outputs)

    def refresh(self) -> OperationResult:
        recorder = _EventRecorder("refresh")
        self._operate(recorder, lambda: self._stack.refresh(on_event=recorder))
        return recorder.result(self._stack.outputs())

    def destroy(self) -> OperationResult:
        recorder = _EventRecorder("destroy")
        self._operate(recorder, lambda: self._stack.destroy(on_event=recorder))
        return recorder.result()

    def _operate(self, recorder: _EventRecorder, run: Callable[[], Any]) -> Any:
        try:
            return run()
        except auto_errors.CommandError as error:
            raise OperationFailed(recorder.result(), str(error)) from None

    # -- state

    def state(self, *, show_secrets: bool = False) -> dict[str, Any]:
        """``pulumi stack export`` as printed: ``{"version": 3, "deployment": {...}}``.

        Secrets stay encrypted unless ``show_secrets`` (the Automation API's own
        ``export_stack`` always decrypts them, so it cannot show what Pulumi stores).
        """
        args = ["stack", "export", "--stack", self.stack]
        if show_secrets:
            args.append("--show-secrets")
        command = self._stack.workspace.pulumi_command
        return json.loads(command.run(args, str(self.work_dir), self.env).stdout)

    def outputs(self) -> dict[str, Any]:
        """The stack's current exports, secrets revealed."""
        return {name: value.value for name, value in self._stack.outputs().items()}

    def close(self) -> None:
        """Forget the stack (its resources are not destroyed) and remove what this runner made."""
        try:
            self._stack.workspace.remove_stack(self.stack, force=True)
        except auto_errors.CommandError:
            pass  # Already gone, or the backend went with a removed directory.
        finally:
            if self._own_dir:
                shutil.rmtree(self.work_dir, ignore_errors=True)

    def __enter__(self) -> CliStack:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _config_text(value: Any) -> str:
    """Config goes to the engine as text; booleans the way ``pulumi config set`` writes them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
