"""The remove flow: find the number (by number, or by its holder), confirm, unassign in Teams, release."""

from __future__ import annotations

from typing import Any

from bot.flows.common import advance, id_input, load_number_by_id, number_view, ref, start_flow
from bot.turn import CardSink, Reply, Turn
from cards import remove as remove_cards
from cards.assign import outcome_card, waiting_card
from cards.common import message_card
from cards.elements import Card
from cards.notify import removed_note
from cards.views import NumberView, OutcomeView
from inventory.config import Role
from inventory.e164 import parse_number
from inventory.errors import InvalidNumber, NotFound, SwitchboardError, TransitionRefused
from inventory.model import NumberStatus, PhoneNumber
from inventory.store.flows import Flow
from inventory.store.numbers import NumberRepository
from inventory.store.search import NumberQuery, search_numbers

KIND = "remove"
TITLE = remove_cards.TITLE


async def start(turn: Turn, args: str) -> Reply:
    turn.operator.require(Role.OPERATOR, "removing numbers")
    tenant = await turn.tenant()
    if not args:
        return Reply(message_card(TITLE, "Say which: remove +12065550100, or remove adele@contoso.com."))
    held = await _numbers_of(turn, tenant, args)
    if not held:
        raise NotFound(
            f"No number in the {tenant} inventory is held by '{args[:60]}'. If Teams says otherwise, run sync first."
        )
    flow = await start_flow(turn, KIND, tenant, "choose", {"who": args[:100], "choices": [n.id for n in held]})
    if len(held) == 1:
        flow = await advance(turn, flow, "confirm", number=_number_state(held[0]))
    return Reply(await render(turn, flow))


async def _numbers_of(turn: Turn, tenant: str, who: str) -> list[PhoneNumber]:
    try:
        parsed = parse_number(who)
    except InvalidNumber:
        parsed = None
    async with turn.services.store.read() as connection:
        if parsed is not None:
            query = NumberQuery(tenant=tenant, digits=parsed.number)
            found = [
                n for n in (await search_numbers(connection, query, limit=5)).items if n.extension == parsed.extension
            ]
            if found and found[0].status is not NumberStatus.USED:
                raise TransitionRefused(f"{found[0].label} is {found[0].status.value}, not assigned to anyone.")
            return found
        query = NumberQuery(tenant=tenant, assignee=who, statuses=(NumberStatus.USED,))
        return (await search_numbers(connection, query, limit=20)).items


def _number_state(number: PhoneNumber) -> dict[str, Any]:
    return {
        "id": number.id,
        "e164": number.number,
        "ext": number.extension,
        "label": number.label,
        "holder": number.assignee.label if number.assignee else None,
    }


async def act(turn: Turn, flow: Flow, verb: str, data: dict[str, Any]) -> Reply:
    if verb == "cancel" and flow.step in ("choose", "confirm"):
        return Reply(await render(turn, await advance(turn, flow, "cancelled")))
    if flow.step == "choose" and verb == "remove.choose":
        number_id = id_input(data, "number")
        if number_id not in flow.state["choices"]:
            raise SwitchboardError("That number is not one of those offered on this card.")
        number = await load_number_by_id(turn, flow.tenant, number_id=number_id)
        if number is None:
            raise NotFound("That number is no longer in the inventory.")
        return Reply(await render(turn, await advance(turn, flow, "confirm", number=_number_state(number))))
    if flow.step == "confirm" and verb == "remove.confirm":
        return _removing(turn, await advance(turn, flow, "removing"))
    return Reply(await render(turn, flow))


def _removing(turn: Turn, flow: Flow) -> Reply:
    number = flow.state["number"]

    async def work(_: CardSink) -> Card:
        try:
            result = await turn.services.assignments.unassign(
                flow.tenant, number["e164"], turn.operator.actor, extension=number["ext"], flow_id=flow.id
            )
        except (TransitionRefused, NotFound) as refused:
            return await render(turn, await advance(turn, flow, "failed", result={"detail": str(refused)}))
        step = "done" if result.succeeded else ("pending" if result.pending else "failed")
        after = result.number.status.value if result.number else None
        state = {"detail": result.detail, "correlation_id": result.correlation_id, "status": after}
        moved = await advance(turn, flow, step, result=state)
        if result.succeeded:
            note = removed_note(
                tenant=flow.tenant,
                number=number["label"],
                holder=number.get("holder") or "-",
                now=after or "available",
                operator=turn.operator.actor.name,
            )
            await turn.services.notifier.enqueue(flow.tenant, "remove", note)
        return await render(turn, moved)

    return Reply(waiting_card(TITLE, f"Removing {number['label']} from {number.get('holder')} in Teams..."), work)


async def render(turn: Turn, flow: Flow) -> Card:
    state = flow.state
    if flow.step == "choose":
        async with turn.services.store.read() as connection:
            offered = await NumberRepository(connection).by_ids(flow.tenant, state["choices"])
        views: list[NumberView] = [
            number_view(offered[i]) for i in state["choices"] if i in offered and offered[i].status is NumberStatus.USED
        ]
        return remove_cards.choose_card(ref(flow), views, who=state["who"])
    chosen = state.get("number") or {}
    if flow.step == "confirm":
        current = await load_number_by_id(turn, flow.tenant, number_id=int(chosen["id"]))
        if current is None:
            raise NotFound("That number is no longer in the inventory.")
        days = turn.services.tenant_config(flow.tenant).quarantine_days
        return remove_cards.confirm_card(ref(flow), number_view(current), tenant=flow.tenant, quarantine_days=days)
    if flow.step == "removing":
        return waiting_card(TITLE, f"Removing {chosen.get('label')} in Teams...")
    if flow.step in ("done", "failed", "pending"):
        return outcome_card(_outcome(flow))
    return message_card(TITLE, "Cancelled. Nothing was changed.")


def _outcome(flow: Flow) -> OutcomeView:
    result, number = flow.state.get("result") or {}, flow.state.get("number") or {}
    facts = [("Number", number.get("label", "")), ("Was held by", number.get("holder") or "-"), ("Tenant", flow.tenant)]
    if flow.step == "done":
        facts.append(("Now", result.get("status") or "available"))
        title = f"{number.get('label')} was removed from {number.get('holder')}"
    elif flow.step == "pending":
        title = "Teams is still working on it"
    else:
        title = "Teams did not remove the number"
    return OutcomeView(
        flow.step == "done",
        flow.step == "pending",
        title,
        facts,
        detail=result.get("detail"),
        correlation_id=result.get("correlation_id", ""),
    )
