"""The `sync` command: sync from Teams, review the diff, commit it (or cancel), see what was applied."""

from __future__ import annotations

from enum import StrEnum

from bot.flows import sync_step
from bot.flows.card_data import CardData
from bot.flows.table import FlowTable
from bot.turn import CardSink, Reply, Turn
from cards.common import message_card
from cards.elements import Card
from cards.sync import commit_summary_card, progress_card
from inventory.config import Role
from inventory.flows import Flow
from inventory.services.flow_steps import Move


class Step(StrEnum):
    SYNCING = "syncing"
    SYNCED = "synced"
    REVIEW = "review"
    CANCELLED = "cancelled"


TITLE = "Sync from Teams"
STEP = "Step 1 of 2 - sync from Teams"
REVIEW_STEP = "Step 2 of 2 - review and commit"


async def start(turn: Turn, args: str) -> Reply:
    turn.operator.require(Role.OPERATOR, "syncing")
    tenant = await turn.tenant()
    flow = await FLOW.start(turn, tenant, Step.SYNCING, {})

    async def work(sink: CardSink) -> Card:
        # Asked for explicitly: always a fresh look at Teams, never a recent sync's.
        synced = await sync_step.sync_first(turn, flow, sink=sink, title=TITLE, step=STEP, reuse_recent=False)
        step = Step.REVIEW if synced.needs_review else Step.SYNCED
        return await FLOW.render(turn, await FLOW.advance(turn, flow, step, **synced.changes))

    return Reply(progress_card(TITLE, step=STEP), follow_up=work)


async def _commit(turn: Turn, flow: Flow, data: CardData) -> Move:
    return Move(Step.SYNCED, await sync_step.commit(turn, flow))


async def _commit_safe(turn: Turn, flow: Flow, data: CardData) -> Move:
    return Move(Step.SYNCED, await sync_step.commit(turn, flow, sync_step.SAFE_CATEGORIES))


async def _cancel(turn: Turn, flow: Flow, data: CardData) -> Move:
    await sync_step.discard(turn, flow)
    return Move(Step.CANCELLED)


async def _syncing_view(turn: Turn, flow: Flow) -> Card:
    return progress_card(TITLE, step=STEP)


async def _review_view(turn: Turn, flow: Flow) -> Card:
    return await sync_step.render_review(turn, flow, title=TITLE, step=REVIEW_STEP)


async def _synced_view(turn: Turn, flow: Flow) -> Card:
    result = flow.state.get("commit")
    if not result:
        return message_card(TITLE, f"Nothing to do: Teams and the {flow.tenant} inventory agree.")
    return commit_summary_card(
        title=TITLE,
        applied=result["applied"],
        skipped=result["skipped"],
        flagged=result["flagged"],
        committed_by=result["committed_by"],
        again=False,
    )


async def _cancelled_view(turn: Turn, flow: Flow) -> Card:
    return message_card(TITLE, "Cancelled. The inventory was not changed.")


FLOW: FlowTable[Step] = FlowTable(
    kind="sync",
    steps=Step,
    actions={
        (Step.REVIEW, "sync.commit"): _commit,
        (Step.REVIEW, "sync.commit_safe"): _commit_safe,
        (Step.REVIEW, "cancel"): _cancel,
    },
    views={
        Step.SYNCING: _syncing_view,
        Step.SYNCED: _synced_view,
        Step.REVIEW: _review_view,
        Step.CANCELLED: _cancelled_view,
    },
    lost="This card is in a state I no longer know; start again with sync.",
)
