"""`switchboard capacity [POOL THRESHOLD|off]`: what the chat's `capacity` does, from a shell. Setting a
threshold checks the pools at once, so a pool already below it alerts the channel now."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.table import Table

from bot.cli.context import Commands, cli_context, tenant_command
from bot.flows.capacity_notes import check_capacity


def add_commands(commands: Commands) -> None:
    capacity = tenant_command(commands, "capacity", run_capacity, "free numbers per pool against its threshold")
    capacity.add_argument("pool", nargs="?", help="the pool whose threshold to set")
    capacity.add_argument("threshold", nargs="?", help="a count of free numbers (5), a share (10%%), or off")


async def run_capacity(arguments: argparse.Namespace, console: Console) -> int:
    if (arguments.pool is None) != (arguments.threshold is None):
        console.print("Give a pool and a threshold (capacity Sales 5), or neither to see them all.")
        return 2
    async with cli_context(arguments) as context:
        capacity = context.services.capacity
        if arguments.pool is not None:
            if arguments.threshold.lower() == "off":
                name = await capacity.remove_threshold(context.tenant, arguments.pool, context.actor)
                console.print(f"Pool {name} has no threshold now.", highlight=False, markup=False)
            else:
                threshold = await capacity.set_threshold(
                    context.tenant, arguments.pool, arguments.threshold, context.actor
                )
                console.print(
                    f"Pool {threshold.pool} alerts when it has fewer than {threshold.label}.",
                    highlight=False,
                    markup=False,
                )
            await check_capacity(context.services, context.tenant)
        pools = await capacity.overview(context.tenant)
    table = Table(title=f"{context.tenant}: {len(pools)} pool(s) with a threshold", title_justify="left")
    for column in ("Pool", "Free", "Total", "Threshold", "State"):
        table.add_column(column, justify="left" if column in ("Pool", "Threshold", "State") else "right")
    for pool in pools:
        state = "LOW" if pool.low else "ok"
        table.add_row(pool.threshold.pool, f"{pool.free:,}", f"{pool.total:,}", pool.threshold.label, state)
    console.print(table)
    return 0
