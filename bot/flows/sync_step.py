"""The sync-first step every picker starts with (the seed's steps 1 and 2), and its review card.

`run` answers with a progress card and syncs in the follow-up; when nothing changed it goes straight
on to `next_step`, otherwise the flow waits on the review card for Commit or Cancel.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.flows.common import advance, diff_view, progress, ref, sync_progress
from bot.turn import CardSink, Reply, Turn
from cards.elements import Card
from cards.notify import sync_note
from cards.sync import diff_card
from inventory.store.flows import Flow

NextStep = Callable[[Flow], Awaitable[Card]]
SAFE_CATEGORIES = ("add", "update")


def run(
    turn: Turn,
    flow: Flow,
    *,
    title: str,
    step: str,
    next_step: NextStep,
    review_step: str | None = None,
    reuse_recent: bool = True,
) -> Reply:
    """Sync first. `review_step` labels the review card (give the label the flow's `render` uses, so a
    redraw matches). With `reuse_recent`, a sync of the last few seconds that left the inventory matching
    Teams is trusted instead of fetching every number again (many pickers opening at once)."""
    review = review_step or step.replace("sync from Teams", "review")

    async def work(sink: CardSink) -> Card:
        if reuse_recent:
            max_age = timedelta(seconds=turn.services.settings.sync_reuse_seconds)
            recent = await turn.services.sync.recent_clean_run(flow.tenant, max_age=max_age)
            if recent is not None:
                age = (turn.services.clock.now() - recent.started_at).total_seconds()
                note = f"Checked against Teams {age:.0f} s ago; the inventory matched."
                return await next_step(await advance(turn, flow, "synced", run=recent.id, sync_note=note))
        report = sync_progress(turn, flow.tenant, sink, title=title, step=step)
        preview = await turn.services.sync.start_sync(flow.tenant, turn.operator.actor, report)
        if not preview.has_changes:
            moved = await advance(turn, flow, "synced", run=preview.run.id, sync_note="Teams and the inventory agree.")
            return await next_step(moved)
        moved = await advance(turn, flow, "review", run=preview.run.id)
        return await render_review(turn, moved, title=title, step=review)

    return Reply(progress(title, step), follow_up=work)


async def render_review(turn: Turn, flow: Flow, *, title: str, step: str) -> Card:
    preview = await turn.services.sync.get_preview(str(flow.state["run"]), flow.tenant)
    return diff_card(ref(flow), diff_view(preview), title=title, step=step)


async def commit(turn: Turn, flow: Flow, verb: str, *, next_step: NextStep) -> Reply:
    categories = SAFE_CATEGORIES if verb == "sync.commit_safe" else None
    result = await turn.services.sync.commit_sync(str(flow.state["run"]), flow.tenant, turn.operator.actor, categories)
    applied = ", ".join(f"{name} {count:,}" for name, count in result.applied.items() if count) or "nothing"
    note = f"Committed: {applied}."
    if result.skipped:
        note += f" Skipped {len(result.skipped)} that changed meanwhile."
    moved = await advance(turn, flow, "synced", sync_note=note, commit=result.as_json())
    if not result.already_committed and result.total_applied:
        card = sync_note(
            tenant=flow.tenant, applied=result.applied, skipped=len(result.skipped), operator=turn.operator.actor.name
        )
        await turn.services.notifier.enqueue(flow.tenant, "sync", card)
    return Reply(await next_step(moved))
