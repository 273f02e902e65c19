"""`switchboard numbers`, `history`, and the local lifecycle changes (block, unblock, ...); reservations
are in `lifecycle_commands`."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable

from rich import box
from rich.console import Console
from rich.table import Table

from bot.cli.context import Commands, cli_context, tenant_command
from bot.cli.json_output import add_json_flag, emit, event_json, number_json
from bot.flows.capacity_notes import check_capacity
from inventory.e164 import parse_number
from inventory.errors import SwitchboardError
from inventory.model import NumberStatus, NumberType, PhoneNumber
from inventory.number_query import NumberQuery
from inventory.ports.clock import SystemClock
from inventory.services import lifecycle
from inventory.services.settlement import refused_by_teams

# Each takes (storage, tenant, number, *, actor, clock); block also takes its reason.
_LIFECYCLE: dict[str, tuple[str, Callable[..., Awaitable[PhoneNumber]]]] = {
    "cancel-reservation": ("return a reserved number to the pool", lifecycle.cancel_reservation),
    "block": ("block a number that is not in use", lifecycle.block_number),
    "unblock": ("return a blocked number to the pool", lifecycle.unblock_number),
    "end-quarantine": (
        "return a quarantined number to the pool before its days are over",
        lifecycle.end_quarantine_early,
    ),
}


def add_commands(commands: Commands) -> None:
    listed = tenant_command(commands, "numbers", run_numbers, "list numbers as a table, with filters")
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
    listed.add_argument("--wide", action="store_true", help="also type, policy, range and carrier (over 80 columns)")
    add_json_flag(listed)

    history = tenant_command(commands, "history", run_history, "audit trail of a number or a user, newest first")
    history.add_argument("subject", help="a number, or a user's UPN or Entra object id")
    history.add_argument("--limit", type=int, default=30)
    add_json_flag(history)

    for name, (help_text, _) in _LIFECYCLE.items():
        changed = tenant_command(commands, name, run_lifecycle, help_text)
        changed.add_argument("number")
        if name == "block":
            changed.add_argument("--reason")


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
        limit = max(1, min(arguments.limit, 1000))
        page, total = await context.services.views.page(query, size=limit, after=arguments.after)
        used = [n.number for n in page.items if n.status is NumberStatus.USED]
        pending = await context.services.views.policies_pending(context.tenant, used) if used else {}
    if arguments.json:
        numbers = [number_json(n) for n in page.items]
        emit(console, {"tenant": context.tenant, "total": total, "numbers": numbers, "next_cursor": page.next_cursor})
        return 0
    # Five columns fit an 80-column terminal; --wide adds the four that rarely matter when scanning.
    table = Table(title=f"{context.tenant}: {total:,} number(s)", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("Number", "Status"):
        table.add_column(column, no_wrap=True)
    for column in ("Holder", "Location", "Pool", *(("Type", "Policy", "Range", "Carrier") if arguments.wide else ())):
        table.add_column(column, overflow="fold")
    for number in page.items:
        holder = number.assignee.label if number.assignee else (number.hold.owner if number.hold else "")
        if refused_by_teams(number):
            holder = number.notes or ""  # Teams' reason: the number stays out of the pool until returned
        row = [number.label, number.status.value, holder, number.location or "", number.pool or ""]
        if arguments.wide:
            row += [
                number.number_type.value,
                f"{pending[number.number]} (pending)"
                if number.number in pending
                else number.voice_routing_policy or "",
                number.range_label or "",
                number.carrier or "",
            ]
        table.add_row(*row)
    console.print(table)
    if page.next_cursor:
        console.print(f"More: switchboard numbers ... --after {page.next_cursor}", highlight=False, markup=False)
    return 0


async def run_history(arguments: argparse.Namespace, console: Console) -> int:
    async with cli_context(arguments) as context:
        views, limit = context.services.views, arguments.limit
        try:
            number = parse_number(arguments.subject).number
            events = await views.history(context.tenant, number=number, holder=None, before_id=None, limit=limit)
            of_a_number = True
        except SwitchboardError:
            of_a_number = False
            events = await views.history(
                context.tenant, number=None, holder=arguments.subject, before_id=None, limit=limit
            )
    if arguments.json:
        found = [event_json(e) for e in events]
        emit(console, {"tenant": context.tenant, "subject": arguments.subject, "events": found})
        return 0
    table = Table(title=f"History of {arguments.subject}", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("When (UTC)", no_wrap=True)
    # The history of one number need not repeat it on every line: the room goes to the change.
    for column in ("Action", *(() if of_a_number else ("Number",)), "Who", "Change"):
        table.add_column(column, overflow="fold")
    for event in events:
        before, after = event.before or {}, event.after or {}
        changes = [
            f"{key}: {before.get(key, '-')} -> {after.get(key, '-')}"
            for key in ("status", "assignee_name", "voice_routing_policy", "location", "pool")
            if before.get(key) != after.get(key)
        ]
        cells = [f"{event.at:%Y-%m-%d %H:%M}", event.action, *(() if of_a_number else (event.number or "",))]
        table.add_row(*cells, event.operator_name, "; ".join(changes) or (event.detail or ""))
    console.print(table)
    return 0


async def run_lifecycle(arguments: argparse.Namespace, console: Console) -> int:
    _, change = _LIFECYCLE[arguments.command]
    reason = {"reason": arguments.reason} if arguments.command == "block" else {}
    async with cli_context(arguments) as context:
        number = await change(
            context.store, context.tenant, arguments.number, actor=context.actor, clock=SystemClock(), **reason
        )
        # The channel hears of a pool that ran low or recovered now, not at the bot's next minute.
        await check_capacity(context.services, context.tenant, [number.pool])
    console.print(f"{number.label} is now {number.status.value}.", highlight=False, markup=False)
    return 0
