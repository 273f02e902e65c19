"""Small real fakes for the Teams adapter tests: a clock that records sleeps, a progress recorder,
and a helper that serves a simulated tenant over HTTP to a GraphPhoneSystem."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from inventory.ports.phone_system import FetchProgress
from inventory.teams.factory import phone_system_for
from inventory.teams.graph import GraphPhoneSystem
from inventory.teams.retry import GraphTuning
from inventory.teams.simulation.generate import TenantSizes, generate_tenant
from inventory.teams.simulation.tenant import SimulatedTenant
from inventory.teams.stand_in.app import ServerOptions
from inventory.teams.stand_in.server import RunningServer, start_graph_server
from tests.support.clock import FakeClock

# No jitter: a test can assert the exact backoff (1, 2, 4 ... seconds).
EXACT_TUNING = GraphTuning(jitter=lambda ceiling: ceiling)


class ProgressRecorder:
    def __init__(self) -> None:
        self.updates: list[FetchProgress] = []

    async def __call__(self, update: FetchProgress) -> None:
        self.updates.append(update)

    def pages(self, what: str) -> int:
        return max((update.pages for update in self.updates if update.what == what), default=0)


SMALL = TenantSizes(users=30, auto_attendants=2, call_queues=2, guests=1, without_teams=2, numbers=50)


def small_tenant(clock: FakeClock, *, sizes: TenantSizes = SMALL, seed: int = 7) -> SimulatedTenant:
    return generate_tenant(sizes, seed=seed, clock=clock)


@contextlib.asynccontextmanager
async def graph_over_http(
    tenant: SimulatedTenant,
    clock: FakeClock,
    *,
    options: ServerOptions | None = None,
    tuning: GraphTuning = EXACT_TUNING,
    max_in_flight: int = 6,
) -> AsyncIterator[tuple[GraphPhoneSystem, RunningServer]]:
    """A GraphPhoneSystem talking HTTP to a stand-in on 127.0.0.1:0; both are closed on exit."""
    server = await start_graph_server(tenant, options=options)
    try:
        config = server.tenant_config("contoso", max_requests_in_flight=max_in_flight)
        async with phone_system_for(config, clock=clock, tuning=tuning) as phone:
            yield phone, server
    finally:
        await server.stop()
