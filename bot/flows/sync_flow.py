"""The `sync` command: sync from Teams, review the diff, commit it (or cancel), see what was applied."""

from __future__ import annotations

from typing import Any

from bot.flows import sync_step
from bot.flows.common import advance, progress, start_flow
from bot.turn import Reply, Turn
from cards.common import message_card
from cards.elements import Card
from cards.sync import commit_summary_card
from inventory.config import Role
from inventory.store.flows import Flow

KIND = "sync"
TITLE = "Sync from Teams"
STEP = "Step 1 of 2 - sync from Teams"
REVIEW_STEP = "Step 2 of 2 - review and commit"


async def start(turn: Turn, args: str) -> Reply:
    turn.operator.require(Role.OPERATOR, "syncing")
    tenant = await turn.tenant()
    flow = await start_flow(turn, KIND, tenant, "syncing", {})
    # Asked for explicitly: always a fresh look at Teams, never a recent sync's.
    return sync_step.run(
        turn,
        flow,
        title=TITLE,
        step=STEP,
        review_step=REVIEW_STEP,
        next_step=lambda f: render(turn, f),
        reuse_recent=False,
    )


async def act(turn: Turn, flow: Flow, verb: str, data: dict[str, Any]) -> Reply:
    if flow.step == "review" and verb in ("sync.commit", "sync.commit_safe"):
        return await sync_step.commit(turn, flow, verb, next_step=lambda f: render(turn, f))
    if flow.step == "review" and verb == "cancel":
        await turn.services.sync.discard_sync(str(flow.state["run"]), flow.tenant, turn.operator.actor)
        return Reply(await render(turn, await advance(turn, flow, "cancelled")))
    return Reply(await render(turn, flow))


async def render(turn: Turn, flow: Flow) -> Card:
    if flow.step == "syncing":
        return progress(TITLE, STEP)
    if flow.step == "review":
        return await sync_step.render_review(turn, flow, title=TITLE, step=REVIEW_STEP)
    if flow.step == "synced" and flow.state.get("commit"):
        result = flow.state["commit"]
        return commit_summary_card(
            title=TITLE,
            applied=result["applied"],
            skipped=result["skipped"],
            flagged=result["flagged"],
            committed_by=result["committed_by"],
            again=False,
        )
    if flow.step == "synced":
        return message_card(TITLE, f"Nothing to do: Teams and the {flow.tenant} inventory agree.")
    return message_card(TITLE, "Cancelled. The inventory was not changed.")
