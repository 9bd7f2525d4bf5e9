"""Waiting for Omni's asynchronous jobs (schema refresh, dbt sync) inside one lifecycle step.

Omni starts these jobs with a POST that answers at once with a ``jobId``; the job's fate is known only
by polling ``GET /api/v1/jobs/{jobId}/status``. A resource that promises a refreshed model must not
report success before the job has finished, and must not wait forever either, so the wait is bounded
and a failed or timed-out job is an error that says what was done and what to do next. Time goes
through a :class:`~omni_pulumi.clock.Clock`, so tests run a half-hour wait in microseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from omni_pulumi.client import OmniClient, quote_segment
from omni_pulumi.clock import SYSTEM_CLOCK, Clock
from omni_pulumi.errors import OmniError

#: Statuses after which a job will not change again (Omni spells them upper case on the job
#: endpoint and lower case in the answer of the POST that starts the job).
DONE = "COMPLETED"
FAILED = "FAILED"


class OmniJobFailed(OmniError):
    """An Omni job ended in failure, or did not end within the time allowed."""


@dataclass
class JobWait:
    """How long to wait for a job, and how often to ask: Omni asks for polls 2 to 5 s apart."""

    interval: float = 5.0
    timeout: float = 1800.0
    clock: Clock = field(default=SYSTEM_CLOCK)


def job_status(answer: Any) -> str:
    """The upper-case status in a job answer, or ``""`` when it has none."""
    if isinstance(answer, dict):
        return str(answer.get("status") or "").upper()
    return ""


def wait_for_job(client: OmniClient, job_id: str, what: str, wait: JobWait) -> None:
    """Poll the job until it completes; raise :class:`OmniJobFailed` if it fails or runs too long.

    ``what`` names the job for the user ("the schema refresh of Model 'x' (id)").
    """
    path = f"/api/v1/jobs/{quote_segment(job_id)}/status"
    deadline = wait.clock.monotonic() + wait.timeout
    while True:
        status = job_status(client.get(path))
        if status == DONE:
            return
        if status == FAILED:
            raise OmniJobFailed(f"{what} failed in Omni (job {job_id})")
        remaining = deadline - wait.clock.monotonic()
        if remaining <= 0:
            raise OmniJobFailed(
                f"{what} was still {status or 'running'} after {wait.timeout:g} s (job {job_id}); "
                "it may still finish in Omni"
            )
        wait.clock.sleep(min(wait.interval, remaining))
