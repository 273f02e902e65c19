"""`switchboard reserve`, `reservations`, `extend-reservation`, `pools` and `set-pool`: what the chat's
`reserve`, `reservations` and `pools` do, from a shell (the same service calls, audited the same way)."""

from __future__ import annotations

import argparse
from datetime import timedelta

from rich import box
from rich.console import Console
from rich.table import Table

from bot.cli.context import CliContext, Commands, cli_context, tenant_command
from bot.flows.capacity_notes import check_capacity
from bot.lifecycle_words import parse_date, parse_duration
from inventory.audit import new_correlation_id
from inventory.e164 import parse_number
from inventory.errors import NotFound, SwitchboardError
from inventory.model import NumberStatus, PhoneNumber
from inventory.number_query import NumberQuery
from inventory.ports.clock import SystemClock
from inventory.services.pools import pool_counts, set_pool
from inventory.services.reservations import ReservationRequest


def add_commands(commands: Commands) -> None:
    reserve = tenant_command(commands, "reserve", run_reserve, "reserve a number, or the next COUNT free ones")
    reserve.add_argument("subject", metavar="NUMBER|COUNT")
    reserve.add_argument("--pool", help="take the free numbers of this pool")
    reserve.add_argument("--for", dest="person", help="the person it is for (UPN or name, looked up in Teams)")
    reserve.add_argument("--until", help="end: 2026-12-31 or '2026-12-31 17:00' (UTC)")
    reserve.add_argument("--for-time", dest="duration", help="length instead of an end: 2w, 10d, 48h, 3m")
    reserve.add_argument("--minutes", type=int, default=None, help="length in minutes")
    reserve.add_argument("--ticket", help="a ticket or change reference")
    reserve.add_argument("--note", default="", help="the purpose")

    listed = tenant_command(commands, "reservations", run_reservations, "list reservations, with their ends")
    listed.add_argument("--mine", action="store_true", help="only the ones you made")
    listed.add_argument("--pool")
    listed.add_argument("--limit", type=int, default=100)

    tenant_command(commands, "pools", run_pools, "each pool's numbers by status")
    pool = tenant_command(commands, "set-pool", run_set_pool, "put the numbers a filter picks out into a pool")
    pool.add_argument("pool", help="the pool's name")
    pool.add_argument("--range", dest="range_label", help="numbers of this range label")
    pool.add_argument("--location")
    pool.add_argument("--carrier")
    pool.add_argument("--tag")
    pool.add_argument("--digits", help="numbers starting with (+1425) or matching (*0000) these digits")

    # Releasing is `cancel-reservation` (number_commands), which the CLI has had from the start.
    extend = tenant_command(
        commands, "extend-reservation", run_extend, "move a reservation's end on by reservation_days"
    )
    extend.add_argument("number")


def _length(arguments: argparse.Namespace) -> timedelta | None:
    if arguments.minutes:
        return timedelta(minutes=arguments.minutes)
    if arguments.duration:
        length = parse_duration(arguments.duration)
        if length is None:
            raise SwitchboardError(f"'{arguments.duration}' is not a length; write 2w, 10d, 48h or 3m.")
        return length
    return None


async def run_reserve(arguments: argparse.Namespace, console: Console) -> int:
    count = int(arguments.subject) if arguments.subject.isdigit() and len(arguments.subject) <= 4 else None
    async with cli_context(arguments) as context:
        person = await _person(context, arguments.person) if arguments.person else None
        request = ReservationRequest(
            tenant=context.tenant,
            number=None if count else arguments.subject,
            count=count,
            pool=arguments.pool,
            for_id=person[0] if person else None,
            for_name=person[1] if person else None,
            until=parse_date(arguments.until) if arguments.until else None,
            duration=_length(arguments),
            purpose=arguments.note,
            ticket=arguments.ticket,
        )
        taken = await context.services.reservations.reserve(request, context.actor, correlation_id=new_correlation_id())
        await check_capacity(context.services, context.tenant, {number.pool for number in taken})
    for number in taken:
        console.print(f"{number.label} is reserved {_details(number)}.", highlight=False, markup=False)
    return 0


