"""`switchboard demo`: Switchboard on SQLite with a simulated tenant, in the Microsoft 365 Agents Playground.

What `make run` starts. Ctrl-C (or SIGTERM) stops the Playground, the bot and the Graph stand-in and keeps
their state under the demo directory for the next run.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
from pathlib import Path

from rich.console import Console

from bot.cli.context import Commands, command
from bot.demo.locations import DEFAULT_DIR, DemoPaths, DemoPorts
from bot.demo.playground_config import PlaygroundError
from bot.demo.stack import RunningDemo, logging_to, start_demo
from bot.demo.tenant import FIRST_USER, HOLDER, TENANT_NAME, DemoSizes, new_range


def add_commands(commands: Commands) -> None:
    demo = command(
        commands,
        "demo",
        run_demo,
        "try Switchboard locally: a simulated tenant, the bot, and the Agents Playground to chat in",
    )
    demo.add_argument(
        "--dir", type=Path, default=DEFAULT_DIR, help=f"where the demo keeps its state (default {DEFAULT_DIR})"
    )
    demo.add_argument("--reset", action="store_true", help="forget the simulated tenant and the database first")
    demo.add_argument("--max-seconds", type=float, default=None, help="stop by itself after this long")


async def run_demo(arguments: argparse.Namespace, console: Console) -> int:
    paths = DemoPaths(arguments.dir)
    if arguments.reset:
        paths.reset()
    ports = DemoPorts.from_env(os.environ)
    with logging_to(paths.bot_log):
        _quiet_console(verbose=arguments.verbose)
        first = not paths.tenant_file.exists()
        console.print(
            "Seeding a simulated tenant and starting Switchboard..." if first else "Starting Switchboard...",
            highlight=False,
        )
        try:
            demo = await start_demo(paths, ports=ports)
        except PlaygroundError as error:
            console.print(str(error), style="red", highlight=False, markup=False)
            return 1
        try:
            _banner(console, demo, ports)
            await _until_stopped(arguments.max_seconds)
            console.print("Stopping...", highlight=False)
        finally:
            await demo.stop()
    console.print(f"Stopped. State kept in {paths.root}/ (switchboard demo --reset starts afresh).", highlight=False)
    return 0


def _banner(console: Console, demo: RunningDemo, asked: DemoPorts) -> None:
    for name, wanted, got in (
        ("bot", asked.bot, demo.bot_port),
        ("Playground", asked.playground, demo.playground.port),
    ):
        if wanted and wanted != got:
            console.print(f"[yellow]Note: the {name} port {wanted} is busy; using {got}.[/yellow]", highlight=False)
    seeded, teams = new_range(DemoSizes()), demo.teams
    operator = demo.settings.operators[0].name
    console.print(
        f"""
[bold]Switchboard is running.[/bold] Open the Microsoft 365 Agents Playground in your browser:

    [bold cyan]{demo.playground_url}[/bold cyan]

You are {operator}, a Switchboard admin of the simulated tenant '{TENANT_NAME}': {len(teams.accounts())} accounts
and {len(teams.all_numbers())} numbers in Teams; the inventory also has a new carrier range that Teams does
not know yet ({seeded.numbers.label}). In the personal chat, type:

    [bold]assign {FIRST_USER.given_name.lower()}[/bold]     sync, commit, pick a number, choose a policy, confirm
    [bold]numbers[/bold]          browse the inventory
    [bold]remove {HOLDER.given_name.lower()}[/bold]     take {HOLDER.name}'s number back (after the first sync)
    [bold]help[/bold]             everything else

  bot         {demo.bot_endpoint}
  Graph       {demo.graph.graph_base_url} (the simulated tenant; state in {demo.paths.tenant_file})
  database    {demo.paths.database}
  logs        {demo.paths.bot_log}, {demo.paths.playground_dir}/

Press Ctrl-C to stop; the next run picks up where this one left off.""",
        highlight=False,
        soft_wrap=True,  # long paths stay on one line, so they can be copied
    )


async def _until_stopped(max_seconds: float | None) -> None:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for signum in signals:
        loop.add_signal_handler(signum, stopping.set)
    try:
        await asyncio.wait_for(stopping.wait(), timeout=max_seconds)
    except TimeoutError:
        pass
    finally:
        for signum in signals:
            loop.remove_signal_handler(signum)


def _quiet_console(*, verbose: bool) -> None:
    """The log file gets everything; the terminal only warnings, without botbuilder's schema chatter."""
    if verbose:
        return
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
            handler.setLevel(logging.WARNING)
            handler.addFilter(lambda record: not record.name.startswith("msrest"))
