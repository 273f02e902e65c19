"""`history <number or user>`: the audit trail, newest first, paged with Older / Newer; operators may revert
an assignment or a removal from it (`bot.flows.revert`)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from bot.flows import revert
from bot.flows.card_data import CardData, id_input, text_input
from bot.flows.paging import cursors_of, first_page, next_page, previous_page
from bot.flows.table import FlowTable
from bot.flows.view_models import ref
from bot.grammar import WordsRefused, not_a_number, read_subject
from bot.local_time import UTC_TIME, LocalTime
from bot.turn import Reply, Turn
from cards.common import message_card
from cards.elements import Card
from cards.history import EventView, choose_subject_card, history_card
from inventory.audit import AuditEvent
from inventory.config import Role
from inventory.e164 import display_number, parse_number
from inventory.errors import SwitchboardError
from inventory.flows import Flow
from inventory.revert import revert_kind
from inventory.services.flow_steps import Move


class Step(StrEnum):
    CHOOSE = "choose"
    LIST = "list"


PAGE_SIZE = 8
_SHOWN = (
    ("status", "status"),
    ("assignee_name", "holder"),
    ("assignee_upn", "UPN"),
    ("voice_routing_policy", "policy"),
    ("location", "location"),
    ("pool", "pool"),
    ("hold_owner_name", "reserved by"),
    ("hold_for_name", "reserved for"),
    ("hold_ticket", "ticket"),
)


async def start(turn: Turn, args: str) -> Reply:
    tenant = await turn.tenant()
    subject = args.strip()
    if not subject:  # the manifest's hint sends the bare word: a question, not a mistake
        return Reply(message_card("History", "Say whose or which: history +12065550100, or history adele."))
    state: dict[str, Any] = {"label": subject[:100], **first_page()}
    read = read_subject(subject)  # "+1-800-FLOWERS-NOW" is refused as a number, not searched as a name
    if read.number is not None or read.digits is not None:
        if read.number is None:
            raise WordsRefused(f"{not_a_number(subject)} History needs the whole number.")
        state["number"] = parse_number(read.number).number
        state["label"] = display_number(state["number"])
    else:
        if "@" in subject:
            state["holder"] = subject.lower()[:320]
        else:
            accounts = await turn.services.views.find_accounts(tenant, subject[:100], limit=6)
            if len(accounts) > 1:
                choices = [[a.label, a.id] for a in accounts]
                flow = await FLOW.start(
                    turn, tenant, Step.CHOOSE, {**state, "query": subject[:100], "choices": choices}
                )
                return Reply(await FLOW.render(turn, flow))
            state["holder"] = accounts[0].id if accounts else subject[:320]
            if accounts:
                state["label"] = accounts[0].label
    return Reply(await FLOW.render(turn, await FLOW.start(turn, tenant, Step.LIST, state)))


async def _pick(turn: Turn, flow: Flow, data: CardData) -> Move:
    account_id = text_input(data, "account", limit=64)
    names = {value: title for title, value in flow.state.get("choices", [])}
    if account_id not in names:
        raise SwitchboardError("That person is not one of those offered on this card.")
    return Move(Step.LIST, {"holder": account_id, "label": names[account_id]})


async def _older(turn: Turn, flow: Flow, data: CardData) -> Move | None:
    events = await _events(turn, flow)
    return Move(Step.LIST, next_page(flow.state, events[PAGE_SIZE - 1].id)) if len(events) > PAGE_SIZE else None


async def _newer(turn: Turn, flow: Flow, data: CardData) -> Move:
    return Move(Step.LIST, previous_page(flow.state))


async def _revert(turn: Turn, flow: Flow, data: CardData) -> Reply:
    """Revert one change shown on this page: only those, so a tampered id cannot reach another change."""
    event_id = id_input(data, "event")
    shown = {event.id: event for event in (await _events(turn, flow))[:PAGE_SIZE]}
    event = shown.get(event_id)
    if event is None:
        raise SwitchboardError("That change is not on this page of the history any more; look again.")
    view = event_view(event, turn.local_time)
    change = f"{view.action} on {view.when} by {view.operator}"
    return await revert.begin(turn, flow.tenant, event_id, change)


async def _events(turn: Turn, flow: Flow) -> list[AuditEvent]:
    """The page the flow is on, plus one event to tell whether there is an older page."""
    before = cursors_of(flow.state)[-1]
    return await turn.services.views.history(
        flow.tenant,
        number=flow.state.get("number"),
        holder=flow.state.get("holder"),
        before_id=int(before) if before is not None else None,
        limit=PAGE_SIZE + 1,
    )


def event_view(event: AuditEvent, local: LocalTime = UTC_TIME, *, may_revert: bool = False) -> EventView:
    before, after = event.before or {}, event.after or {}
    changes = [
        f"{label}: {before.get(key) or '-'} -> {after.get(key) or '-'}"
        for key, label in _SHOWN
        if before.get(key) != after.get(key)
    ]
    if event.detail:
        changes.append(event.detail)
    number = display_number(event.number, event.extension or "") if event.number else ""
    revert_id = event.id if may_revert and revert_kind(event) is not None else None
    return EventView(local.at(event.at), event.action, number, event.operator_name, changes, revert_id)


async def _choose_view(turn: Turn, flow: Flow) -> Card:
    choices = [(str(title), str(value)) for title, value in flow.state.get("choices", [])]
    return choose_subject_card(ref(flow), query=flow.state.get("query", ""), choices=choices)


async def _list_view(turn: Turn, flow: Flow) -> Card:
    events = await _events(turn, flow)
    cursors = cursors_of(flow.state)
    may_revert = turn.operator.role >= Role.OPERATOR
    return history_card(
        ref(flow),
        subject=flow.state.get("label", ""),
        events=[event_view(e, turn.local_time, may_revert=may_revert) for e in events[:PAGE_SIZE]],
        page=len(cursors),
        has_previous=len(cursors) > 1,
        has_next=len(events) > PAGE_SIZE,
    )


FLOW: FlowTable[Step] = FlowTable(
    kind="history",
    steps=Step,
    actions={
        (Step.CHOOSE, "history.pick"): _pick,
        (Step.LIST, "history.older"): _older,
        (Step.LIST, "history.newer"): _newer,
        (Step.LIST, "history.revert"): _revert,
    },
    views={Step.CHOOSE: _choose_view, Step.LIST: _list_view},
    lost="This card is in a state I no longer know; start again with history.",
)
