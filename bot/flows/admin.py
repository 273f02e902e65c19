"""Admin commands: `notify here`, `import range ...`, and `delete inventory` (with a typed confirmation)."""

from __future__ import annotations

from typing import Any

from bot.flows.common import advance, ref, start_flow, text_input
from bot.router import split_options
from bot.turn import CardSink, Reply, Turn
from cards.admin import delete_inventory_card, import_result_card
from cards.assign import waiting_card
from cards.common import message_card
from cards.elements import Card
from inventory.config import Role
from inventory.e164 import parse_range
from inventory.errors import SwitchboardError
from inventory.model import NumberType
from inventory.services.deletion import delete_inventory
from inventory.services.imports import import_range
from inventory.store.flows import Flow
from inventory.store.outbox import Conversations
from inventory.store.search import NumberQuery, count_numbers

DELETE_KIND = "delete"
_IMPORT_OPTIONS = ("location", "carrier", "pool", "type", "range")


async def notify_here(turn: Turn, args: str) -> Reply:
    turn.operator.require(Role.ADMIN, "choosing the notification channel")
    conversation = turn.conversation
    if turn.conversation_type != "channel" or conversation is None:
        raise SwitchboardError("Type notify here in the team channel that should hear about changes.")
    tenant = await turn.tenant()
    async with turn.services.store.write() as connection:
        conversations = Conversations(connection)
        await conversations.remember(conversation, at=turn.services.clock.now())
        await conversations.notify_here(conversation.id, tenant)
    where = conversation.channel_name or "this channel"
    return Reply(
        message_card(
            "Notifications",
            f"From now on {where} hears about changes in {tenant}: syncs, "
            "assignments, removals, bulk results and drift.",
        )
    )


async def import_range_command(turn: Turn, args: str) -> Reply:
    turn.operator.require(Role.ADMIN, "importing ranges")
    tenant = await turn.tenant()
    options = split_options(args)
    unknown = sorted(set(options.options) - set(_IMPORT_OPTIONS))
    if unknown or len(options.positional) < 1:
        raise SwitchboardError(
            'Write it as: import range +12065550100-+12065550199 location=Seattle carrier="Contoso Telecom" '
            "pool=Sales type=directRouting" + (f" (unknown: {', '.join(unknown)})" if unknown else "")
        )
    config = turn.services.tenant_config(tenant)
    number_range = parse_range(" ".join(options.positional), default_region=config.default_region)
    kind = options.options.get("type")
    number_type = NumberType.parse(kind) if kind else config.default_number_type

    async def work(_: CardSink) -> Card:
        report = await import_range(
            turn.services.store,
            tenant,
            number_range,
            actor=turn.operator.actor,
            clock=turn.services.clock,
            number_type=number_type,
            location=options.options.get("location"),
            carrier=options.options.get("carrier"),
            pool=options.options.get("pool"),
            range_label=options.options.get("range"),
        )
        fields = [(k.capitalize(), v) for k, v in options.options.items()]
        return import_result_card(
            tenant=tenant, range_label=number_range.label, added=report.added, existing=report.unchanged, fields=fields
        )

    return Reply(waiting_card("Import a range", f"Importing {number_range.size:,} numbers..."), follow_up=work)


async def start_delete(turn: Turn, args: str) -> Reply:
    turn.operator.require(Role.ADMIN, "deleting the inventory")
    tenant = await turn.tenant()
    flow = await start_flow(turn, DELETE_KIND, tenant, "confirm", {})
    return Reply(await render(turn, flow))


async def act(turn: Turn, flow: Flow, verb: str, data: dict[str, Any]) -> Reply:
    turn.operator.require(Role.ADMIN, "deleting the inventory")
    if flow.step == "confirm" and verb == "cancel":
        return Reply(await render(turn, await advance(turn, flow, "cancelled")))
    if flow.step == "confirm" and verb == "delete.confirm":
        typed = text_input(data, "confirm", limit=64)
        if typed.lower() != flow.tenant:
            message = f"'{typed[:40]}' is not {flow.tenant}; nothing was deleted."
            moved = await advance(turn, flow, "confirm", message=message)
            return Reply(await render(turn, moved))
        flow = await advance(turn, flow, "deleting")
        deleted = await delete_inventory(
            turn.services.store, flow.tenant, actor=turn.operator.actor, clock=turn.services.clock
        )
        return Reply(await render(turn, await advance(turn, flow, "done", deleted=deleted)))
    return Reply(await render(turn, flow))


async def render(turn: Turn, flow: Flow) -> Card:
    if flow.step == "confirm":
        async with turn.services.store.read() as connection:
            count = await count_numbers(connection, NumberQuery(tenant=flow.tenant))
        return delete_inventory_card(ref(flow), tenant=flow.tenant, count=count, message=flow.state.get("message"))
    if flow.step == "done":
        return message_card(
            "Inventory deleted",
            f"Deleted {flow.state.get('deleted', 0):,} numbers of {flow.tenant}. "
            "Teams was not touched; the audit trail keeps them.",
        )
    if flow.step == "deleting":
        return message_card("Deleting", "Deleting the inventory...")
    return message_card("Delete the local inventory", "Cancelled. Nothing was deleted.")
