"""A Microsoft Graph stand-in over a SimulatedTenant: the demo's "Teams" and the adapter's test target.

It serves Graph's documented paths under /v1.0 and /beta with Graph's status codes, headers and JSON
shapes, plus an OAuth2 client-credentials token endpoint, on 127.0.0.1 (port 0 picks a free port).

    python -m inventory.teams.graph_server --state var/tenant.json --numbers 5000 --port 8765

creates (or loads) the tenant, serves it, saves changes, and stops on SIGINT/SIGTERM or --max-seconds.
Point a tenant at it with graph_base_url = <url>/v1.0 and authority_host = <url>.
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
from types import TracebackType

from aiohttp import web

from inventory.config import TenantConfig
from inventory.teams import server_accounts, server_numbers, server_token
from inventory.teams.factory import stand_in_tenant
from inventory.teams.server_app import STATE, RequestRecord, ServerOptions, ServerState, graph_middleware
from inventory.teams.simulation.faults import FaultKnobs
from inventory.teams.simulation.generate import TenantSizes
from inventory.teams.simulation.state_file import StateSaver, load_or_create
from inventory.teams.simulation.tenant import SimulatedTenant

logger = logging.getLogger(__name__)


def build_app(tenant: SimulatedTenant, options: ServerOptions | None = None) -> web.Application:
    """The aiohttp application (for embedding; `start_graph_server` runs it)."""
    app = web.Application(middlewares=[graph_middleware])
    app[STATE] = ServerState(tenant, options or ServerOptions())
    server_token.add_routes(app)
    server_numbers.add_routes(app)
    server_accounts.add_routes(app)
    return app


@dataclasses.dataclass
class RunningServer:
    """A started stand-in. `requests` is its live request log; `stop()` closes it (and saves state)."""

    url: str  # http://127.0.0.1:PORT: the authority host; Graph is under /v1.0
    tenant: SimulatedTenant
    requests: list[RequestRecord]
    _runner: web.AppRunner
    _saver: StateSaver | None = None

    @property
    def peak_in_flight(self) -> int:
        """The most Graph requests the server handled at the same time."""
        return self._runner.app[STATE].peak_in_flight

    @property
    def graph_base_url(self) -> str:
        return f"{self.url}/v1.0"

    def tenant_config(self, name: str = "demo", *, max_requests_in_flight: int = 6) -> TenantConfig:
        """A TenantConfig pointing at this server, allowing the simulated tenant's policies."""
        policies = tuple(self.tenant.policies)
        return stand_in_tenant(
            self.url, name=name, allowed_policies=policies, max_requests_in_flight=max_requests_in_flight
        )

    async def stop(self) -> None:
        await self._runner.cleanup()
        if self._saver is not None:
            await self._saver.stop()
            self._saver = None

    async def __aenter__(self) -> RunningServer:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.stop()


async def start_graph_server(
    tenant: SimulatedTenant,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    options: ServerOptions | None = None,
    state_file: Path | None = None,
    save_interval: float = 2.0,
) -> RunningServer:
    """Serve `tenant` on host:port (0: any free port, reported in `.url`); with `state_file`, keep it saved."""
    app = build_app(tenant, options)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError:
        await runner.cleanup()
        raise
    bound_port = runner.addresses[0][1]
    shown_host = f"[{host}]" if ":" in host else host
    saver = None
    if state_file is not None:
        saver = StateSaver(tenant, state_file, interval=save_interval)
        saver.start()
    url = f"http://{shown_host}:{bound_port}"
    logger.info("graph_server_started url=%s numbers=%d", url, len(tenant.all_numbers()))
    return RunningServer(url, tenant, app[STATE].log, runner, saver)


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m inventory.teams.graph_server", description=__doc__.split("\n")[0])
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
