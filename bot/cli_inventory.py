"""Inventory commands: import, import-range, numbers, export, history, and local lifecycle changes."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from inventory.config import Settings, load_settings
from inventory.e164 import parse_range
from inventory.errors import ConfigurationError, SwitchboardError
from inventory.model import Actor, NumberStatus, NumberType
from inventory.ports.clock import SystemClock
from inventory.services import lifecycle
from inventory.services.exports import export_csv
from inventory.services.imports import ImportProgress, import_csv, import_range
from inventory.store.audit import AuditLog
from inventory.store.engine import Store, create_engine
from inventory.store.migrate import upgrade
from inventory.store.search import NumberQuery, count_numbers, search_numbers

Handler = Callable[[argparse.Namespace, Console], Awaitable[int]]
PROGRESS_THRESHOLD = 10_000


@dataclass(frozen=True)
class CliContext:
    settings: Settings
    store: Store
    tenant: str
    actor: Actor


def cli_actor() -> Actor:
    """Who runs the CLI: `SWITCHBOARD_OPERATOR` (an e-mail, say) or the login name."""
    login = getpass.getuser()
    return Actor(f"cli:{login}", os.environ.get("SWITCHBOARD_OPERATOR", login))


def resolve_tenant(settings: Settings, given: str | None) -> str:
    name = (given or os.environ.get("SWITCHBOARD_TENANT") or "").strip().lower()
    if name:
        if settings.tenants:
            settings.tenant(name)  # raises with the known names when it is not configured
        return name
    if len(settings.tenants) == 1:
        return settings.tenants[0].name
    if settings.tenants:
        names = ", ".join(t.name for t in settings.tenants)
        raise ConfigurationError(f"Several tenants are configured ({names}); choose one with --tenant.")
    return "default"


@asynccontextmanager
async def cli_context(arguments: argparse.Namespace) -> AsyncIterator[CliContext]:
    settings = load_settings(os.environ, arguments.config)
    store = Store(create_engine(settings.database_url))
    try:
        await upgrade(store.engine)
        tenant = resolve_tenant(settings, getattr(arguments, "tenant", None))
        yield CliContext(settings, store, tenant, cli_actor())
    finally:
        await store.close()


async def db_upgrade(arguments: argparse.Namespace, console: Console) -> int:
    settings = load_settings(os.environ, arguments.config)
    store = Store(create_engine(settings.database_url))
    try:
        revision = await upgrade(store.engine)
    finally:
        await store.close()
    console.print(f"Database schema is at revision {revision}.")
    return 0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    def command(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help_text, description=help_text)
        parser.add_argument("--tenant", help="customer tenant (default: $SWITCHBOARD_TENANT or the only one)")
        parser.set_defaults(handler=handler)
        return parser

    imported = command("import", run_import, "import numbers from a CSV file (all rows or none)")
    imported.add_argument("file", type=Path, help="CSV with a 'number' column; '-' reads standard input")
    imported.add_argument("--skip-invalid", action="store_true", help="import the valid rows, list the others")
    imported.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    imported.add_argument("--region", help="country for numbers written without a country code, e.g. US")

    ranged = command("import-range", run_import_range, "add a carrier range such as +15551230000-+15551230999")
    ranged.add_argument("range", help="START-END, inclusive, at most 100,000 numbers")
    ranged.add_argument("--location")
    ranged.add_argument("--carrier")
    ranged.add_argument("--pool")
    ranged.add_argument("--range-label", help="label for the range (default: START-END)")
    ranged.add_argument("--type", default=None, help="directRouting (default), callingPlan or operatorConnect")

    listed = command("numbers", run_numbers, "list numbers as a table, with filters")
    listed.add_argument("search", nargs="?", help="digits (+1425 starts with, 555 anywhere, * ? wildcards) or text")
    listed.add_argument("--status", action="append", choices=[s.value for s in NumberStatus])
    listed.add_argument("--type", dest="number_type")
    listed.add_argument("--location")
    listed.add_argument("--pool")
    listed.add_argument("--range", dest="range_label")
    listed.add_argument("--carrier")
    listed.add_argument("--assignee", help="holder name or UPN (part of it)")
    listed.add_argument("--tag")
    listed.add_argument("--limit", type=int, default=50)
    listed.add_argument("--after", help="cursor printed at the end of the previous page")

    exported = command("export", run_export, "write the tenant's inventory as CSV (re-importable)")
    exported.add_argument("file", help="path, or '-' for standard output")

    history = command("history", run_history, "audit trail of a number or a user, newest first")
    history.add_argument("subject", help="a number, or a user's UPN or Entra object id")
    history.add_argument("--limit", type=int, default=30)

    reserve = command("reserve", run_reserve, "reserve an available number")
    reserve.add_argument("number")
    reserve.add_argument("--note", default="")
    reserve.add_argument("--minutes", type=int, default=None, help="expire after this long (default: never)")
    for name, help_text in (
        ("cancel-reservation", "return a reserved number to the pool"),
        ("block", "block a number that is not in use"),
        ("unblock", "return a blocked number to the pool"),
        ("end-quarantine", "return a quarantined number to the pool before its days are over"),
    ):
        parser = command(name, run_lifecycle, help_text)
        parser.add_argument("number")
        if name == "block":
            parser.add_argument("--reason")


def _progress(console: Console, total: int) -> tuple[Progress | None, ImportProgress | None]:
    if total <= PROGRESS_THRESHOLD:
        return None, None
    bar = Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console)
    task = bar.add_task("import", total=total)

    async def advance(done: int, of: int) -> None:
        bar.update(task, completed=done, total=of)

    return bar, advance


async def run_import(arguments: argparse.Namespace, console: Console) -> int:
    content = sys.stdin.buffer.read() if str(arguments.file) == "-" else _read(arguments.file)
    lines = content.count(b"\n")
    async with cli_context(arguments) as context:
        tenant_config = context.settings.tenant(context.tenant) if context.settings.tenants else None
        bar, progress = _progress(console, lines)
        with bar or _nothing():
            report = await import_csv(
                context.store,
                context.tenant,
                content,
                actor=context.actor,
                clock=SystemClock(),
                default_number_type=tenant_config.default_number_type if tenant_config else NumberType.DIRECT_ROUTING,
                default_region=arguments.region or (tenant_config.default_region if tenant_config else None),
                skip_invalid=arguments.skip_invalid,
                dry_run=arguments.dry_run,
                progress=progress,
            )
    console.print(f"[{context.tenant}] {report.summary()}", highlight=False, markup=False)
    for problem in report.skipped:
        console.print(f"  skipped {problem}", highlight=False, markup=False)
    return 0


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise SwitchboardError(f"Cannot read {path}: {error.strerror}.") from None


class _nothing:  # noqa: N801 - a stand-in context manager when no progress bar is shown
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_: object) -> None:
        return None


async def run_import_range(arguments: argparse.Namespace, console: Console) -> int:
    number_range = parse_range(arguments.range)
    async with cli_context(arguments) as context:
        tenant_config = context.settings.tenant(context.tenant) if context.settings.tenants else None
        number_type = (
            NumberType.parse(arguments.type)
            if arguments.type
            else (tenant_config.default_number_type if tenant_config else NumberType.DIRECT_ROUTING)
        )
        bar, progress = _progress(console, number_range.size)
        with bar or _nothing():
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
    console.print(f"[{context.tenant}] {number_range.label}: {report.summary()}", highlight=False, markup=False)
    return 0


def query_from(arguments: argparse.Namespace, tenant: str) -> NumberQuery:
    return NumberQuery(
        tenant=tenant,
        text=arguments.search,
        statuses=tuple(NumberStatus(s) for s in arguments.status or ()),
        number_type=NumberType.parse(arguments.number_type) if arguments.number_type else None,
        location=arguments.location,
        pool=arguments.pool,
        range_label=arguments.range_label,
        carrier=arguments.carrier,
        assignee=arguments.assignee,
        tag=arguments.tag,
    )


async def run_numbers(arguments: argparse.Namespace, console: Console) -> int:
    async with cli_context(arguments) as context:
        query = query_from(arguments, context.tenant)
        async with context.store.read() as connection:
            page = await search_numbers(
                connection, query, limit=max(1, min(arguments.limit, 1000)), after=arguments.after
            )
            total = await count_numbers(connection, query)
    table = Table(title=f"{context.tenant}: {total:,} number(s)", title_justify="left")
    for column in ("Number", "Status"):
        table.add_column(column, no_wrap=True)
    for column in ("Type", "Holder", "Policy", "Location", "Range", "Carrier", "Pool"):
        table.add_column(column, overflow="fold")
    for number in page.items:
        holder = number.assignee.label if number.assignee else (number.hold.owner if number.hold else "")
        table.add_row(
            number.label,
            number.status.value,
            number.number_type.value,
            holder,
            number.voice_routing_policy or "",
            number.location or "",
            number.range_label or "",
            number.carrier or "",
            number.pool or "",
        )
    console.print(table)
    if page.next_cursor:
        console.print(f"More: switchboard numbers ... --after {page.next_cursor}", highlight=False, markup=False)
    return 0


async def run_export(arguments: argparse.Namespace, console: Console) -> int:
    async with cli_context(arguments) as context:
        if arguments.file == "-":
            count = await export_csv(context.store, context.tenant, sys.stdout)
        else:
            # A local file on the operator's machine: blocking writes are fine in a one-shot CLI.
            with open(arguments.file, "w", encoding="utf-8", newline="") as out:  # noqa: ASYNC230
                count = await export_csv(context.store, context.tenant, out)
            console.print(
                f"[{context.tenant}] Exported {count:,} numbers to {arguments.file}.", highlight=False, markup=False
            )
    return 0


async def run_history(arguments: argparse.Namespace, console: Console) -> int:
    from inventory.e164 import parse_number

    async with cli_context(arguments) as context, context.store.read() as connection:
        audit = AuditLog(connection)
        try:
            number = parse_number(arguments.subject).number
            events = await audit.history(context.tenant, number=number, limit=arguments.limit)
        except SwitchboardError:
            events = await audit.history(context.tenant, holder=arguments.subject, limit=arguments.limit)
    table = Table(title=f"History of {arguments.subject}", title_justify="left")
    for column in ("When (UTC)", "Action", "Number", "Who", "Change"):
        table.add_column(column, overflow="fold")
    for event in events:
        before, after = event.before or {}, event.after or {}
        changes = [
            f"{key}: {before.get(key, '-')} -> {after.get(key, '-')}"
            for key in ("status", "assignee_name", "voice_routing_policy", "location", "pool")
            if before.get(key) != after.get(key)
        ]
        table.add_row(
            f"{event.at:%Y-%m-%d %H:%M}",
            event.action,
            event.number or "",
            event.operator_name,
            "; ".join(changes) or (event.detail or ""),
        )
    console.print(table)
    return 0


async def run_reserve(arguments: argparse.Namespace, console: Console) -> int:
    async with cli_context(arguments) as context:
        number = await lifecycle.reserve_number(
            context.store,
            context.tenant,
            arguments.number,
            owner=context.actor.name,
            note=arguments.note,
            minutes=arguments.minutes,
            actor=context.actor,
            clock=SystemClock(),
        )
    console.print(f"{number.label} is reserved for {context.actor.name}.", highlight=False, markup=False)
    return 0


async def run_lifecycle(arguments: argparse.Namespace, console: Console) -> int:
    async with cli_context(arguments) as context:
        store, tenant, number_text, actor, clock = (
            context.store,
            context.tenant,
            arguments.number,
            context.actor,
            SystemClock(),
        )
        if arguments.command == "block":
            number = await lifecycle.block_number(
                store, tenant, number_text, reason=arguments.reason, actor=actor, clock=clock
            )
        elif arguments.command == "unblock":
            number = await lifecycle.unblock_number(store, tenant, number_text, actor=actor, clock=clock)
        elif arguments.command == "end-quarantine":
            number = await lifecycle.end_quarantine_early(store, tenant, number_text, actor=actor, clock=clock)
        else:
            number = await lifecycle.cancel_reservation(store, tenant, number_text, actor=actor, clock=clock)
    console.print(f"{number.label} is now {number.status.value}.", highlight=False, markup=False)
    return 0
