"""Commands that talk to Teams: `tenants` (can we reach each one?) and `sync` (the drift check)."""

from __future__ import annotations

import argparse
import asyncio

from rich import box
from rich.console import Console
from rich.table import Table

from bot.cli.context import Commands, cli_context, command, tenant_command
from bot.cli.json_output import add_json_flag, change_json, emit
from bot.flows.capacity_notes import check_capacity
from inventory.errors import ConfigurationError
from inventory.ports.phone_system import FetchProgress
from inventory.sync.changes import CATEGORIES
from inventory.teams.checks import check_tenant

DRIFT_EXIT_CODE = 3  # `sync` without --commit found drift: lets a scheduler alert on it


def add_commands(commands: Commands) -> None:
    tenants = command(
        commands, "tenants", run_tenants, "list configured tenants and check each can get a token and read numbers"
    )
    add_json_flag(tenants)
    sync = tenant_command(
        commands, "sync", run_sync, "compare the inventory with Teams; with --commit, apply the differences"
    )
    sync.add_argument("--commit", action="store_true", help="apply the changes (default: report only)")
    sync.add_argument("--only", nargs="+", choices=CATEGORIES, help="apply only these categories")
    add_json_flag(sync)


async def run_tenants(arguments: argparse.Namespace, console: Console) -> int:
    async with cli_context(arguments) as context:
        tenants = context.settings.tenants
        if not tenants:
            raise ConfigurationError("No tenants are configured; see the README (Running against a real tenant).")
        checks = await asyncio.gather(*(check_tenant(tenant) for tenant in tenants))
    if arguments.json:
        found = [
            {
                "tenant": tenant.name,
                "display_name": tenant.display_name,
                "entra_tenant_id": tenant.entra_tenant_id,
                "token_ok": check.token_ok,
                "numbers_ok": check.numbers_ok,
                "numbers_on_first_page": check.numbers_on_first_page,
                "seconds": round(check.seconds, 3),
                "problem": check.error,
            }
            for tenant, check in zip(tenants, checks, strict=True)
        ]
        emit(console, {"tenants": found})
        return 0 if all(check.ok for check in checks) else 1
    # The Entra tenant id (a 36-character GUID) is left to --json: with it the problem has no room in 80 columns.
    table = Table(title="Tenants", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("Tenant", overflow="fold")
    for column in ("Token", "Numbers", "Time"):
        table.add_column(column, no_wrap=True)
    table.add_column("Problem", overflow="fold")
    for tenant, check in zip(tenants, checks, strict=True):
        table.add_row(
            f"{tenant.name} ({tenant.display_name})" if tenant.display_name != tenant.name else tenant.name,
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
        if arguments.json:  # no spinner: standard output carries the document alone
            preview = await service.start_sync(context.tenant, context.actor)
        else:
            with console.status(f"Fetching from Teams ({config.display_name})...") as status:

                async def progress(update: FetchProgress) -> None:
                    status.update(f"Fetching from Teams: {update.items:,} {update.what} in {update.pages} page(s)")

                preview = await service.start_sync(context.tenant, context.actor, progress)
        counts = preview.run.counts
        result = None
        if arguments.commit:
            result = await service.commit_sync(preview.run.id, context.tenant, context.actor, arguments.only)
            if not result.already_committed and result.total_applied:
                await check_capacity(context.services, context.tenant)  # the channel hears now, not in a minute
    drift_code = DRIFT_EXIT_CODE if counts["drift"] and not arguments.commit else 0
    if arguments.json:
        emit(
            console,
            {
                "tenant": context.tenant,
                "run_id": preview.run.id,
                "counts": counts,
                # The first changes of each category, as the text output and the review card show them.
                "changes": [change_json(s.change) for category in CATEGORIES for s in preview.preview[category]],
                "committed": result is not None,
                "applied": result.applied if result else None,
                "skipped": result.skipped if result else [],
            },
        )
        return drift_code
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
    if result is not None:
        applied = ", ".join(f"{k} {v:,}" for k, v in result.applied.items())
        console.print(f"[{context.tenant}] applied: {applied}", highlight=False, markup=False)
        for skipped in result.skipped:
            console.print(f"  skipped {skipped}", highlight=False, markup=False)
    return drift_code
