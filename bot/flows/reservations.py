"""`reserve ...` and `reservations [mine|PERSON|POOL]`: operators' reservations in chat.

`reserve` is one service call (`ReservationService.reserve`) and a card of what it took. `reservations`
is a card flow: a list whose Release and Extend buttons carry the number's id; each click is one
service call, and the list is drawn again from the database with what happened on top.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from bot.flows.capacity_notes import check_capacity
from bot.flows.card_data import CardData, id_input
from bot.flows.table import FlowTable
from bot.flows.view_models import ref
from bot.lifecycle_words import UsageError, parse_reserve
from bot.local_time import UTC_TIME, LocalTime
from bot.turn import Reply, Turn
from cards.elements import Card
from cards.reservations import ReservationView, reservations_card, reserved_card
from inventory.config import Role
from inventory.errors import NotFound
from inventory.flows import Flow
from inventory.model import PhoneNumber
from inventory.services.flow_steps import Move
from inventory.services.reservations import ReservationRequest


class Step(StrEnum):
    LIST = "list"


def reservation_view(number: PhoneNumber, local: LocalTime = UTC_TIME) -> ReservationView:
    hold = number.hold
    assert number.id is not None
    assert hold is not None
    until = local.at(hold.expires_at) if hold.expires_at else "no end"
    return ReservationView(
        id=number.id,
        label=number.label,
        owner=hold.owner_label,
        until=until,
        purpose=hold.note,
        for_name=hold.for_name,
        ticket=hold.ticket,
        pool=number.pool,
    )


async def reserve(turn: Turn, args: str) -> Reply:
    turn.operator.require(Role.OPERATOR, "reserving numbers")
    tenant = await turn.tenant()
    words = parse_reserve(args)
    person = await find_person(turn, tenant, words.person) if words.person else None
    request = ReservationRequest(
        tenant=tenant,
        number=words.number,
        count=words.count,
        pool=words.pool,
        for_id=person[0] if person else None,
        for_name=person[1] if person else None,
        until=words.until,
        duration=words.duration,
        purpose=words.note,
        ticket=words.ticket,
    )
    taken = await turn.services.reservations.reserve(request, turn.operator.actor, correlation_id=turn.correlation_id)
    conversation = turn.conversation
    if conversation is not None and conversation.person_id == turn.operator.actor.id:
        # The owner hears of the reservation's end in this chat (`bot.jobs`): keep where it is, and its region.
        await turn.services.notifications.remember(conversation)
    # Taking numbers may put their pools below their thresholds.
    await check_capacity(turn.services, tenant, {number.pool for number in taken})
    return Reply(reserved_card([reservation_view(n, turn.local_time) for n in taken], tenant=tenant))


async def find_person(turn: Turn, tenant: str, who: str) -> tuple[str, str]:
    """The one Teams account `who` names (its id and name); refuses, naming them, when it is none or several."""
    accounts = await turn.services.views.find_accounts(tenant, who[:100], limit=6)
    exact = [a for a in accounts if who.lower() in (a.label.lower(), (a.upn or "").lower())]
    if len(exact) == 1 or len(accounts) == 1:
        account = exact[0] if len(exact) == 1 else accounts[0]
        return account.id, account.label
    if not accounts:
        raise NotFound(f"Nobody in {tenant} starts with '{who[:40]}'. Try another name or their UPN.")
    names = ", ".join(a.label for a in accounts[:5])
    raise UsageError(f"Several people match '{who[:40]}': {names}. Say more of the name, or their UPN.")


async def start_list(turn: Turn, args: str) -> Reply:
    tenant = await turn.tenant()
    state = await _scope(turn, tenant, args.strip())
    return Reply(await FLOW.render(turn, await FLOW.start(turn, tenant, Step.LIST, state)))


async def _scope(turn: Turn, tenant: str, what: str) -> dict[str, Any]:
    """Whose reservations `what` asks for: everyone's, mine, a pool's or a person's."""
    if not what:
        return {"scope": f"All of {tenant}"}
    if what.lower() in ("mine", "my", "me"):
        return {"scope": "Yours", "owner": turn.operator.actor.id}
    pools = {name.lower(): name for name in await turn.services.views.pool_names(tenant)}
    if what.lower() in pools:
        return {"scope": f"In pool {pools[what.lower()]}", "pool": pools[what.lower()]}
    person_id, name = await find_person(turn, tenant, what)
    return {"scope": f"For {name}", "for_id": person_id}


async def _release(turn: Turn, flow: Flow, data: CardData) -> Move:
    turn.operator.require(Role.OPERATOR, "releasing reservations")
    number = await turn.services.reservations.release(
        flow.tenant, id_input(data, "number"), turn.operator.actor, correlation_id=turn.correlation_id
    )
    await check_capacity(turn.services, flow.tenant, [number.pool])  # it may lift its pool above its threshold
    return Move(Step.LIST, {"message": f"Released {number.label}: it is available again."})


async def _extend(turn: Turn, flow: Flow, data: CardData) -> Move:
    turn.operator.require(Role.OPERATOR, "extending reservations")
    number = await turn.services.reservations.extend(
        flow.tenant, id_input(data, "number"), turn.operator.actor, correlation_id=turn.correlation_id
    )
    until = number.hold.expires_at if number.hold else None
    shown = turn.local_time.at(until) if until else "no end"
    return Move(Step.LIST, {"message": f"{number.label} is now reserved until {shown}."})


async def _list_view(turn: Turn, flow: Flow) -> Card:
    state = flow.state
    found = await turn.services.reservations.listing(
        flow.tenant, owner=state.get("owner"), for_id=state.get("for_id"), pool=state.get("pool")
    )
    return reservations_card(
        ref(flow),
        scope=str(state.get("scope", "")),
        items=[reservation_view(n, turn.local_time) for n in found.items],
        total=found.total,
        message=state.get("message"),
    )


FLOW: FlowTable[Step] = FlowTable(
    kind="reservations",
    steps=Step,
    actions={(Step.LIST, "reservations.release"): _release, (Step.LIST, "reservations.extend"): _extend},
    views={Step.LIST: _list_view},
    lost="This card is in a state I no longer know; start again with reservations.",
)
