"""The SDK's dynamic provider host, ``python -u -m pulumi.dynamic``, run and spoken to like the engine.

The engine starts the host, reads the port it prints on stdout, dials it over gRPC and sends
``Configure`` before any resource call. Everything the host writes on stderr is what a user sees
in ``pulumi up`` output, so it is captured line by line for tests and diagnostics.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import grpc
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from . import wire

#: How long the host may take to print its port (importing pulumi and grpc takes a second or two).
START_TIMEOUT = 60.0
#: Deadline for a single provider call; generous because providers talk to (emulated) HTTP servers.
CALL_TIMEOUT = 120.0

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[3])


class ProviderHostError(RuntimeError):
    """The host could not be started, or died."""


class ProviderCallError(RuntimeError):
    """A provider call failed; ``details`` is the host's text (a Python traceback for UNKNOWN)."""

    def __init__(self, method: str, code: grpc.StatusCode, details: str) -> None:
        self.method = method
        self.code = code
        self.details = details
        super().__init__(f"{method} failed ({code.name}): {details}")


class _PipeCollector:
    """Reads a pipe in a thread so the host never blocks on a full pipe, and can say when it is
    drained: data the host wrote before answering a call is either still readable in the pipe,
    being appended (``busy``), or already in ``text``."""

    def __init__(self, pipe) -> None:
        self._fd = pipe.fileno()
        self._pipe = pipe
        self._chunks: list[bytes] = []
        self._lock = threading.Lock()
        self._busy = False
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="harness-host-pipe")
        self._thread.start()

    def _run(self) -> None:
        while True:
            select.select([self._fd], [], [])
            self._busy = True
            try:
                data = os.read(self._fd, 65536)
            except OSError:
                data = b""
            if data:
                with self._lock:
                    self._chunks.append(data)
            self._busy = False
            if not data:
                self._closed.set()
                return

    def drain(self, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self._closed.is_set():
            readable, _, _ = select.select([self._fd], [], [], 0)
            if not readable and not self._busy:
                return
            time.sleep(0.005)

    @property
    def text(self) -> str:
        with self._lock:
            return b"".join(self._chunks).decode(errors="replace")

    def wait_closed(self, timeout: float) -> None:
        self._closed.wait(timeout)


class ProviderHost:
    """One ``python -m pulumi.dynamic`` process and a ``ResourceProvider`` stub connected to it.

    ``python_path`` entries come first on the host's ``PYTHONPATH`` (the host unpickles providers
    by reference, so their modules must be importable there), followed by the directory this
    ``omni_pulumi`` was imported from, so the host runs the same code as the caller.
    """

    def __init__(
        self,
        *,
        env: Mapping[str, str] | None = None,
        python_path: Sequence[str | os.PathLike[str]] = (),
        project: str = "project",
        cwd: str | os.PathLike[str] | None = None,
    ) -> None:
        base_env = dict(os.environ if env is None else env)
        paths = [str(p) for p in python_path] + [_PACKAGE_ROOT]
        if base_env.get("PYTHONPATH"):
            paths.append(base_env["PYTHONPATH"])
        base_env["PYTHONPATH"] = os.pathsep.join(paths)
        base_env["PULUMI_PROJECT"] = project
        self._env = base_env
        self._cwd = str(cwd) if cwd is not None else None
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: _PipeCollector | None = None
        self._stdout: _PipeCollector | None = None
        self._channel: grpc.Channel | None = None
        self._stub: provider_pb2_grpc.ResourceProviderStub | None = None
        self.port: int | None = None
        self.configured_with: tuple[dict[str, str], frozenset[str]] | None = None

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self) -> ProviderHost:
        if self._proc is not None:
            return self
        self._proc = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=self._env,
            cwd=self._cwd,
        )
        self._stderr = _PipeCollector(self._proc.stderr)
        self.port = self._read_port()
        self._stdout = _PipeCollector(self._proc.stdout)
        self._channel = grpc.insecure_channel(
            f"127.0.0.1:{self.port}", options=_GRPC_CHANNEL_OPTIONS
        )
        grpc.channel_ready_future(self._channel).result(timeout=START_TIMEOUT)
        self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
        return self

    def _read_port(self) -> int:
        assert self._proc is not None and self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        deadline = time.monotonic() + START_TIMEOUT
        line = b""
        while not line.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._proc.poll() is not None:
                self.stop()
                raise ProviderHostError(
                    "the provider host printed no port; its stderr:\n" + self.stderr_text()
                )
            readable, _, _ = select.select([fd], [], [], min(remaining, 0.5))
            if readable:
                chunk = os.read(fd, 1)
                if not chunk:
                    continue
                line += chunk
        try:
            return int(line.strip())
        except ValueError as exc:
            self.stop()
            raise ProviderHostError(f"the provider host printed {line!r}, not a port") from exc

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the host: SIGTERM, then SIGKILL if it lingers. Idempotent."""
        if self._channel is not None:
            self._channel.close()
            self._channel = None
            self._stub = None
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout)
        for collector in (self._stderr, self._stdout):
            if collector is not None:
                collector.wait_closed(timeout)
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self) -> ProviderHost:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- output ------------------------------------------------------------------------------------

    def stderr_text(self) -> str:
        """Everything the host wrote on stderr so far (drained up to the last answered call)."""
        if self._stderr is None:
            return ""
        if self.running:
            self._stderr.drain()
        return self._stderr.text

    def stdout_text(self) -> str:
        """What the host wrote on stdout after its port: provider code must never print there."""
        if self._stdout is None:
            return ""
        if self.running:
            self._stdout.drain()
        return self._stdout.text

    # --- calls -------------------------------------------------------------------------------------

    def configure(
        self, config: Mapping[str, str], secret_keys: frozenset[str] = frozenset()
    ) -> None:
        """Send the stack config as the engine does: string values, secrets wrapped in ``args``."""
        args = {k: wire.make_secret(v) if k in secret_keys else v for k, v in config.items()}
        self.call(
            "Configure",
            provider_pb2.ConfigureRequest(
                variables=dict(config),
                args=wire.to_struct(args),
                acceptSecrets=True,
                acceptResources=True,
                sends_old_inputs=True,
                sends_old_inputs_to_delete=True,
            ),
        )
        self.configured_with = (dict(config), frozenset(secret_keys))

    def call(self, method: str, request):
        if self._stub is None:
            raise ProviderHostError("the provider host is not running")
        try:
            return getattr(self._stub, method)(request, timeout=CALL_TIMEOUT)
        except grpc.RpcError as exc:
            if not self.running:
                raise ProviderHostError(
                    f"the provider host died during {method}; its stderr:\n" + self.stderr_text()
                ) from exc
            raise ProviderCallError(method, exc.code(), exc.details() or "") from exc
