"""The Graph client's HTTP slots over real HTTP: bulk work never takes the ones kept for clicks, and a
bulk operation's 429 reaches its tenant's gate."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from inventory.pacing.gate import OperationGate
from inventory.teams.auth import StaticTokenSource
from inventory.teams.http import GraphClient
from tests.support.clock import FakeClock
from tests.support.local_site import serve_locally
from tests.support.teams_fakes import EXACT_TUNING


class SlowGraph:
    """Answers /slow only when released (so requests stay on the wire), /fast at once, /busy 429 once."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.on_the_wire = 0
        self.busy_answered = False

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/v1.0/slow", self.slow)
        app.router.add_get("/v1.0/fast", self.fast)
        app.router.add_get("/v1.0/busy", self.busy)
        return app

    async def slow(self, _: web.Request) -> web.Response:
        self.on_the_wire += 1
        await self.release.wait()
        return web.json_response({})

    async def fast(self, _: web.Request) -> web.Response:
        return web.json_response({"fast": True})

    async def busy(self, _: web.Request) -> web.Response:
        if not self.busy_answered:
            self.busy_answered = True
            return web.json_response({"error": {"code": "TooManyRequests"}}, status=429, headers={"Retry-After": "2"})
        return web.json_response({})


@pytest.fixture
async def graph() -> AsyncIterator[tuple[SlowGraph, GraphClient]]:
    server = SlowGraph()
    runner, url = await serve_locally(server.app())
    client = GraphClient(
        tenant_name="contoso",
        base_url=f"{url}/v1.0",
        token_source=StaticTokenSource(),
        clock=FakeClock(),
        tuning=EXACT_TUNING,
        max_in_flight=3,
    )
    try:
        yield server, client
    finally:
        server.release.set()
        await client.aclose()
        await runner.cleanup()


async def test_a_click_is_answered_while_bulk_work_holds_every_slot_it_may_take(
    graph: tuple[SlowGraph, GraphClient], clock: FakeClock
) -> None:
    server, client = graph
    gate = OperationGate("contoso", clock)

    async def bulk_read() -> None:
        async with gate.bulk_slot():
            await client.get_json(client.url("slow"), what="poll an operation", permission="x")

    bulk = [asyncio.create_task(bulk_read()) for _ in range(4)]
    for _ in range(1000):  # until both bulk requests the slots allow are at the server
        if server.on_the_wire >= 2:
            break
        await asyncio.sleep(0.01)
    answer = await client.get_json(client.url("fast"), what="search accounts", permission="x")

    assert answer == {"fast": True}
    assert server.on_the_wire == 2  # of 3 slots, bulk may hold 2: the third is the operators'
    server.release.set()
    await asyncio.gather(*bulk)


async def test_a_429_answered_to_bulk_work_pauses_its_gate_for_the_retry_after(
    graph: tuple[SlowGraph, GraphClient], clock: FakeClock
) -> None:
    _, client = graph
    gate = OperationGate("contoso", clock)

    async with gate.bulk_slot():
        await client.get_json(client.url("busy"), what="assign a number", permission="x")
    async with gate.bulk_slot():
        pass

    assert clock.sleeps == [2.0]  # the next bulk operation waited out Teams' Retry-After
    assert gate.throttled == 1
    assert client.stats.throttled == 1
    assert gate.limit.throttles == 1
