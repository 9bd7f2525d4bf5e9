"""Run a Pulumi program in-process against the harness engine instead of a real one.

The program runs as the Automation API runs an inline program (``run_in_stack`` under fresh
runtime settings and config), but its resource monitor is a :class:`MockMonitor` subclass whose
``RegisterResource`` hands the whole request (import id, dependencies, secret outputs,
delete-before-replace, ...) to the harness engine, which talks to the real provider host.

Each run gets its own thread and an empty ``contextvars`` context, so the SDK's ambient settings,
config and root stack never leak between operations or into the caller.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import threading
import traceback
from collections.abc import Callable, Mapping
from contextlib import suppress
from typing import Any

from google.protobuf import empty_pb2
from pulumi.runtime import run_in_stack, set_all_config
from pulumi.runtime.mocks import MockMonitor, Mocks, MockSettings
from pulumi.runtime.proto import engine_pb2, resource_pb2
from pulumi.runtime.settings import ROOT, configure

from .engine import Deployment, _StepFailed

Program = Callable[[], Any]

_SEVERITY = {
    engine_pb2.DEBUG: "debug",
    engine_pb2.INFO: "info",
    engine_pb2.WARNING: "warning",
    engine_pb2.ERROR: "error",
}


class _NoMocks(Mocks):
    def call(self, args):
        raise NotImplementedError(f"the harness does not serve invokes ({args.token})")

    def new_resource(self, args):
        raise NotImplementedError("the harness engine registers resources itself")


class EngineMonitor(MockMonitor):
    """The resource monitor the program talks to: every registration goes to the engine."""

    def __init__(self, deployment: Deployment) -> None:
        super().__init__(_NoMocks())
        self.deployment = deployment

    def RegisterResource(self, request: resource_pb2.RegisterResourceRequest):
        return self.deployment.register(request)

    def RegisterResourceOutputs(self, request):
        self.deployment.register_outputs(request)
        return empty_pb2.Empty()

    def ReadResource(self, request):
        raise NotImplementedError(
            f"{request.type} '{request.name}': the harness does not serve Resource.get()"
        )


class _EngineLog:
    """The engine service the SDK logs to (``pulumi.log.warn`` and friends)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def Log(self, request) -> None:
        if request.severity == engine_pb2.DEBUG:  # shown by `pulumi -v` only
            return
        self.lines.append(f"{_SEVERITY.get(request.severity, 'info')}: {request.message}")


def run_program(
    program: Program,
    deployment: Deployment,
    *,
    project: str,
    stack: str,
    config: Mapping[str, str],
    secret_keys: set[str],
    log_lines: list[str],
) -> BaseException | None:
    """Run ``program`` to completion; return the exception it (or a step) raised, if any."""
    outcome: list[BaseException | None] = [None]

    def run() -> None:
        ROOT.set(None)
        monitor = EngineMonitor(deployment)
        configure(
            MockSettings(
                monitor=monitor,
                monitor_features=set(
                    monitor.GetDeploymentInfo(empty_pb2.Empty()).supportedFeatures
                ),
                engine=_EngineLog(log_lines),
                project=project,
                stack=stack,
                dry_run=deployment.preview,
                organization="organization",
                callbacks=None,
                parallel=4,
            )
        )
        set_all_config(dict(config), sorted(secret_keys))
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        # A failed step surfaces in several pending registrations; report it once, not per task.
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        try:
            loop.run_until_complete(run_in_stack(program))
        except _StepFailed as exc:
            outcome[0] = exc
        except BaseException as exc:  # handed back to the caller
            outcome[0] = exc
            log_lines.append("error: " + "".join(traceback.format_exception(exc)))
        finally:
            for task in asyncio.all_tasks(loop):
                task.cancel()
                with suppress(BaseException):
                    loop.run_until_complete(task)
            loop.close()

    thread = threading.Thread(
        target=contextvars.Context().run, args=(run,), name="harness-program", daemon=True
    )
    thread.start()
    thread.join()
    return outcome[0]
