"""`history <number or user>`: the audit trail, newest first, paged with Older / Newer."""

from __future__ import annotations

from typing import Any

from bot.flows.common import advance, ref, start_flow, text_input
from bot.turn import Reply, Turn
from cards.elements import Card
from cards.history import EventView, choose_subject_card, history_card
from inventory.e164 import display_number, parse_number
from inventory.errors import InvalidNumber, SwitchboardError
from inventory.store.audit import AuditEvent, AuditLog
from inventory.store.flows import Flow

KIND = "history"
PAGE_SIZE = 8
_SHOWN = (
    ("status", "status"),
    ("assignee_name", "holder"),
    ("assignee_upn", "UPN"),
    ("voice_routing_policy", "policy"),
    ("location", "location"),
    ("pool", "pool"),
)


async def start(turn: Turn, args: str) -> Reply:
    tenant = await turn.tenant()
    subject = args.strip()
    if not subject:
        raise SwitchboardError("Say whose or which: history +12065550100, or history adele@contoso.com.")
    state: dict[str, Any] = {"label": subject[:100], "cursors": [None]}
    try:
        state["number"] = parse_number(subject).number
        state["label"] = display_number(state["number"])
    except InvalidNumber:
        if "@" in subject:
            state["holder"] = subject.lower()[:320]
        else:
            accounts = await turn.services.phones(tenant).search_accounts(subject[:100], limit=6)
            if len(accounts) > 1:
                flow = await start_flow(
                    turn,
                    KIND,
                    tenant,
                    "choose",
                    {**state, "query": subject[:100], "choices": [[a.label, a.id] for a in accounts]},
                )
                return Reply(await render(turn, flow))
            state["holder"] = accounts[0].id if accounts else subject[:320]
            if accounts:
                state["label"] = accounts[0].label
    flow = await start_flow(turn, KIND, tenant, "list", state)
    return Reply(await render(turn, flow))


async def act(turn: Turn, flow: Flow, verb: str, data: dict[str, Any]) -> Reply:
    cursors = list(flow.state.get("cursors") or [None])
    if flow.step == "choose" and verb == "history.pick":
        account_id = text_input(data, "account", limit=64)
        names = {value: title for title, value in flow.state.get("choices", [])}
        if account_id not in names:
            raise SwitchboardError("That person is not one of those offered on this card.")
        flow = await advance(turn, flow, "list", holder=account_id, label=names[account_id])
    elif flow.step == "list" and verb == "history.older":
        events = await _events(turn, flow)
        if len(events) > PAGE_SIZE:
            flow = await advance(turn, flow, "list", cursors=[*cursors, events[PAGE_SIZE - 1].id])
    elif flow.step == "list" and verb == "history.newer":
        flow = await advance(turn, flow, "list", cursors=cursors[:-1] or [None])
    return Reply(await render(turn, flow))


async def _events(turn: Turn, flow: Flow) -> list[AuditEvent]:
    state = flow.state
    before = (state.get("cursors") or [None])[-1]
    async with turn.services.store.read() as connection:
        return await AuditLog(connection).history(
            flow.tenant, number=state.get("number"), holder=state.get("holder"), before_id=before, limit=PAGE_SIZE + 1
        )


def event_view(event: AuditEvent) -> EventView:
    before, after = event.before or {}, event.after or {}
    changes = [
        f"{label}: {before.get(key) or '-'} -> {after.get(key) or '-'}"
        for key, label in _SHOWN
        if before.get(key) != after.get(key)
    ]
    if event.detail:
        changes.append(event.detail)
    number = display_number(event.number, event.extension or "") if event.number else ""
    return EventView(f"{event.at:%Y-%m-%d %H:%M} UTC", event.action, number, event.operator_name, changes)


async def render(turn: Turn, flow: Flow) -> Card:
    if flow.step == "choose":
        choices = [(str(title), str(value)) for title, value in flow.state.get("choices", [])]
        return choose_subject_card(ref(flow), query=flow.state.get("query", ""), choices=choices)
    events = await _events(turn, flow)
    cursors = flow.state.get("cursors") or [None]
    return history_card(
        ref(flow),
        subject=flow.state.get("label", ""),
        events=[event_view(e) for e in events[:PAGE_SIZE]],
        page=len(cursors),
        has_previous=len(cursors) > 1,
        has_next=len(events) > PAGE_SIZE,
    )
