"""`switchboard serve`: run the bot (POST /api/messages, GET /healthz, /readyz, /metrics) until stopped.

The schema is upgraded before the port opens (under PostgreSQL's advisory lock, so replicas starting
together take turns), and the listening line names the port really bound (`--port 0` picks a free one).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import signal

from aiohttp import web
from rich.console import Console

from bot.app import create_app
from bot.bot_identity import check_development_host
from bot.cli.context import Commands, command
from bot.http_server import bot_runner
from inventory.config import load_settings


def add_commands(commands: Commands) -> None:
    serve = command(commands, "serve", run_serve, "run the Teams bot (POST /api/messages, GET /healthz)")
    serve.add_argument("--host", help="address to bind (default: $SWITCHBOARD_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: $PORT or 3978; 0 picks a free one)")
    serve.add_argument("--max-seconds", type=float, help="stop by itself after this long (tests, smoke checks)")
    serve.add_argument(
        "--insecure-development",
        action="store_true",
        help="no bot credentials and no token checks, loopback only (also $SWITCHBOARD_INSECURE_DEVELOPMENT=1)",
    )


async def run_serve(arguments: argparse.Namespace, console: Console) -> int:
    settings = load_settings(os.environ, arguments.config)
    if arguments.insecure_development:
        settings = dataclasses.replace(settings, insecure_development=True)
    host = arguments.host or settings.host
    port = settings.port if arguments.port is None else arguments.port
    check_development_host(settings, host)
    runner = bot_runner(create_app(settings))
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    port = runner.addresses[0][1]
    if settings.insecure_development:
        console.print(
            "[bold yellow]Insecure development mode:[/bold yellow] no token is checked; "
            "anyone who reaches this port is trusted. Loopback only; never deploy like this."
        )
    # One line, never wrapped: scripts and tests find the address (and the port 0 chose) in it.
    console.print(f"Switchboard is listening on http://{host}:{port}/api/messages (Ctrl-C stops it).", soft_wrap=True)
    stop = asyncio.Event()
    # A container or service manager stops us with SIGTERM: finish like Ctrl-C, letting follow-ups end.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), timeout=arguments.max_seconds)
    except TimeoutError:
        console.print(f"Stopping after --max-seconds {arguments.max_seconds:g}.")
    finally:
        await runner.cleanup()
    console.print("Stopped.")
    return 0
