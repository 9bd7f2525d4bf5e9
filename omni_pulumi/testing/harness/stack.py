"""``HarnessStack``: a Pulumi stack run offline against the SDK's real dynamic provider host.

The real-CLI runner (``omni_pulumi.testing.pulumi_cli``) offers the same methods, so one scenario
can run through both engines and their :class:`OperationResult` compared.

Like the real engine, the harness starts a provider host for each operation (``preview``,
``up``, ``refresh``, ``destroy``) and stops it when the operation ends: nothing a provider keeps in
memory (a list answer, a rate budget) reaches the next operation, so tests cannot lean on it.
``fresh_host=False`` keeps one host across operations (restarted only when the stack config
changed, since the host configures each provider once); it saves the host's start, about half a
second, per operation, and serves only tests that measure or inspect one host's life (its
stderr over several operations, its pickled providers), never a provider's behaviour.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

from ..results import OperationResult
from . import wire
from .engine import Deployment, HarnessOperationError, _StepFailed
from .host import ProviderHost
from .program import Program, run_program
from .state import Checkpoint


class HarnessStack:
    """A stack whose program runs in-process and whose resources go to a real provider host.

    ``config`` and ``secret_config`` are stack config with namespaced keys (``omni:baseUrl``);
    values are given to the program and the provider as strings, as the engine does. ``env`` is
    the provider host's environment (default: this process's); ``python_path`` entries go first
    on its ``PYTHONPATH``. ``state_file`` persists the checkpoint between stacks and runs.
    """

    def __init__(
        self,
        program: Program,
        *,
        project: str = "project",
        stack: str = "dev",
        config: Mapping[str, Any] | None = None,
        secret_config: Mapping[str, Any] | None = None,
        env: Mapping[str, str] | None = None,
        state_file: str | os.PathLike[str] | None = None,
        python_path: Sequence[str | os.PathLike[str]] | None = None,
        fresh_host: bool = True,
    ) -> None:
        self.program = program
        self.project = project
        self.stack = stack
        self._config: dict[str, str] = {}
        self._secret_keys: set[str] = set()
        for key, value in (config or {}).items():
            self.set_config(key, value)
        for key, value in (secret_config or {}).items():
            self.set_config(key, value, secret=True)
        self._env = env
        self._python_path = list(python_path or ())
        self._fresh_host = fresh_host
        self._checkpoint = Checkpoint(state_file)
        self._host: ProviderHost | None = None
        #: stderr of hosts already stopped, so ``host_stderr()`` covers the stack's whole life.
        self._old_stderr = ""
        self._old_stdout = ""

    # --- config ------------------------------------------------------------------------------------

    def set_config(self, key: str, value: Any, *, secret: bool = False, path: bool = False) -> None:
        """Set a config value; a key without a namespace gets the project's, like ``pulumi config set``.

        With ``path`` (``pulumi config set --path``) the key is a dotted path into a structured
        value (``omni:instances.staging.apiKey``): the top-level key then holds one JSON string, as
        the engine sends it, and it is secret if any value set in it was.
        """
        if ":" not in key:
            key = f"{self.project}:{key}"
        if path and "." in key:
            key, *steps = key.split(".")
            try:
                tree = json.loads(self._config.get(key, "{}"))
            except ValueError:
                tree = {}
            node = tree if isinstance(tree, dict) else {}
            root = node
            for step in steps[:-1]:
                node = node.setdefault(step, {})
            node[steps[-1]] = value if isinstance(value, (bool, int, float, list)) else str(value)
            self._config[key] = json.dumps(root)
            if secret:
                self._secret_keys.add(key)
            return
        if isinstance(value, bool):
            value = "true" if value else "false"
        self._config[key] = str(value)
        if secret:
            self._secret_keys.add(key)
        else:
            self._secret_keys.discard(key)

    def remove_config(self, key: str) -> None:
        if ":" not in key:
            key = f"{self.project}:{key}"
        self._config.pop(key, None)
        self._secret_keys.discard(key)

    # --- the provider host -----------------------------------------------------------------------

    def _ready_host(self) -> ProviderHost:
        wanted = (dict(self._config), frozenset(self._secret_keys))
        if self._host is not None and (
            self._fresh_host or not self._host.running or self._host.configured_with != wanted
        ):
            self.restart_host()
        if self._host is None:
            self._host = ProviderHost(
                env=self._env, python_path=self._python_path, project=self.project
            ).start()
            self._host.configure(*wanted)
        return self._host

    def restart_host(self) -> None:
        """Stop the provider host; the next operation starts a fresh one (new provider objects)."""
        if self._host is not None:
            self._old_stderr += self._host.stderr_text()
            self._old_stdout += self._host.stdout_text()
            self._host.stop()
            self._host = None

    def host_stderr(self) -> str:
        """All text the provider host(s) printed on stderr so far."""
        return self._old_stderr + (self._host.stderr_text() if self._host else "")

    def host_stdout(self) -> str:
        """Text provider code printed on stdout after the port (should always be empty)."""
        return self._old_stdout + (self._host.stdout_text() if self._host else "")

    # --- operations --------------------------------------------------------------------------------

    def _operate(self, kind: str, preview: bool = False) -> OperationResult:
        try:
            return self._operate_on_host(kind, preview)
        finally:
            if self._fresh_host:
                self.restart_host()  # the operation ends with its provider process

    def _operate_on_host(self, kind: str, preview: bool) -> OperationResult:
        host = self._ready_host()
        stderr_before = len(self.host_stderr())
        log_lines: list[str] = []
        deployment = Deployment(
            kind=kind,
            host=host,
            checkpoint=self._checkpoint,
            project=self.project,
            stack=self.stack,
            preview=preview,
        )
        failure: BaseException | None = None
        try:
            if kind in ("preview", "up"):
                failure = run_program(
                    self.program,
                    deployment,
                    project=self.project,
                    stack=self.stack,
                    config=self._config,
                    secret_keys=self._secret_keys,
                    log_lines=log_lines,
                )
                deployment.finish_update(run_deletes=failure is None)
            elif kind == "refresh":
                deployment.refresh()
            elif kind == "destroy":
                deployment.destroy()
        except _StepFailed:
            pass
        finally:
            if not preview:
                self._checkpoint.save()
        result = deployment.result
        stderr = self.host_stderr()[stderr_before:]
        result.diagnostics = [line for line in stderr.splitlines() if line.strip()] + log_lines
        if deployment.error is not None:
            raise HarnessOperationError(
                self._with_diagnostics(str(deployment.error), result), result
            )
        if failure is not None:
            raise HarnessOperationError(
                self._with_diagnostics(f"{kind} failed: the program raised {failure!r}", result),
                result,
            ) from failure
        return result

    @staticmethod
    def _with_diagnostics(message: str, result: OperationResult) -> str:
        if not result.diagnostics:
            return message
        return message + "\n\ndiagnostics:\n" + "\n".join(result.diagnostics)

    def preview(self, *, expect_no_changes: bool = False) -> OperationResult:
        """Check and Diff every resource; nothing is created, updated or deleted."""
        result = self._operate("preview", preview=True)
        if expect_no_changes and result.changes:
            changed = [
                f"{s.op} {s.type} '{s.name}'" + (f" ({', '.join(s.diffs)})" if s.diffs else "")
                for s in result.steps
                if s.op not in ("same", "read")
            ]
            raise AssertionError("expected no changes, preview shows:\n" + "\n".join(changed))
        return result

    def up(self) -> OperationResult:
        return self._operate("up")

    def refresh(self) -> OperationResult:
        return self._operate("refresh")

    def destroy(self) -> OperationResult:
        return self._operate("destroy")

    # --- state ---------------------------------------------------------------------------------------

    def state(self, *, show_secrets: bool = False) -> dict[str, Any]:
        """The checkpoint as ``pulumi stack export`` prints it (``--show-secrets`` optional)."""
        return self._checkpoint.export(show_secrets=show_secrets)

    def outputs(self) -> dict[str, Any]:
        """The stack's current exports, secrets revealed."""
        return {k: wire.reveal(v) for k, v in self._checkpoint.stack_outputs().items()}

    def close(self) -> None:
        self.restart_host()

    def __enter__(self) -> HarnessStack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
