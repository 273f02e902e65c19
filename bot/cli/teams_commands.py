"""Commands that talk to Teams: `tenants` (can we reach each one?) and `sync` (the drift check)."""

from __future__ import annotations

import argparse
import asyncio

from rich.console import Console
from rich.table import Table

from bot.cli.context import Commands, cli_context, command, tenant_command
from inventory.errors import ConfigurationError
from inventory.ports.phone_system import FetchProgress
from inventory.sync.changes import CATEGORIES
from inventory.teams.checks import check_tenant

DRIFT_EXIT_CODE = 3  # `sync` without --commit found drift: lets a scheduler alert on it


def add_commands(commands: Commands) -> None:
    command(commands, "tenants", run_tenants, "list configured tenants and check each can get a token and read numbers")
    sync = tenant_command(
        commands, "sync", run_sync, "compare the inventory with Teams; with --commit, apply the differences"
    )
    sync.add_argument("--commit", action="store_true", help="apply the changes (default: report only)")
    sync.add_argument("--only", nargs="+", choices=CATEGORIES, help="apply only these categories")


async def run_tenants(arguments: argparse.Namespace, console: Console) -> int:
    async with cli_context(arguments) as context:
        tenants = context.settings.tenants
        if not tenants:
            raise ConfigurationError("No tenants are configured; see the README (Running against a real tenant).")
        checks = await asyncio.gather(*(check_tenant(tenant) for tenant in tenants))
    table = Table(title="Tenants", title_justify="left")
    for column in ("Tenant", "Entra tenant id", "Token", "Numbers", "Time", "Problem"):
        table.add_column(column, overflow="fold")
    for tenant, check in zip(tenants, checks, strict=True):
        table.add_row(
            f"{tenant.name} ({tenant.display_name})",
            tenant.entra_tenant_id,
            "ok" if check.token_ok else "FAILED",
            "ok" if check.numbers_ok else ("-" if not check.token_ok else "FAILED"),
            f"{check.seconds:.1f} s",
            check.error or "",
        )
    console.print(table)
    return 0 if all(check.ok for check in checks) else 1


async def run_sync(arguments: argparse.Namespace, console: Console) -> int:
    async with cli_context(arguments) as context:
        config = context.settings.tenant(context.tenant)
        service = context.services.sync
        with console.status(f"Fetching from Teams ({config.display_name})...") as status:

            async def progress(update: FetchProgress) -> None:
                status.update(f"Fetching from Teams: {update.items:,} {update.what} in {update.pages} page(s)")

            preview = await service.start_sync(context.tenant, context.actor, progress)
        counts = preview.run.counts
        console.print(
            f"[{context.tenant}] to add {counts['add']:,}, to update {counts['update']:,}, "
            f"drift {counts['drift']:,}, unchanged {counts['unchanged']:,}",
            highlight=False,
            markup=False,
        )
        for category in CATEGORIES:
            for stored in preview.preview[category]:
                change = stored.change
                detail = change.note or "; ".join(f"{f}: {o or '-'} -> {n or '-'}" for f, o, n in change.fields)
                console.print(f"  {category:<6} {change.label}  {detail}", highlight=False, markup=False)
        if not arguments.commit:
            return DRIFT_EXIT_CODE if counts["drift"] else 0
        result = await service.commit_sync(preview.run.id, context.tenant, context.actor, arguments.only)
        applied = ", ".join(f"{k} {v:,}" for k, v in result.applied.items())
        console.print(f"[{context.tenant}] applied: {applied}", highlight=False, markup=False)
        for skipped in result.skipped:
            console.print(f"  skipped {skipped}", highlight=False, markup=False)
        return 0
