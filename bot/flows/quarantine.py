"""`end quarantine NUMBER`: an admin returns a quarantined number to the pool before its days are over,
after a confirmation card. One service call (`lifecycle.end_quarantine_early`), audited as
`end-quarantine`, so `history` shows who ended it and when."""

from __future__ import annotations

from enum import StrEnum

from bot.flows.capacity_notes import check_capacity
from bot.flows.card_data import CardData
from bot.flows.table import FlowTable
from bot.flows.view_models import ref
from bot.turn import Reply, Turn
from cards.common import message_card
from cards.elements import Card
from cards.quarantine import end_quarantine_card
from inventory.config import Role
from inventory.e164 import parse_number
from inventory.errors import NotFound, SwitchboardError
from inventory.flows import Flow
from inventory.model import NumberStatus
from inventory.quarantine import countdown
from inventory.services.flow_steps import Move
from inventory.services.lifecycle import end_quarantine_early

USAGE = "Write it as: end quarantine +12065550100"


class Step(StrEnum):
    CONFIRM = "confirm"
    DONE = "done"
    CANCELLED = "cancelled"


async def start(turn: Turn, args: str) -> Reply:
    turn.operator.require(Role.ADMIN, "ending a quarantine early")
    tenant = await turn.tenant()
    if not args.strip():
        raise SwitchboardError(USAGE)
    parsed = parse_number(args.strip(), default_region=turn.tenant_config(tenant).default_region)
    number = await turn.services.views.number(tenant, parsed.number, parsed.extension)
    if number is None:
        raise NotFound(f"{parsed.label} is not in the {tenant} inventory.")
    if number.status is not NumberStatus.QUARANTINED:
        raise SwitchboardError(f"{number.label} is {number.status.value}, not in quarantine; nothing to end.")
    state = {"e164": number.number, "ext": number.extension, "label": number.label}
    return Reply(await FLOW.render(turn, await FLOW.start(turn, tenant, Step.CONFIRM, state)))


async def _end(turn: Turn, flow: Flow, data: CardData) -> Move:
    turn.operator.require(Role.ADMIN, "ending a quarantine early")
    context = turn.services.context
    text = flow.state["e164"] + (f";ext={flow.state['ext']}" if flow.state.get("ext") else "")
    number = await end_quarantine_early(
        context.storage, flow.tenant, text, actor=turn.operator.actor, clock=context.clock
    )
    await check_capacity(turn.services, flow.tenant, [number.pool])  # free again: its pool may recover
    return Move(Step.DONE)


async def _cancel(turn: Turn, flow: Flow, data: CardData) -> Move:
    return Move(Step.CANCELLED)


async def _confirm_view(turn: Turn, flow: Flow) -> Card:
    number = await turn.services.views.number(flow.tenant, flow.state["e164"], flow.state.get("ext", ""))
    until = number.quarantined_until if number else None
    return end_quarantine_card(
        ref(flow),
        tenant=flow.tenant,
        label=str(flow.state["label"]),
        until=f"{until:%Y-%m-%d %H:%M} UTC" if until else "no end set",
        countdown=countdown(until, turn.services.context.clock.now()),
        message=flow.state.get("message"),
    )


async def _done_view(turn: Turn, flow: Flow) -> Card:
    return message_card(
        "Quarantine ended", f"{flow.state['label']} is available again. Its history records that you ended it early."
    )


async def _cancelled_view(turn: Turn, flow: Flow) -> Card:
    return message_card("End a quarantine early", f"Cancelled. {flow.state['label']} stays in quarantine.")


FLOW: FlowTable[Step] = FlowTable(
    kind="quarantine",
    steps=Step,
    actions={(Step.CONFIRM, "quarantine.end"): _end, (Step.CONFIRM, "cancel"): _cancel},
    views={Step.CONFIRM: _confirm_view, Step.DONE: _done_view, Step.CANCELLED: _cancelled_view},
    lost="This card is in a state I no longer know; start again with end quarantine NUMBER.",
)
