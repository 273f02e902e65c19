"""Starting and stopping the Graph stand-in, and the TenantConfig that points Switchboard at it.

It serves Graph's documented paths under /v1.0 and /beta with Graph's status codes, headers and JSON
shapes, plus an OAuth2 client-credentials token endpoint, on 127.0.0.1 (port 0 picks a free port).
Point a tenant at it with graph_base_url = <url>/v1.0 and authority_host = <url> (`stand_in_tenant`).
"""

from __future__ import annotations

import dataclasses
import logging
import ssl
from pathlib import Path
from types import TracebackType

from aiohttp import web

from inventory.config import TenantConfig
from inventory.teams.simulation.state_file import StateSaver
from inventory.teams.simulation.tenant import SimulatedTenant
from inventory.teams.stand_in import account_routes, number_routes, token_route
from inventory.teams.stand_in.app import STATE, RequestRecord, ServerOptions, ServerState, graph_middleware

logger = logging.getLogger(__name__)


def build_app(tenant: SimulatedTenant, options: ServerOptions | None = None) -> web.Application:
    """The aiohttp application (for embedding; `start_graph_server` runs it)."""
    app = web.Application(middlewares=[graph_middleware])
    app[STATE] = ServerState(tenant, options or ServerOptions())
    token_route.add_routes(app)
    number_routes.add_routes(app)
    account_routes.add_routes(app)
    return app


@dataclasses.dataclass
class RunningServer:
    """A started stand-in. `requests` is its live request log; `stop()` closes it (and saves state)."""

    url: str  # http(s)://127.0.0.1:PORT: the authority host; Graph is under /v1.0
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
    ssl_context: ssl.SSLContext | None = None,
) -> RunningServer:
    """Serve `tenant` on host:port (0: any free port, reported in `.url`); with `state_file`, keep it saved.

    With `ssl_context` it serves https, for clients such as msal that refuse any other authority.
    """
    app = build_app(tenant, options)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port, ssl_context=ssl_context).start()
    except OSError:
        await runner.cleanup()
        raise
    bound_port = runner.addresses[0][1]
    shown_host = f"[{host}]" if ":" in host else host
    saver = None
    if state_file is not None:
        saver = StateSaver(tenant, state_file, interval=save_interval)
        saver.start()
    scheme = "https" if ssl_context is not None else "http"
    url = f"{scheme}://{shown_host}:{bound_port}"
    logger.info("graph_server_started url=%s numbers=%d", url, len(tenant.all_numbers()))
    return RunningServer(url, tenant, app[STATE].log, runner, saver)


def stand_in_tenant(
    server_url: str,
    *,
    name: str = "demo",
    allowed_policies: tuple[str, ...] = (),
    max_requests_in_flight: int = 6,
) -> TenantConfig:
    """A TenantConfig that points at the stand-in at `server_url` (demo and tests)."""
    root = server_url.rstrip("/")
    return TenantConfig(
        name=name,
        display_name=f"{name} (simulated)",
        entra_tenant_id=f"{name}-tenant",
        client_id="switchboard-demo",
        client_secret="demo-secret",
        allowed_policies=allowed_policies,
        default_policy=allowed_policies[0] if allowed_policies else None,
        graph_base_url=f"{root}/v1.0",
        authority_host=root,
        max_requests_in_flight=max_requests_in_flight,
    )
