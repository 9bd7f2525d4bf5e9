"""How many Omni calls a stack costs, and how close to Omni's rate limit it runs.

    .venv/bin/python benchmarks/run.py                       # sizes 10 100 300, time scale 10
    .venv/bin/python benchmarks/run.py --sizes 10 --time-scale 20 --json results.json

Each size runs one stack through the engine-protocol harness (the SDK's real provider host) against
the emulator enforcing Omni's 60 requests a minute per key. The emulator's clock runs
``--time-scale`` times faster, and so does the clock the provider host paces itself by
(``benchmarks/hostboot/sitecustomize.py``), so the provider keeps its ordinary setting of 60
requests a minute and the run takes minutes instead of hours. Every time printed is real time; the
floor of a phase is Omni's admission rule (``benchmarks/floor.py``): the least time its calls could
take with 60 per key in any emulated minute, given what the previous phase spent.

This command keeps one provider host per stack (started before the phases), which is what counts
calls per endpoint cheaply; the engine starts a host per operation, and ``benchmarks/minute.py``
measures that, at Omni's real minute.

Phases: ``up`` from nothing, a no-op ``preview``, a no-op ``up``, ``refresh``, a one-field change
(one label's description) and ``destroy``. Then the secondary figures: the provider's check and diff
time per resource (in-process), ``import omni_pulumi`` time, the provider host's peak memory and
the size of the pickled provider.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from floor import floor_seconds  # noqa: E402

import omni_pulumi as omni  # noqa: E402
from omni_pulumi.budget import CACHE_DIR_ENV  # noqa: E402
from omni_pulumi.emulator import Emulator  # noqa: E402
from omni_pulumi.testing.harness import HarnessStack  # noqa: E402

API_KEY = "bench-key"
RATE_LIMIT = 60  # Omni's requests a minute per key
HOSTBOOT = Path(__file__).resolve().parent / "hostboot"
#: One block of the stack: ten resources, the mix a data team's stack has.
BLOCK = (
    "Connection (base)",
    "Connection (environment)",
    "ConnectionEnvironment",
    "Label",
    "Label",
    "Folder (root)",
    "Folder (child)",
    "Folder (grandchild)",
    "UserGroup",
    "Schedule",
)
#: The stack issue 19 measured: labels, a folder tree and groups, kinds whose list holds everything.
LISTED_BLOCK = ("Label",) * 4 + ("Folder (root)", "Folder (child)", "Folder (grandchild)")
LISTED_BLOCK += ("UserGroup",) * 3
#: ``--mix`` of benchmarks/minute.py: the blocks a stack is made of.
MIXES = {"data-team": BLOCK, "labels-folders-groups": LISTED_BLOCK}


@dataclass
class Phase:
    name: str
    wall: float
    calls: dict[str, int]
    throttled: int
    steps: dict[str, int]
    floor: float = 0.0  # real seconds

    @property
    def total(self) -> int:
        return sum(self.calls.values())


@dataclass
class SizeResult:
    size: int
    time_scale: float
    host_start: float
    host_peak_rss_kib: int
    phases: list[Phase] = field(default_factory=list)


# -- the stack ---------------------------------------------------------------------------------


def make_program(
    blocks: int, dashboards: list[str], variant: dict[str, str], mix: str = "data-team"
):
    """A program of ``10 * blocks`` resources; ``variant['description']`` is the one-field change."""

    def listed_kinds(b: int) -> None:
        for i in range(4):
            description = variant["description"] if b == i == 0 else "Reviewed by the data team"
            omni.Label(f"label-{b}-{i}", name=f"Label {b}.{i}", description=description)
        root = omni.Folder(f"team-{b}", name=f"Team {b}")
        child = omni.Folder(f"team-{b}-reports", name="Reports", parent_folder_id=root.id)
        omni.Folder(f"team-{b}-reports-2026", name="2026", parent_folder_id=child.id)
        for i in range(3):
            omni.UserGroup(f"group-{b}-{i}", display_name=f"Group {b}.{i}")

    def program() -> None:
        for b in range(blocks):
            if mix == "labels-folders-groups":
                listed_kinds(b)
                continue
            base = omni.Connection(
                f"warehouse-{b}",
                dialect="postgres",
                name=f"Warehouse {b}",
                host="db.example.com",
                port=5432,
                database="analytics",
                username="omni",
                password="bench-password",
            )
            dev = omni.Connection(
                f"warehouse-{b}-dev",
                dialect="postgres",
                name=f"Warehouse {b} (dev)",
                host="dev-db.example.com",
                port=5432,
                database="analytics",
                username="omni",
                password="bench-password",
            )
            omni.ConnectionEnvironment(
                f"warehouse-{b}-dev-env",
                base_connection_id=base.id,
                environment_connection_id=dev.id,
                user_attribute_values=[f"dev-{b}"],
            )
            description = variant["description"] if b == 0 else "Reviewed by the data team"
            omni.Label(f"certified-{b}", name=f"Certified {b}", description=description)
            omni.Label(f"deprecated-{b}", name=f"Deprecated {b}", color="#cf222e")
            root = omni.Folder(f"team-{b}", name=f"Team {b}")
            child = omni.Folder(f"team-{b}-reports", name="Reports", parent_folder_id=root.id)
            omni.Folder(f"team-{b}-reports-2026", name="2026", parent_folder_id=child.id)
            omni.UserGroup(f"analysts-{b}", display_name=f"Analysts {b}")
            omni.Schedule(
                f"weekly-{b}",
                identifier=dashboards[b],
                name=f"Weekly revenue {b}",
                schedule="0 9 ? * MON *",
                timezone="Europe/Paris",
                format="csv",
                destination_type="email",
                recipients=[f"team-{b}@example.com"],
            )

    return program


# -- measuring ---------------------------------------------------------------------------------


def _phase(name: str, emu: Emulator, run) -> Phase:
    emu.reset_calls()
    start, history = emu.clock.now(), emu.admissions()
    started = time.perf_counter()
    result = run()
    wall = time.perf_counter() - started
    admitted = len(emu.admissions()) - len(history)
    floor = floor_seconds(admitted, keys=[API_KEY], limit=RATE_LIMIT, start=start, history=history)
    calls = collections.Counter()
    throttled = 0
    for exchange in list(emu.exchanges):
        if exchange.status == 429:
            throttled += 1
            continue
        calls[f"{exchange.method} {exchange.template or exchange.path}"] += 1
    steps = collections.Counter(step.op for step in result.steps)
    return Phase(
        name,
        wall,
        dict(sorted(calls.items())),
        throttled,
        dict(sorted(steps.items())),
        emu.clock.to_real_seconds(floor),
    )


def _peak_rss_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return -1
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return -1


def run_size(size: int, time_scale: float, workdir: Path) -> SizeResult:
    if size % len(BLOCK):
        raise SystemExit(f"--sizes must be multiples of {len(BLOCK)} (one block is {BLOCK})")
    blocks = size // len(BLOCK)
    with Emulator(
        api_key=API_KEY, rate_limit=RATE_LIMIT, time_scale=time_scale, record=True
    ) as emu:
        dashboards = [emu.seed_dashboard(f"Revenue {b}") for b in range(blocks)]
        variant = {"description": "Reviewed by the data team"}
        env = {
            **os.environ,
            "OMNI_BENCH_TIME_SCALE": str(time_scale),
            "OMNI_BENCH_EPOCH": repr(time.time()),
            # the hosts' rate budget in the run's own directory, not the user's cache
            CACHE_DIR_ENV: str(workdir / f"cache-{size}"),
        }
        stack = HarnessStack(
            make_program(blocks, dashboards, variant),
            config={"omni:baseUrl": emu.base_url},
            secret_config={"omni:apiKey": API_KEY},
            env=env,
            python_path=[HOSTBOOT],
            state_file=workdir / f"state-{size}.json",
            # One host for the whole size: its start is measured apart and its peak memory read
            # after the last phase. No phase here reads what an earlier one listed (the only
            # listing phase, refresh, follows no-op phases; writes drop lists); minute.py runs a
            # host per phase, as the engine does.
            fresh_host=False,
        )
        try:
            started = time.perf_counter()
            stack._ready_host()  # started once, outside the phases' wall time (see the docs)
            host_start = time.perf_counter() - started
            result = SizeResult(size, time_scale, host_start, 0)
            result.phases.append(_phase("up", emu, stack.up))
            result.phases.append(_phase("preview (no-op)", emu, stack.preview))
            result.phases.append(_phase("up (no-op)", emu, stack.up))
            result.phases.append(_phase("refresh", emu, stack.refresh))
            variant["description"] = "Reviewed every quarter"
            result.phases.append(_phase("one-field change", emu, stack.up))
            result.phases.append(_phase("destroy", emu, stack.destroy))
            result.host_peak_rss_kib = _peak_rss_kib(stack._host._proc.pid)  # type: ignore[union-attr]
        finally:
            stack.close()
    return result


def check_and_diff_ms(rounds: int = 200) -> dict[str, tuple[float, float]]:
    """Milliseconds per call of the provider's check and diff, per resource kind (in-process)."""
    from omni_pulumi.provider import OmniProvider
    from omni_pulumi.resources import (
        ConnectionEnvironmentSpec,
        ConnectionSpec,
        FolderSpec,
        LabelSpec,
        ScheduleSpec,
        UserGroupSpec,
    )

    uuid = "550e8400-e29b-41d4-a716-446655440000"
    samples = {
        ConnectionSpec: {
            "dialect": "postgres",
            "name": "Warehouse",
            "host": "db.example.com",
            "port": 5432,
            "database": "analytics",
            "username": "omni",
            "password": "secret",
        },
        ConnectionEnvironmentSpec: {
            "base_connection_id": uuid,
            "environment_connection_id": uuid.replace("5", "6"),
            "user_attribute_values": ["dev"],
        },
        LabelSpec: {"name": "Certified", "description": "Reviewed", "color": "#1a7f37"},
        FolderSpec: {"name": "Reports", "parent_folder_id": uuid},
        UserGroupSpec: {"display_name": "Analysts"},
        ScheduleSpec: {
            "identifier": "abc123",
            "name": "Weekly",
            "schedule": "0 9 ? * MON *",
            "timezone": "Europe/Paris",
            "format": "csv",
            "destination_type": "email",
            "recipients": ["a@example.com"],
        },
    }
    timings: dict[str, tuple[float, float]] = {}
    for spec_class, args in samples.items():
        provider = OmniProvider(spec_class())
        checked = provider.check({}, dict(args))
        assert not checked.failures, [f.reason for f in checked.failures]
        olds = dict(checked.inputs)
        started = time.perf_counter()
        for _ in range(rounds):
            provider.check(olds, dict(args))
        check_ms = (time.perf_counter() - started) * 1000 / rounds
        started = time.perf_counter()
        for _ in range(rounds):
            provider.diff("id", olds, checked.inputs)
        diff_ms = (time.perf_counter() - started) * 1000 / rounds
        timings[spec_class.type_name] = (check_ms, diff_ms)
    return timings


