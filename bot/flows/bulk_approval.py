"""Four eyes for bulk assign (and the onboarding card's Assign all): where the tenant wants a second person,
an operator's Assign all does not go to Teams. The plan waits in its flow, its numbers still held, and the
card in the thread becomes one approval card that shows each viewer their own view: approvers other than
the one who asked see Approve and Reject, the asker "waiting". Approve runs the plan through the normal
bulk run (progress, then the results card, for everyone); Reject gives the numbers back. Both are audited.

These clicks are not the asker's flow clicks (`stale.answer_click` lets only a flow's own operator in): who
may decide comes from the activity and the tenant's approvers, never from the card."""

from __future__ import annotations

import re
from typing import Any

from bot.flows import bulk_run
from bot.flows.bulk_views import VIEWS, Step, approval_card
from bot.flows.card_data import CardProblem, id_input, text_input
from bot.flows.run_lease import run_marks
from bot.flows.view_models import number_key
from bot.turn import Reply, Turn
from cards.elements import Card
from cards.requests import MAX_REFRESH_USERS, Viewer
from inventory.errors import AccessDenied, NotFound
from inventory.flows import Flow, FlowMoved
from inventory.services.flow_steps import Move

VERBS = frozenset({"bulk_approval.refresh", "bulk_approval.approve", "bulk_approval.reject"})
_FLOW_ID = re.compile(r"^[0-9a-f-]{36}$")


async def send_for_approval(turn: Turn, flow: Flow) -> Reply:
    """The asker's Assign all under four eyes: the plan waits for another approver, audited."""
    actor, services = turn.operator.actor, turn.services
    listed = await services.switches.approver_list(flow.tenant)
    approvers = [
        o.aad_object_id for o in services.context.settings.approvers(flow.tenant, listed) if o.aad_object_id != actor.id
    ]
    personal = turn.conversation_type == "personal"
    found = (
        await turn.teammates.teams_ids(approvers[: MAX_REFRESH_USERS - 1])
        if turn.teammates is not None and not personal
        else []
    )
    refresh_for = [mri for mri in (*found, turn.sender_id) if mri]
    approval = {"asker": {"id": actor.id, "name": actor.name}, "refresh_for": refresh_for}
    waiting = Move(Step.FOR_APPROVAL, {"approval": approval, "message": None})
    flow = await services.bulk_approvals.ask(flow, actor, waiting, correlation_id=turn.correlation_id)
    mine = approval_card(turn, flow, Viewer.REQUESTER)
    if personal:  # the approvers are not in this chat: the tenant's channel gets a card they can decide on
        said = f"Asked in a personal chat by {actor.name}."
        await services.notifications.enqueue(flow.tenant, "request", approval_card(turn, flow, Viewer.APPROVER, said))
        return Reply(mine)
    return Reply(mine, for_everyone=approval_card(turn, flow, Viewer.OTHER))


async def act(turn: Turn, verb: str, data: dict[str, Any]) -> Reply:
    """A click on (or a refresh of) a bulk approval card."""
    flow = await _flow_of(turn, data)
    if flow.step != Step.FOR_APPROVAL:  # decided: everyone sees the plan's outcome
        return Reply(await _render(turn, flow))
    viewer = await _viewer(turn, flow)
    if verb == "bulk_approval.refresh":
        return Reply(approval_card(turn, flow, viewer))
    if viewer is not Viewer.APPROVER:
        name = turn.tenant_config(flow.tenant).display_name
        said = f"Only an approver of {name} other than the one who asked may decide this."
        return Reply(approval_card(turn, flow, viewer, said))
    if id_input(data, "v") != flow.version:
        return Reply(approval_card(turn, flow, viewer))
    try:
        if verb == "bulk_approval.approve":
            return await _approve(turn, flow)
        if verb == "bulk_approval.reject":
            return await _reject(turn, flow)
    except FlowMoved as moved:  # another approver decided first: their outcome is the answer
        return Reply(await _render(turn, moved.current))
    raise CardProblem("That card sent an action I do not know. Start again with a command (type help).")


async def _approve(turn: Turn, flow: Flow) -> Reply:
    approver = turn.operator.actor
    approval = {**flow.state["approval"], "approved_by": {"id": approver.id, "name": approver.name}}
    # The approver's turn runs the plan, so the journal and the audit name who let it go to Teams.
    running = Move(Step.RUNNING, {**run_marks(turn), "approval": approval})
    flow = await turn.services.bulk_approvals.approve(flow, approver, running, correlation_id=turn.correlation_id)
    reply = bulk_run.run_reply(turn, flow)
    return Reply(reply.card, follow_up=reply.follow_up, at_once=True, for_everyone=reply.card)


async def _reject(turn: Turn, flow: Flow) -> Reply:
    approver = turn.operator.actor
    held = [number_key(row["number"]) for row in flow.state.get("rows", []) if row.get("number")]
    rejected = Move(Step.CANCELLED, {"message": f"Rejected by {approver.name}."})
    flow = await turn.services.holds.give_back_for_flow(
        flow, held, actor=approver, correlation_id=turn.correlation_id, then=rejected
    )
    card = await _render(turn, flow)
    return Reply(card, for_everyone=card)


async def _flow_of(turn: Turn, data: dict[str, Any]) -> Flow:
    flow_id = text_input(data, "flow", limit=40)
    if not _FLOW_ID.match(flow_id):
        raise CardProblem("That approval card is not one of ours. Start again with: bulk assign.")
    flow = await turn.services.flows.reload(flow_id)
    if flow is None or flow.kind != "bulk" or "approval" not in flow.state:
        raise CardProblem("That approval card is not one of ours. Start again with: bulk assign.")
    if flow.tenant not in turn.operator.tenants:
        raise AccessDenied("Sorry, that bulk assignment belongs to a tenant you may not work on.")
    if flow.is_expired(turn.services.context.clock.now()):
        raise NotFound("This bulk approval has expired and its numbers went back; ask again with bulk assign.")
    return flow


async def _viewer(turn: Turn, flow: Flow) -> Viewer:
    operator = turn.operator
    if operator.actor.id == flow.state["approval"]["asker"]["id"]:
        return Viewer.REQUESTER  # nobody approves their own
    listed = await turn.services.switches.approver_list(flow.tenant)
    settings = turn.services.context.settings
    if settings.may_approve(flow.tenant, operator.actor.id, operator.role, listed):
        return Viewer.APPROVER
    return Viewer.OTHER


async def _render(turn: Turn, flow: Flow) -> Card:
    if flow.step == Step.FOR_APPROVAL:
        return approval_card(turn, flow, await _viewer(turn, flow))
    return await VIEWS[Step(flow.step)](turn, flow)
