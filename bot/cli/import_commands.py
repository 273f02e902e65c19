"""`switchboard import`, `import-range` and `export`: getting numbers into the inventory and out again."""

from __future__ import annotations

import argparse
import contextlib
import sys
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot.cli.context import CliContext, Commands, cli_context, tenant_command
from bot.cli.json_output import add_json_flag, export_json
from bot.flows.capacity_notes import check_capacity
from inventory.e164 import parse_range
from inventory.errors import SwitchboardError
from inventory.model import NumberType
from inventory.ports.clock import SystemClock
from inventory.services.exports import export_csv
from inventory.services.imports import ImportProgress, import_csv, import_range

PROGRESS_THRESHOLD = 10_000  # a bar only for imports long enough to wait for


def add_commands(commands: Commands) -> None:
    imported = tenant_command(commands, "import", run_import, "import numbers from a CSV file (all rows or none)")
    imported.add_argument("file", type=Path, help="CSV with a 'number' column; '-' reads standard input")
    imported.add_argument("--skip-invalid", action="store_true", help="import the valid rows, list the others")
    imported.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    imported.add_argument("--region", help="country for numbers written without a country code, e.g. US")

    ranged = tenant_command(
        commands, "import-range", run_import_range, "add a carrier range such as +15551230000-+15551230999"
    )
    ranged.add_argument("range", help="START-END, inclusive, at most 100,000 numbers")
    ranged.add_argument("--location")
    ranged.add_argument("--carrier")
    ranged.add_argument("--pool")
    ranged.add_argument("--range-label", help="label for the range (default: START-END)")
    ranged.add_argument("--type", default=None, help="directRouting (default), callingPlan or operatorConnect")

    exported = tenant_command(commands, "export", run_export, "write the tenant's inventory as CSV (re-importable)")
    exported.add_argument("file", help="path, or '-' for standard output")
    add_json_flag(exported)


def _progress(console: Console, total: int) -> tuple[contextlib.AbstractContextManager[object], ImportProgress | None]:
    if total <= PROGRESS_THRESHOLD:
        return contextlib.nullcontext(), None
    bar = Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console)
    task = bar.add_task("import", total=total)

    async def advance(done: int, of: int) -> None:
        bar.update(task, completed=done, total=of)

    return bar, advance


def _default_type(context: CliContext) -> NumberType:
    return (
        context.settings.tenant(context.tenant).default_number_type
        if context.settings.tenants
        else NumberType.DIRECT_ROUTING
    )


async def run_import(arguments: argparse.Namespace, console: Console) -> int:
    content = sys.stdin.buffer.read() if str(arguments.file) == "-" else _read(arguments.file)
    async with cli_context(arguments) as context:
        configured = context.settings.tenant(context.tenant) if context.settings.tenants else None
        bar, progress = _progress(console, content.count(b"\n"))
        with bar:
            report = await import_csv(
                context.store,
                context.tenant,
                content,
                actor=context.actor,
                clock=SystemClock(),
                default_number_type=_default_type(context),
                default_region=arguments.region or (configured.default_region if configured else None),
                skip_invalid=arguments.skip_invalid,
                dry_run=arguments.dry_run,
                progress=progress,
                reservation_length=timedelta(days=context.settings.reservation_days),
            )
        if not arguments.dry_run:  # the channel hears of a pool the file filled or emptied now, not next minute
            await check_capacity(context.services, context.tenant)
    console.print(f"[{context.tenant}] {report.summary()}", highlight=False, markup=False)
    for problem in report.skipped:
        console.print(f"  skipped {problem}", highlight=False, markup=False)
    return 0


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise SwitchboardError(f"Cannot read {path}: {error.strerror}.") from None


async def run_import_range(arguments: argparse.Namespace, console: Console) -> int:
    number_range = parse_range(arguments.range)
    async with cli_context(arguments) as context:
        number_type = NumberType.parse(arguments.type) if arguments.type else _default_type(context)
        bar, progress = _progress(console, number_range.size)
        with bar:
            report = await import_range(
                context.store,
                context.tenant,
                number_range,
                actor=context.actor,
                clock=SystemClock(),
                number_type=number_type,
                location=arguments.location,
                carrier=arguments.carrier,
                pool=arguments.pool,
                range_label=arguments.range_label,
                progress=progress,
            )
        await check_capacity(context.services, context.tenant, [arguments.pool])  # new free numbers: recovered?
    console.print(f"[{context.tenant}] {number_range.label}: {report.summary()}", highlight=False, markup=False)
    return 0


async def run_export(arguments: argparse.Namespace, console: Console) -> int:
    async with cli_context(arguments) as context:

        async def export(out: TextIO) -> int:
            if arguments.json:  # the records `numbers --json` prints, every one of them
                return await export_json(context.services.views, context.tenant, out)
            return await export_csv(context.store, context.tenant, out)

        if arguments.file == "-":
            count = await export(sys.stdout)
        else:
            # A local file on the operator's machine: blocking writes are fine in a one-shot CLI.
            with open(arguments.file, "w", encoding="utf-8", newline="") as out:  # noqa: ASYNC230
                count = await export(out)
            console.print(
                f"[{context.tenant}] Exported {count:,} numbers to {arguments.file}.", highlight=False, markup=False
            )
    return 0
