"""Run the Graph stand-in on its own, over a simulated tenant kept in a state file.

    python -m inventory.teams.stand_in --state var/tenant.json --numbers 5000 --port 8765

creates (or loads) the tenant, serves it, saves changes, and stops on SIGINT/SIGTERM or --max-seconds.
The first line it prints says where it listens; point a tenant at it as `stand_in_tenant(url)` does.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from inventory.teams.simulation.faults import FaultKnobs
from inventory.teams.simulation.generate import TenantSizes
from inventory.teams.simulation.state_file import load_or_create
from inventory.teams.stand_in.app import ServerOptions
from inventory.teams.stand_in.server import start_graph_server

logger = logging.getLogger(__name__)


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m inventory.teams.stand_in", description=__doc__.split("\n")[0])
    parser.add_argument("--state", required=True, type=Path, help="tenant state file (created when missing)")
    parser.add_argument("--numbers", type=int, default=1000, help="numbers in a new tenant")
    parser.add_argument("--users", type=int, default=None, help="users in a new tenant (default: 70%% of numbers)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--name", default="simulated", help="tenant name (its UPN domain)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed on start)")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--throttle-rate", type=float, default=0.0, help="share of requests answered 429")
    parser.add_argument("--retry-after", type=int, default=1, help="Retry-After seconds on random 429s")
    parser.add_argument("--error-rate", type=float, default=0.0, help="share of requests answered 503/504")
    parser.add_argument("--failure-rate", type=float, default=0.0, help="share of operations that fail")
    parser.add_argument("--operation-delay", type=float, default=2.0, help="seconds an operation takes")
    parser.add_argument(
        "--max-running-operations",
        type=int,
        default=None,
        help="number operations Teams runs at once for the tenant; one more is answered 429 (default: no bound)",
    )
    parser.add_argument("--busy-retry-after", type=int, default=1, help="Retry-After seconds on that 429")
    parser.add_argument("--next-links", action="store_true", help="send @odata.nextLink on numberAssignments")
    parser.add_argument("--max-seconds", type=float, default=None, help="stop by itself after this long")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    """Load or create the tenant, serve it until a signal (or --max-seconds), then save and stop."""
    knobs = FaultKnobs(
        latency_ms=args.latency_ms,
        throttle_rate=args.throttle_rate,
        retry_after_seconds=args.retry_after,
        server_error_rate=args.error_rate,
        operation_failure_rate=args.failure_rate,
        operation_delay_seconds=args.operation_delay,
        max_running_operations=args.max_running_operations,
        busy_retry_after_seconds=args.busy_retry_after,
    )
    sizes = TenantSizes.for_numbers(args.numbers)
    if args.users is not None:
        sizes = dataclasses.replace(sizes, users=args.users)
    tenant = await asyncio.to_thread(load_or_create, args.state, sizes, seed=args.seed, name=args.name, knobs=knobs)
    server = await start_graph_server(
        tenant, args.host, args.port, options=ServerOptions(number_next_links=args.next_links), state_file=args.state
    )
    sys.stdout.write(f"Graph stand-in listening on {server.url} (Graph API at {server.graph_base_url})\n")
    sys.stdout.flush()
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    try:
        await asyncio.wait_for(stopping.wait(), timeout=args.max_seconds)
    except TimeoutError:
        logger.info("graph_server_max_seconds_reached seconds=%s", args.max_seconds)
    finally:
        await server.stop()
        logger.info("graph_server_stopped state=%s", args.state)


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    asyncio.run(serve(_arguments(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