async def _person(context: CliContext, who: str) -> tuple[str, str]:
    accounts = await context.services.views.find_accounts(context.tenant, who, limit=6)
    exact = [a for a in accounts if who.lower() in (a.label.lower(), (a.upn or "").lower())]
    chosen = exact if len(exact) == 1 else accounts
    if len(chosen) != 1:
        found = ", ".join(a.label for a in accounts[:5]) or "nobody"
        raise NotFound(f"'{who}' should name one person in Teams; it matches {found}.")
    return chosen[0].id, chosen[0].label


def _details(number: PhoneNumber) -> str:
    hold = number.hold
    if hold is None:
        return ""
    parts = [f"by {hold.owner_label}"]
    if hold.for_name:
        parts.insert(0, f"for {hold.for_name}")
    parts.append(f"until {hold.expires_at:%Y-%m-%d %H:%M} UTC" if hold.expires_at else "with no end")
    if hold.ticket:
        parts.append(f"(ticket {hold.ticket})")
    return " ".join(parts)


async def run_reservations(arguments: argparse.Namespace, console: Console) -> int:
    async with cli_context(arguments) as context:
        found = await context.services.reservations.listing(
            context.tenant,
            owner=context.actor.id if arguments.mine else None,
            pool=arguments.pool,
            limit=max(1, min(arguments.limit, 1000)),
        )
    # Light borders: the seven columns keep room for the purpose within 80 columns.
    table = Table(
        title=f"{context.tenant}: {found.total:,} reservation(s)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for column in ("Number", "Until (UTC)"):
        table.add_column(column, no_wrap=True)
    for column in ("Owner", "For"):
        table.add_column(column, overflow="fold")
    # The ticket goes on its own line under the purpose: one column fewer keeps the table within 80.
    table.add_column("Purpose", overflow="fold", min_width=12)
    table.add_column("Pool", overflow="fold")
    for number in found.items:
        hold = number.hold
        assert hold is not None
        until = f"{hold.expires_at:%Y-%m-%d %H:%M}" if hold.expires_at else "-"
        purpose = "\n".join(part for part in (hold.note, hold.ticket) if part)
        table.add_row(number.label, until, hold.owner_label, hold.for_name or "", purpose, number.pool or "")
    console.print(table)
    return 0


async def run_extend(arguments: argparse.Namespace, console: Console) -> int:
    async with cli_context(arguments) as context:
        parsed = parse_number(arguments.number)
        found = await context.services.views.number(context.tenant, parsed.number, parsed.extension)
        if found is None or found.id is None:
            raise NotFound(f"{parsed.label} is not in the {context.tenant} inventory.")
        number = await context.services.reservations.extend(
            context.tenant, found.id, context.actor, correlation_id=new_correlation_id()
        )
    console.print(f"{number.label} is reserved {_details(number)}.", highlight=False, markup=False)
    return 0


async def run_pools(arguments: argparse.Namespace, console: Console) -> int:
    async with cli_context(arguments) as context:
        pools = pool_counts(await context.services.views.pool_counts(context.tenant))
    table = Table(title=f"{context.tenant}: {len(pools)} pool(s)", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("Pool", overflow="fold")
    for status in NumberStatus:
        table.add_column(status.value, justify="right")
    for pool in pools:
        table.add_row(pool.name, *(f"{pool.of(status):,}" for status in NumberStatus))
    console.print(table)
    return 0


async def run_set_pool(arguments: argparse.Namespace, console: Console) -> int:
    async with cli_context(arguments) as context:
        query = NumberQuery(
            tenant=context.tenant,
            range_label=arguments.range_label,
            location=arguments.location,
            carrier=arguments.carrier,
            tag=arguments.tag,
            digits=arguments.digits,
        )
        moved = await set_pool(context.store, query, arguments.pool, actor=context.actor, clock=SystemClock())
        await check_capacity(context.services, context.tenant)  # numbers left some pools and joined another
    console.print(
        f"[{context.tenant}] {moved:,} number(s) moved into pool {arguments.pool}.", highlight=False, markup=False
    )
    return 0
