"""``omni-pulumi emulator``: serve the emulator until SIGINT or SIGTERM.

Prints its base URL as the only line on stdout, so scripts can read it
(``URL=$(omni-pulumi emulator --port 0 | head -1)``); everything else goes to stderr.

``--instance NAME`` (repeatable) serves several instances, one emulator each, for programs that
manage several (``omni:instances``): each on its own port (``--port``, the next port, ...; or any
free port with ``--port 0``), with its own objects and rate limit, and stdout says ``NAME URL`` for
each, one a line, in the order given.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port", type=int, default=8787, help="port on 127.0.0.1 (0: any free port)"
    )
    parser.add_argument("--api-key", default="test-key", help="the organization API key to accept")
    parser.add_argument(
        "--rate-limit", type=int, default=60, help="requests per minute per key (0: no limit)"
    )
    parser.add_argument(
        "--instance",
        action="append",
        default=[],
        metavar="NAME",
        help="serve an instance of this name (repeat for several: one emulator each)",
    )
    parser.add_argument(
        "--state-file",
        help="JSON file that keeps objects across restarts (with --instance: FILE.NAME.json each)",
    )
    parser.add_argument("--seed", help="JSON file of users, dashboards and requests to preload")
    parser.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="run the emulator's clock this many times faster",
    )
    parser.add_argument(
        "--spec-only",
        action="store_true",
        help="answer as the published OpenAPI spec reads where a live Omni answers otherwise "
        "(by default the emulator behaves as a live instance was seen to)",
    )


def _state_file(args: argparse.Namespace, name: str | None) -> str | None:
    if not args.state_file or name is None:
        return args.state_file
    path = Path(args.state_file)
    return str(path.with_name(f"{path.stem}.{name}{path.suffix or '.json'}"))


def run(args: argparse.Namespace) -> int:
    from .app import Emulator

    names: list[str | None] = list(dict.fromkeys(getattr(args, "instance", None) or [])) or [None]
    emulators = [
        (
            name,
            Emulator(
                api_key=args.api_key,
                rate_limit=args.rate_limit,
                state_file=_state_file(args, name),
                seed=args.seed,
                port=args.port + i if args.port else 0,
                time_scale=getattr(args, "time_scale", 1.0),
                spec_only=getattr(args, "spec_only", False),
            ),
        )
        for i, name in enumerate(names)
    ]
    stop = threading.Event()

    def _stop(signum: int, frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with contextlib.ExitStack() as running:
            for name, emulator in emulators:
                running.enter_context(emulator)
                print(emulator.base_url if name is None else f"{name} {emulator.base_url}")
                label = f"{name!r} " if name else ""
                print(
                    # The key is never printed: CI logs keep stderr, and the caller chose it anyway.
                    f"Omni emulator {label}serving {emulator.base_url} (API key: the one given "
                    f"with --api-key, not shown; rate limit: {args.rate_limit}/min); Ctrl-C stops it",
                    file=sys.stderr,
                    flush=True,
                )
            sys.stdout.flush()
            stop.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="omni-pulumi emulator", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))
