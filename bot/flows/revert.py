"""Revert a change from `history`: confirm what Teams will be asked to do, then do it through the journal.

Started by a history card's **Revert** button (operators only). The plan is read again on every render
and at the click, so a number that moved on since the card was drawn is refused, never half-reverted.
"""

from __future__ import annotations

from enum import StrEnum

from bot.flows.capacity_notes import check_capacity
from bot.flows.card_data import CardData
from bot.flows.table import FlowTable
from bot.flows.view_models import ref
from bot.turn import CardSink, Reply, Turn
from cards.assign import outcome_card, waiting_card
from cards.common import message_card
from cards.elements import Card
from cards.notify import assigned_note, removed_note
from cards.revert import TITLE, RevertView, revert_confirm_card
from cards.views import OutcomeView
from inventory.config import Role
from inventory.errors import NotFound, TransitionRefused
from inventory.flows import Flow
from inventory.revert import RevertKind, RevertPlan
from inventory.services.flow_steps import Move


class Step(StrEnum):
    CONFIRM = "confirm"
    REVERTING = "reverting"
    DONE = "done"
    FAILED = "failed"
    PENDING = "pending"
    CANCELLED = "cancelled"


async def begin(turn: Turn, tenant: str, event_id: int, change: str) -> Reply:
    """The confirm card for reverting event `event_id` (`change` says which change, in words)."""
    turn.operator.require(Role.OPERATOR, "reverting changes")
    plan = await turn.services.reverts.plan(tenant, event_id)  # refused now, before a flow exists
    flow = await FLOW.start(turn, tenant, Step.CONFIRM, {"event": event_id, "change": change, "label": plan.label})
    return Reply(await FLOW.render(turn, flow))


def _afterwards(turn: Turn, flow: Flow, plan: RevertPlan) -> str:
    """What the number will be: a removal follows the tenant's rule (the change's before-state may have been
    a picker's hold, which no revert brings back); a number given back is as it was."""
    if plan.kind is RevertKind.ASSIGN:
        return plan.before
    days = turn.tenant_config(flow.tenant).quarantine_days
    return f"quarantined for {days} days, then available" if days else "available"


def _in_teams(plan: RevertPlan) -> str:
    if plan.kind is RevertKind.UNASSIGN:
        return f"Teams will be asked to remove {plan.label} from {plan.holder.label}."
    policy = f" with the policy {plan.policy}" if plan.policy else ""
    return f"Teams will be asked to assign {plan.label} to {plan.holder.label} again{policy}."


async def _confirm_view(turn: Turn, flow: Flow) -> Card:
    plan = await turn.services.reverts.plan(flow.tenant, int(flow.state["event"]))
    view = RevertView(plan.label, str(flow.state["change"]), plan.after, _afterwards(turn, flow, plan), _in_teams(plan))
    return revert_confirm_card(ref(flow), view, tenant=flow.tenant)


async def _cancel(turn: Turn, flow: Flow, data: CardData) -> Move:
    return Move(Step.CANCELLED)


async def _confirm(turn: Turn, flow: Flow, data: CardData) -> Reply:
    turn.operator.require(Role.OPERATOR, "reverting changes")
    plan = await turn.services.reverts.plan(flow.tenant, int(flow.state["event"]))
    flow = await FLOW.advance(
        turn, flow, Step.REVERTING, kind=plan.kind.value, holder=plan.holder.label, policy=plan.policy
    )

    async def work(_: CardSink) -> Card:
        actor = turn.operator.actor
        try:
            result = await turn.services.reverts.revert(flow.tenant, int(flow.state["event"]), actor, flow_id=flow.id)
        except (TransitionRefused, NotFound) as refused:
            return await FLOW.render(turn, await FLOW.advance(turn, flow, Step.FAILED, result={"detail": str(refused)}))
        step = Step.DONE if result.succeeded else (Step.PENDING if result.pending else Step.FAILED)
        state = {"detail": result.detail or result.policy_warning, "correlation_id": result.correlation_id}
        moved = await FLOW.advance(turn, flow, step, result=state)
        if result.succeeded:
            if plan.kind is RevertKind.UNASSIGN:
                now = result.number.status.value if result.number else "available"
                note = removed_note(
                    tenant=flow.tenant, number=plan.label, holder=plan.holder.label, now=now, operator=actor.name
                )
            else:
                note = assigned_note(
                    tenant=flow.tenant,
                    number=plan.label,
                    holder=plan.holder.label,
                    policy=plan.policy,
                    operator=actor.name,
                )
            await turn.services.notifications.enqueue(flow.tenant, "revert", note)
            await check_capacity(turn.services, flow.tenant)  # an undone assignment frees, an undone removal uses
        return await FLOW.render(turn, moved)

    return Reply(waiting_card(TITLE, _doing(plan)), work)


def _doing(plan: RevertPlan) -> str:
    if plan.kind is RevertKind.UNASSIGN:
        return f"Removing {plan.label} from {plan.holder.label} in Teams..."
    return f"Assigning {plan.label} to {plan.holder.label} again in Teams..."


async def _reverting_view(turn: Turn, flow: Flow) -> Card:
    return waiting_card(TITLE, f"Reverting the change of {flow.state['label']} in Teams...")


async def _outcome_view(turn: Turn, flow: Flow) -> Card:
    result = flow.state.get("result") or {}
    label, holder = flow.state["label"], flow.state.get("holder") or "-"
    gave_back = flow.state.get("kind") == RevertKind.ASSIGN.value
    if flow.step == Step.DONE:
        title = f"Reverted: {label} is {'assigned to' if gave_back else 'no longer held by'} {holder}"
    elif flow.step == Step.PENDING:
        title = "Teams is still working on it"
    else:
        title = "The change was not reverted"
    facts = [("Number", label), ("Change", str(flow.state["change"])), ("Tenant", flow.tenant)]
    if gave_back and flow.state.get("policy"):
        facts.append(("Voice routing policy", str(flow.state["policy"])))
    outcome = OutcomeView(
        flow.step == Step.DONE,
        flow.step == Step.PENDING,
        title,
        facts,
        detail=result.get("detail"),
        correlation_id=result.get("correlation_id", ""),
    )
    return outcome_card(outcome)


async def _cancelled_view(turn: Turn, flow: Flow) -> Card:
    return message_card(TITLE, "Cancelled. Nothing was changed.")


FLOW: FlowTable[Step] = FlowTable(
    kind="revert",
    steps=Step,
    actions={(Step.CONFIRM, "cancel"): _cancel, (Step.CONFIRM, "revert.confirm"): _confirm},
    views={
        Step.CONFIRM: _confirm_view,
        Step.REVERTING: _reverting_view,
        Step.DONE: _outcome_view,
        Step.FAILED: _outcome_view,
        Step.PENDING: _outcome_view,
        Step.CANCELLED: _cancelled_view,
    },
    lost="This card is in a state I no longer know; start again with history.",
)
