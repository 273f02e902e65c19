"""Four eyes: where the tenant wants it (`four eyes on`), an operator's confirmed assignment is not sent to
Teams; it becomes a number request for the number their card holds, with the policy and emergency location
they chose, and another operator or admin approves it on the request card (`bot/requests.py`). The one who
asked never approves their own. The assign card turns into the request card in place."""

from __future__ import annotations

from bot.flows.assign_views import Step
from bot.flows.table import FlowTable
from bot.flows.view_models import account_from_state, assignee_of
from bot.requests import channel_card, requester_view, shared_card
from bot.turn import Reply, Turn
from cards.requests import MAX_REFRESH_USERS
from inventory.flows import Flow
from inventory.requests import Person
from inventory.services.flow_steps import Move
from inventory.services.requests import NewRequest, NumberKey


async def send_for_approval(table: FlowTable[Step], turn: Turn, flow: Flow, *, location_id: str | None) -> Reply:
    account, number = account_from_state(flow.state["account"]), flow.state["number"]
    actor, services = turn.operator.actor, turn.services
    listed = await services.switches.approver_list(flow.tenant)
    approvers = [
        o.aad_object_id for o in services.context.settings.approvers(flow.tenant, listed) if o.aad_object_id != actor.id
    ]
    in_chat_with_others = turn.teammates is not None and turn.conversation_type != "personal"
    found = (
        await turn.teammates.teams_ids(approvers[: MAX_REFRESH_USERS - 1])
        if turn.teammates and in_chat_with_others
        else []
    )
    new = NewRequest(
        tenant=flow.tenant,
        requester=actor,
        requester_mri=turn.sender_id,
        person=Person(account.id, account.name, account.upn or ""),
        note="four eyes: an operator's own assignment",
        conversation=turn.conversation.reference if turn.conversation else None,
        approver_mris=tuple(found),
    )
    held = NumberKey(
        number["e164"],
        number["ext"],
        policy=flow.state.get("policy") or "",  # "" is no policy at all: not the tenant's default
        location_id=location_id,
        person_type=assignee_of(account).account_type.value,
    )
    request = await services.requests.from_assignment(
        new, flow, held, Move(Step.FOR_APPROVAL), correlation_id=turn.correlation_id
    )
    if turn.card_id:  # the assign card is now the request's: decisions update it for everyone
        await services.requests.attach_card(request.id, turn.card_id)
    if turn.conversation_type == "personal":
        await services.notifications.enqueue(flow.tenant, "request", channel_card(request))
    return Reply(requester_view(request), for_everyone=shared_card(request))
