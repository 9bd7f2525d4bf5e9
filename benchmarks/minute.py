"""Wall time of a stack's operations against Omni's floor, at Omni's real minute.

    .venv/bin/python benchmarks/minute.py --sizes 100 300           # real minute: ~25 minutes
    .venv/bin/python benchmarks/minute.py --sizes 300 --keys 1 2 4  # several keys
    .venv/bin/python benchmarks/minute.py --sizes 10 --limit 5 --time-scale 60   # smoke, seconds
    .venv/bin/python benchmarks/minute.py --sizes 100 --engine cli  # through the real pulumi CLI

Each run drives one stack through the phases a CI job runs back to back (``up`` from nothing, a
no-op ``preview``, a no-op ``up``, ``refresh``, a one-field change, ``destroy``), each in a **new
provider host process**, as the Pulumi engine starts one per operation, against the emulator
admitting exactly ``--limit`` requests per key in any 60 seconds (a sliding window, Omni's
documented rule). The hosts share one rate-budget directory, as provider processes of one user on
one machine do, so each operation sees what the previous one spent.

Per phase: Omni calls admitted, requests refused (429), wall time (host start included), and the
floor: the least time those calls could take under the admission rule given what each key was
admitted in the minute before the phase began (``benchmarks/floor.py``); from idle keys that is
(⌈C / (k·limit)⌉ - 1) minutes. ``--time-scale`` compresses the emulator's and the providers'
clocks alike (``benchmarks/hostboot/``) for smoke runs; the figures worth quoting are at scale 1.

``--engine harness`` (the default) drives the phases through the engine-protocol harness, one
resource at a time; ``--engine cli`` through the real ``pulumi`` CLI (Automation API, the pinned
CLI of ``omni_pulumi.testing.pulumi_cli``), which runs up to ten steps at once and starts its own
provider host per operation.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from floor import floor_seconds  # noqa: E402
from run import HOSTBOOT, MIXES, machine, make_program  # noqa: E402

from omni_pulumi.budget import CACHE_DIR_ENV  # noqa: E402
from omni_pulumi.emulator import Emulator  # noqa: E402
from omni_pulumi.testing.harness import HarnessStack  # noqa: E402

PHASES = ("up", "preview (no-op)", "up (no-op)", "refresh", "one-field change", "destroy")
PACED_WARNING = "Omni refused a request"


@dataclass
class PhaseResult:
    name: str
    calls: int
    refused: int
    wall: float  # real seconds
    floor: float  # real seconds
    steps: dict[str, int]
    #: Of ``calls``, the credential checks (whoami): at most one per operation, preview included.
    checks: int = 0

    @property
    def ratio(self) -> float | None:
        return self.wall / self.floor if self.floor > 0 else None


@dataclass
class RunResult:
    size: int
    keys: int
    limit: int
    time_scale: float
    engine: str = "harness"
    mix: str = "data-team"
    phases: list[PhaseResult] = field(default_factory=list)
    paced_warnings: int = 0

    @property
    def total_wall(self) -> float:
        return sum(p.wall for p in self.phases)

    @property
    def total_floor(self) -> float:
        return sum(p.floor for p in self.phases)


def run_stack(
    size: int,
    keys: int,
    limit: int,
    time_scale: float,
    workdir: Path,
    engine: str = "harness",
    mix: str = "data-team",
) -> RunResult:
    """One stack of ``size`` resources through the six phases, a new provider host for each."""
    block = MIXES[mix]
    if size % len(block):
        raise SystemExit(f"--sizes must be multiples of {len(block)}")
    blocks = size // len(block)
    names = [f"bench-key-{i + 1}" for i in range(keys)]
    cache = workdir / f"cache-{size}-{keys}"
    with Emulator(api_key=names[0], rate_limit=limit, time_scale=time_scale, record=True) as emu:
        for name in names[1:]:
            emu.add_api_key(name)
        dashboards = [emu.seed_dashboard(f"Revenue {b}") for b in range(blocks)]
        variant = {"description": "Reviewed by the data team"}
        env = {
            **os.environ,
            CACHE_DIR_ENV: str(cache),
            "OMNI_BENCH_TIME_SCALE": str(time_scale),
            "OMNI_BENCH_EPOCH": repr(time.time()),
        }
        secret = {"omni:apiKey": names[0]} if keys == 1 else {"omni:apiKeys": json.dumps(names)}
        common = {
            "config": {"omni:baseUrl": emu.base_url, "omni:requestsPerMinute": str(limit)},
            "secret_config": secret,
            "env": env,
            "python_path": [HOSTBOOT],
        }
        program = make_program(blocks, dashboards, variant, mix)
        if engine == "cli":
            from omni_pulumi.testing.pulumi_cli import CliStack, find_pulumi_cli

            found = find_pulumi_cli(build=False)  # the pinned CLI; a benchmark never builds one
            if found.directory is None:
                raise SystemExit(found.reason)
            stack = CliStack(
                program, work_dir=workdir / f"cli-{size}-{keys}", cli=found.directory, **common
            )
        else:
            stack = HarnessStack(
                program,
                state_file=workdir / f"state-{size}-{keys}.json",
                fresh_host=True,  # the engine starts a provider process per operation
                **common,
            )
        result = RunResult(size, keys, limit, time_scale, engine, mix)
        operations = [stack.up, stack.preview, stack.up, stack.refresh, None, stack.destroy]
        try:
            for name, operation in zip(PHASES, operations, strict=True):
                if operation is None:
                    variant["description"] = "Reviewed every quarter"
                    operation = stack.up
                phase, outcome = _phase(name, emu, names, limit, operation)
                result.phases.append(phase)
                result.paced_warnings += sum(PACED_WARNING in line for line in outcome.diagnostics)
        finally:
            stack.close()
    return result


def _phase(name: str, emu: Emulator, keys: list[str], limit: int, operation):
    emu.reset_calls()
    start = emu.clock.now()
    history = emu.admissions()
    started = time.perf_counter()
    outcome = operation()
    wall = time.perf_counter() - started
    admitted = len(emu.admissions()) - len(history)
    refused = sum(1 for exchange in list(emu.exchanges) if exchange.status == 429)
    floor = floor_seconds(admitted, keys=keys, limit=limit, start=start, history=history)
    steps: dict[str, int] = {}
    for step in outcome.steps:
        steps[step.op] = steps.get(step.op, 0) + 1
    checks = emu.calls[("GET", "/api/v1/whoami")]
    return PhaseResult(
        name,
        admitted,
        refused,
        wall,
        emu.clock.to_real_seconds(floor),
        dict(sorted(steps.items())),
        checks,
    ), outcome


def report(results: list[RunResult]) -> str:
    lines = []
    for res in results:
        minute = 60 / res.time_scale
        scale = "Omni's real minute" if res.time_scale == 1 else f"one minute = {minute:g} real s"
        lines.append(
            f"\n#### N = {res.size} ({res.mix}), {res.keys} key{'s' if res.keys > 1 else ''}, "
            f"{res.engine} "
            f"({res.limit} requests per key in any 60 s; {scale})\n"
        )
        lines.append(
            "| phase | steps | calls | 429s | wall s | floor s | wall/floor | wall - floor s |"
        )
        lines.append("|---|---|---|---|---|---|---|---|")
        for ph in res.phases:
            steps = ", ".join(f"{op} {n}" for op, n in ph.steps.items())
            ratio = f"{ph.ratio:.2f}" if ph.ratio is not None else "—"
            lines.append(
                f"| {ph.name} | {steps} | {ph.calls} | {ph.refused} | {ph.wall:.1f} "
                f"| {ph.floor:.1f} | {ratio} | {ph.wall - ph.floor:.1f} |"
            )
        total_ratio = res.total_wall / res.total_floor if res.total_floor else float("nan")
        lines.append(
            f"| **all phases** | | {sum(p.calls for p in res.phases)} "
            f"| {sum(p.refused for p in res.phases)} | {res.total_wall:.1f} "
            f"| {res.total_floor:.1f} | {total_ratio:.2f} | {res.total_wall - res.total_floor:.1f} |"
        )
        if res.paced_warnings:
            lines.append(f"\nA key switched to paced sending {res.paced_warnings} time(s).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 300])
    parser.add_argument("--keys", type=int, nargs="+", default=[1], help="key counts to run")
    parser.add_argument("--limit", type=int, default=60, help="requests per key in any 60 s")
    parser.add_argument("--time-scale", type=float, default=1.0, help="1 = Omni's real minute")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--engine", choices=("harness", "cli"), default="harness")
    parser.add_argument(
        "--mix", choices=sorted(MIXES), default="data-team", help="what the stack is made of"
    )
    args = parser.parse_args(argv)

    print(f"# omni-pulumi at Omni's minute\n\nMachine: {machine()}", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="omni-minute-") as tmp:
        for size in args.sizes:
            for keys in args.keys:
                print(f"... N={size}, {keys} key(s)", file=sys.stderr, flush=True)
                res = run_stack(
                    size, keys, args.limit, args.time_scale, Path(tmp), args.engine, args.mix
                )
                results.append(res)
                print(report([res]), flush=True)
                if args.json:
                    raw = [{**asdict(r), "phases": [asdict(p) for p in r.phases]} for r in results]
                    args.json.write_text(json.dumps(raw, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
