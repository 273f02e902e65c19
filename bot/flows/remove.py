"""The remove flow: find the number (by number, or by its holder), confirm, unassign in Teams, release."""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import Any

from bot.flows.capacity_notes import check_capacity
from bot.flows.card_data import CardData, id_input
from bot.flows.table import FlowTable, on_steps
from bot.flows.view_models import number_state, number_view, ref
from bot.grammar import read_subject
from bot.turn import CardSink, Reply, Turn
from cards import remove as remove_cards
from cards.assign import outcome_card, waiting_card
from cards.common import message_card
from cards.elements import Card
from cards.notify import removed_note
from cards.views import NumberView, OutcomeView
from inventory.config import Role
from inventory.errors import NotFound, SwitchboardError, TransitionRefused
from inventory.flows import Flow
from inventory.model import NumberStatus, PhoneNumber
from inventory.number_query import NumberQuery
from inventory.services.flow_steps import Move


class Step(StrEnum):
    CHOOSE = "choose"
    CONFIRM = "confirm"
    REMOVING = "removing"
    DONE = "done"
    FAILED = "failed"
    PENDING = "pending"
    CANCELLED = "cancelled"


TITLE = remove_cards.TITLE
_MAX_CHOICES = 20
_COUNTED = 1_000  # past this the exact count does not help the operator narrow down


async def start(turn: Turn, args: str) -> Reply:
    """`remove PERSON|NUMBER`: a whole number, digits of one (`remove 12`), or a person's name or UPN.
    When the numbers found belong to several people, the card asks which person, by name."""
    turn.operator.require(Role.OPERATOR, "removing numbers")
    tenant = await turn.tenant()
    if not args:
        return Reply(message_card(TITLE, "Say which: remove +12065550100, or remove adele@contoso.com."))
    subject = read_subject(args)
    if subject.digits is not None:
        query = NumberQuery(tenant=tenant, digits=subject.digits, statuses=(NumberStatus.USED,))
        page, total = await turn.services.views.page(query, size=_MAX_CHOICES, after=None, count_at_most=_COUNTED)
        if total > _MAX_CHOICES:  # too many to choose from on one card: narrowing is quicker than paging
            many = f"More than {_COUNTED:,}" if total > _COUNTED else f"{total:,}"
            more = f"{many} held numbers contain {subject.digits}: type more of the number, or the person's name."
            return Reply(message_card(TITLE, more))
        held = page.items
        nobody = f"No number held by anyone in the {tenant} inventory contains {subject.digits}."
    else:
        held = await turn.services.views.removable(tenant, subject.number or args)
        nobody = f"No number in the {tenant} inventory is held by '{args[:60]}'."
    if not held:
        raise NotFound(f"{nobody} If Teams says otherwise, run sync first.")
    state: dict[str, Any] = {"who": args[:100], "choices": [n.id for n in held]}
    if len(held) == 1:  # nothing to choose: the flow starts at the confirmation (one write, not two)
        flow = await FLOW.start(turn, tenant, Step.CONFIRM, {**state, "number": _chosen_state(held[0])})
    else:
        flow = await FLOW.start(turn, tenant, Step.CHOOSE, state)
    return Reply(await FLOW.render(turn, flow))


def _chosen_state(number: PhoneNumber) -> dict[str, Any]:
    return {**number_state(number), "holder": number.assignee.label if number.assignee else None}


async def _choose(turn: Turn, flow: Flow, data: CardData) -> Move:
    number_id = id_input(data, "number")
    if number_id not in flow.state["choices"]:
        raise SwitchboardError("That number is not one of those offered on this card.")
    number = (await turn.services.views.numbers_by_id(flow.tenant, [number_id])).get(number_id)
    if number is None:
        raise NotFound("That number is no longer in the inventory.")
    return Move(Step.CONFIRM, {"number": _chosen_state(number)})


async def _cancel(turn: Turn, flow: Flow, data: CardData) -> Move:
    return Move(Step.CANCELLED)


