"""The assign flow's last step: the assignment in Teams, its outcome on the card and in the channel."""

from __future__ import annotations

from typing import Any

from bot.flows.assign_views import TITLE, Step
from bot.flows.capacity_notes import check_capacity
from bot.flows.run_lease import keep_lease, run_marks
from bot.flows.table import FlowTable
from bot.flows.view_models import account_from_state, assignee_of
from bot.turn import CardSink, Reply, Turn
from cards import assign as assign_cards
from cards.elements import Card
from cards.notify import assigned_note
from cards.personal import new_number_card
from inventory.errors import ConcurrentChange, TransitionRefused
from inventory.flows import Flow
from inventory.services.assignment import AssignRequest, OperationResult
from inventory.services.container import Services
from inventory.services.holds import flow_hold_owner


async def assign_in_teams(
    table: FlowTable[Step], turn: Turn, flow: Flow, *, location_id: str | None = None, location: str = ""
) -> Reply:
    """Confirm: ask Teams (with the emergency location chosen, if any), wait for it (or show a waiting card
    and replace it), record the outcome, tell the channel."""
    flow = await table.advance(  # resumable after a crash
        turn,
        flow,
        Step.ASSIGNING,
        location_id=location_id,
        location_label=location if location_id else None,
        **run_marks(turn),
    )
    account, number = account_from_state(flow.state["account"]), flow.state["number"]

    async def work(_: CardSink) -> Card:
        request = AssignRequest(
            tenant=flow.tenant,
            number=number["e164"],
            extension=number["ext"],
            account=assignee_of(account),
            policy=flow.state.get("policy"),
            hold_owner=flow_hold_owner(flow.id),
            flow_id=flow.id,
            location_id=flow.state.get("location_id"),
        )
        async with keep_lease(turn.services, flow) as lease:
            try:
                result = await turn.services.assignments.assign(request, turn.operator.actor)
            except (TransitionRefused, ConcurrentChange) as refused:
                message = f"{refused} Pick another number."
                picked = await table.advance(turn, lease.flow, Step.PICK, number=None, message=message)
                return await table.render(turn, picked)
        step = Step.DONE if result.succeeded else (Step.PENDING if result.pending else Step.FAILED)
        told = await _tell_the_person(turn, lease.flow, request.policy) if result.succeeded else None
        if result.succeeded:
            # Before the outcome is recorded: a process that dies in between leaves the flow assigning, and
            # the resume job tells the channel then (twice, if it died in the moment after this).
            policy = policy_words(request.policy, pending=result.policy_pending, warning=bool(result.policy_warning))
            await tell_channel_assigned(turn.services, lease.flow, policy=policy, operator=turn.operator.actor.name)
        moved = await table.advance(
            turn, lease.flow, step, result={**_result_state(result), "told": told}, lease_until=None
        )
        return await table.render(turn, moved)

    waiting = assign_cards.waiting_card(TITLE, f"Assigning {number['label']} to {account.name} in Teams...")
    return Reply(waiting, follow_up=work, at_once=True)


async def _tell_the_person(turn: Turn, flow: Flow, policy: str | None) -> bool | None:
    """When the tenant turns it on, the person hears of their new number in a personal chat with the bot.

    None: not asked to (the setting is off, a resource account, or no Bot Connector on this turn); False:
    Teams would not open the chat (the app is not installed for them), and the assignment stands."""
    account, number = account_from_state(flow.state["account"]), flow.state["number"]
    config = turn.tenant_config(flow.tenant)
    if not config.tell_assignee or account.kind != "user" or turn.tell_person is None:
        return None
    card = new_number_card(
        name=account.name,
        number=number["label"],
        policy=policy,
        organisation=config.display_name,
        operator=turn.operator.actor.name,
    )
    return await turn.tell_person(account.id, card)


def _result_state(result: OperationResult) -> dict[str, Any]:
    return {
        "succeeded": result.succeeded,
        "pending": result.pending,
        "detail": result.detail,
        "warning": result.policy_warning,
        "policy_pending": result.policy_pending,
        "correlation_id": result.correlation_id,
        "replaced": [number.label for number in result.replaced],
    }


def policy_words(policy: str | None, *, pending: bool, warning: bool) -> str | None:
    """The policy as the channel reads it: pending while the journal retries a grant Teams refused."""
    if pending:
        return f"{policy} (pending: Switchboard retries the grant)"
    return policy if not warning else None


async def tell_channel_assigned(services: Services, flow: Flow, *, policy: str | None, operator: str) -> None:
    """The channel's note of an assignment the flow made, then its pool's capacity."""
    account, number = account_from_state(flow.state["account"]), flow.state["number"]
    note = assigned_note(
        tenant=flow.tenant, number=number["label"], holder=account.choice_title, policy=policy, operator=operator
    )
    await services.notifications.enqueue(flow.tenant, "assign", note)
    # The number's pool only, unless numbers it replaced were freed (of pools the card does not know).
    touched = None if flow.state.get("replaces") else [number.get("pool")]
    await check_capacity(services, flow.tenant, touched)