def import_seconds(runs: int = 7) -> dict[str, float]:
    """Median seconds of ``import omni_pulumi`` and of ``import pulumi`` alone, fresh interpreters."""

    def median_of(statement: str) -> float:
        code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
        times = [
            float(
                subprocess.run(
                    [sys.executable, "-c", code],
                    check=True,
                    capture_output=True,
                    text=True,
                    cwd=ROOT,
                ).stdout
            )
            for _ in range(runs)
        ]
        return statistics.median(times)

    return {
        "import omni_pulumi": median_of("import omni_pulumi"),
        "import pulumi, pulumi.dynamic": median_of("import pulumi, pulumi.dynamic"),
        "import pydantic, requests": median_of("import pydantic, requests"),
    }


def pickled_provider_bytes() -> dict[str, int]:
    """Size of the ``__provider`` property each resource carries in state (base64 text)."""
    from pulumi.dynamic.dynamic import serialize_provider

    from omni_pulumi.provider import OmniProvider
    from omni_pulumi.resources import SPECS

    return {spec.type_name: len(serialize_provider(OmniProvider(spec()))) for spec in SPECS}


# -- reporting ---------------------------------------------------------------------------------


def report(results: list[SizeResult], extras: dict[str, Any]) -> str:
    lines = []
    for res in results:
        lines.append(
            f"\n## N = {res.size} resources (time scale {res.time_scale:g}: one Omni minute = "
            f"{60 / res.time_scale:g} s; host start {res.host_start:.2f} s, not in the phases)"
        )
        lines.append(
            "| phase | steps | Omni calls | calls/resource | 429s | wall s | floor s | wall/floor |"
        )
        lines.append("|---|---|---|---|---|---|---|---|")
        for ph in res.phases:
            floor = ph.floor
            ratio = f"{ph.wall / floor:.2f}" if floor else "—"
            steps = ", ".join(f"{op} {n}" for op, n in ph.steps.items())
            lines.append(
                f"| {ph.name} | {steps} | {ph.total} | {ph.total / res.size:.2f} | {ph.throttled} "
                f"| {ph.wall:.2f} | {floor:.2f} | {ratio} |"
            )
        lines.append("\nCalls by method and endpoint:\n")
        for ph in res.phases:
            if ph.calls:
                shown = ", ".join(f"`{k}` {v}" for k, v in ph.calls.items())
                lines.append(f"- {ph.name}: {shown}")
            else:
                lines.append(f"- {ph.name}: none")
        lines.append(f"\nProvider host peak memory (VmHWM): {res.host_peak_rss_kib / 1024:.1f} MiB")
    lines.append("\n## Secondary figures\n")
    lines.append("| resource | check ms | diff ms | pickled provider bytes |")
    lines.append("|---|---|---|---|")
    sizes = extras["pickled_provider_bytes"]
    for kind, (check_ms, diff_ms) in extras["check_and_diff_ms"].items():
        lines.append(f"| {kind} | {check_ms:.3f} | {diff_ms:.3f} | {sizes.get(kind, '')} |")
    for what, seconds in extras["import_seconds"].items():
        lines.append(f"\n`{what}`: {seconds:.3f} s (median of 7 fresh interpreters)")
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 300])
    parser.add_argument(
        "--time-scale",
        type=float,
        default=10.0,
        help="how many times faster the emulator's and the provider's clocks run (default 10)",
    )
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args(argv)

    print(f"# omni-pulumi benchmark\n\nMachine: {machine()}", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="omni-bench-") as tmp:
        for size in args.sizes:
            print(f"... N={size}", file=sys.stderr, flush=True)
            results.append(run_size(size, args.time_scale, Path(tmp)))
    extras = {
        "check_and_diff_ms": check_and_diff_ms(),
        "import_seconds": import_seconds(),
        "pickled_provider_bytes": pickled_provider_bytes(),
    }
    print(report(results, extras))
    if args.json:
        raw = {
            "machine": machine(),
            "sizes": [
                {**asdict(r), "phases": [{**asdict(p), "total": p.total} for p in r.phases]}
                for r in results
            ],
            **extras,
        }
        args.json.write_text(json.dumps(raw, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