async def _confirm(turn: Turn, flow: Flow, data: CardData) -> Reply:
    flow = await FLOW.advance(turn, flow, Step.REMOVING)
    number = flow.state["number"]

    async def work(_: CardSink) -> Card:
        try:
            result = await turn.services.assignments.unassign(
                flow.tenant, number["e164"], turn.operator.actor, extension=number["ext"], flow_id=flow.id
            )
        except (TransitionRefused, NotFound) as refused:
            return await FLOW.render(turn, await FLOW.advance(turn, flow, Step.FAILED, result={"detail": str(refused)}))
        step = Step.DONE if result.succeeded else (Step.PENDING if result.pending else Step.FAILED)
        after = result.number.status.value if result.number else None
        state = {"detail": result.detail, "correlation_id": result.correlation_id, "status": after}
        moved = await FLOW.advance(turn, flow, step, result=state)
        if result.succeeded:
            note = removed_note(
                tenant=flow.tenant,
                number=number["label"],
                holder=number.get("holder") or "-",
                now=after or "available",
                operator=turn.operator.actor.name,
            )
            await turn.services.notifications.enqueue(flow.tenant, "remove", note)
            pool = result.number.pool if result.number else None
            await check_capacity(turn.services, flow.tenant, [pool])  # a freed number may lift its pool
        return await FLOW.render(turn, moved)

    return Reply(
        waiting_card(TITLE, f"Removing {number['label']} from {number.get('holder')} in Teams..."), work, at_once=True
    )


async def _choose_view(turn: Turn, flow: Flow) -> Card:
    choices = flow.state["choices"]
    offered = await turn.services.views.numbers_by_id(flow.tenant, choices)
    views: list[NumberView] = [
        _with_upn(offered[i]) for i in choices if i in offered and offered[i].status is NumberStatus.USED
    ]
    return remove_cards.choose_card(ref(flow), views, who=flow.state["who"])


def _with_upn(number: PhoneNumber) -> NumberView:
    """The number with its holder by name and UPN, so people who share a first name can be told apart."""
    view = number_view(number)
    who = number.assignee
    if who is not None and who.upn and who.upn != who.label:
        return dataclasses.replace(view, holder=f"{who.label} ({who.upn})")
    return view


async def _confirm_view(turn: Turn, flow: Flow) -> Card:
    number_id = int(flow.state["number"]["id"])
    current = (await turn.services.views.numbers_by_id(flow.tenant, [number_id])).get(number_id)
    if current is None:
        raise NotFound("That number is no longer in the inventory.")
    days = turn.tenant_config(flow.tenant).quarantine_days
    return remove_cards.confirm_card(ref(flow), number_view(current), tenant=flow.tenant, quarantine_days=days)


async def _removing_view(turn: Turn, flow: Flow) -> Card:
    return waiting_card(TITLE, f"Removing {flow.state['number'].get('label')} in Teams...")


async def _outcome_view(turn: Turn, flow: Flow) -> Card:
    return outcome_card(_outcome(flow))


async def _cancelled_view(turn: Turn, flow: Flow) -> Card:
    return message_card(TITLE, "Cancelled. Nothing was changed.")


def _outcome(flow: Flow) -> OutcomeView:
    result, number = flow.state.get("result") or {}, flow.state.get("number") or {}
    facts = [("Number", number.get("label", "")), ("Was held by", number.get("holder") or "-"), ("Tenant", flow.tenant)]
    if flow.step == Step.DONE:
        facts.append(("Now", result.get("status") or "available"))
        title = f"{number.get('label')} was removed from {number.get('holder')}"
    elif flow.step == Step.PENDING:
        title = "Teams is still working on it"
    else:
        title = "Teams did not remove the number"
    return OutcomeView(
        flow.step == Step.DONE,
        flow.step == Step.PENDING,
        title,
        facts,
        detail=result.get("detail"),
        correlation_id=result.get("correlation_id", ""),
    )


FLOW: FlowTable[Step] = FlowTable(
    kind="remove",
    steps=Step,
    actions={
        **on_steps((Step.CHOOSE, Step.CONFIRM), "cancel", _cancel),
        (Step.CHOOSE, "remove.choose"): _choose,
        (Step.CONFIRM, "remove.confirm"): _confirm,
    },
    views={
        Step.CHOOSE: _choose_view,
        Step.CONFIRM: _confirm_view,
        Step.REMOVING: _removing_view,
        Step.DONE: _outcome_view,
        Step.FAILED: _outcome_view,
        Step.PENDING: _outcome_view,
        Step.CANCELLED: _cancelled_view,
    },
    lost="This card is in a state I no longer know; start again with remove.",
)
