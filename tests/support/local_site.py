"""Serving a test's aiohttp app on 127.0.0.1 at a free port: the stand-ins the tests talk to over HTTP."""

from __future__ import annotations

from typing import Any

from aiohttp import web


async def serve_locally(app: web.Application, **runner_options: Any) -> tuple[web.AppRunner, str]:
    """Start `app` on loopback; returns its runner (call `cleanup()` to stop it) and its base URL."""
    runner = web.AppRunner(app, access_log=None, **runner_options)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"
