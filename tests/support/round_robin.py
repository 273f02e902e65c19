"""A small round-robin HTTP proxy: each request goes to the next backend in turn, as a load balancer
without session affinity would send them. It records which backend answered which request."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from tests.support.local_site import serve_locally

_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length", "host"})


@dataclass
class RoundRobinProxy:
    backends: list[str]  # base URLs: http://127.0.0.1:PORT
    served: list[tuple[str, str]] = field(default_factory=list)  # (backend, path) in the order forwarded
    url: str = ""
    _turn: itertools.cycle[str] | None = None
    _runner: web.AppRunner | None = None
    _http: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._turn = itertools.cycle(self.backends)
        # Enough connections for a thousand requests at once; no total timeout beyond the test's own.
        self._http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200))
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._runner, self.url = await serve_locally(app)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.close()

    def served_by(self, backend: str) -> int:
        return sum(1 for served, _ in self.served if served == backend)

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._turn is not None
        assert self._http is not None
        backend = next(self._turn)
        self.served.append((backend, request.path))
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        body = await request.read()
        async with self._http.request(
            request.method, f"{backend}{request.path_qs}", headers=headers, data=body
        ) as answer:
            payload = await answer.read()
            passed = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP_BY_HOP}
            return web.Response(status=answer.status, body=payload, headers=passed)
