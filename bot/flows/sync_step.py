"""Sync first: every picker starts by bringing the inventory level with Teams, and its review card.

`sync_first` either finds nothing to review (or trusts a sync of the last few seconds that left the
inventory matching Teams) and leaves the flow at its `synced` step, or stores a diff and leaves it at its
`review` step for Commit or Cancel. It says which by what it returns; the flow decides what comes next.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import TypeVar

from bot.flows.table import FlowTable
from bot.flows.view_models import diff_view, ref
from bot.turn import CardSink, Turn
from cards.elements import Card
from cards.notify import sync_note
from cards.sync import diff_card, progress_card
from inventory.flows import Flow
from inventory.ports.phone_system import FetchProgress, ProgressCallback
from inventory.sync.changes import ADD, UPDATE

S = TypeVar("S", bound=StrEnum)
SAFE_CATEGORIES = (ADD, UPDATE)


@dataclass(frozen=True)
class Synced:
    flow: Flow  # at the flow's `synced` step, or at its `review` step when `needs_review`
    needs_review: bool


async def sync_first(
    turn: Turn,
    table: FlowTable[S],
    flow: Flow,
    *,
    synced: S,
    review: S,
    sink: CardSink,
    title: str,
    step: str,
    reuse_recent: bool = True,
) -> Synced:
    """Sync `flow`'s tenant. With `reuse_recent`, a clean sync of the last `sync_reuse_seconds` is trusted
    instead of fetching every number again (many pickers opening at once); `sync` itself never reuses."""
    if reuse_recent:
        max_age = timedelta(seconds=turn.services.context.settings.sync_reuse_seconds)
        recent = await turn.services.sync.recent_clean_run(flow.tenant, max_age=max_age)
        if recent is not None:
            age = (turn.services.context.clock.now() - recent.started_at).total_seconds()
            note = f"Checked against Teams {age:.0f} s ago; the inventory matched."
            return Synced(await table.advance(turn, flow, synced, run=recent.id, sync_note=note), False)
    report = _progress_reporter(sink, title=title, step=step)
    preview = await turn.services.sync.start_sync(flow.tenant, turn.operator.actor, report)
    if not preview.has_changes:
        note = "Teams and the inventory agree."
        return Synced(await table.advance(turn, flow, synced, run=preview.run.id, sync_note=note), False)
    return Synced(await table.advance(turn, flow, review, run=preview.run.id), True)


async def commit(
    turn: Turn, table: FlowTable[S], flow: Flow, *, synced: S, categories: Collection[str] | None = None
) -> Flow:
    """Commit the run under review (all categories, or the safe ones) and leave the flow at `synced`, with
    a note of what was applied; the tenant's channel hears of it."""
    result = await turn.services.sync.commit_sync(str(flow.state["run"]), flow.tenant, turn.operator.actor, categories)
    applied = ", ".join(f"{name} {count:,}" for name, count in result.applied.items() if count) or "nothing"
    note = f"Committed: {applied}."
    if result.skipped:
        note += f" Skipped {len(result.skipped)} that changed meanwhile."
    moved = await table.advance(turn, flow, synced, sync_note=note, commit=result.as_json())
    if not result.already_committed and result.total_applied:
        card = sync_note(
            tenant=flow.tenant, applied=result.applied, skipped=len(result.skipped), operator=turn.operator.actor.name
        )
        await turn.services.notifications.enqueue(flow.tenant, "sync", card)
    return moved


async def discard(turn: Turn, flow: Flow) -> None:
    await turn.services.sync.discard_sync(str(flow.state["run"]), flow.tenant, turn.operator.actor)


async def render_review(turn: Turn, flow: Flow, *, title: str, step: str) -> Card:
    preview = await turn.services.sync.get_preview(str(flow.state["run"]), flow.tenant)
    return diff_card(ref(flow), diff_view(preview), title=title, step=step)


def _progress_reporter(sink: CardSink, *, title: str, step: str) -> ProgressCallback:
    """Redraws the progress card at most once a second."""
    last = 0.0

    async def report(update: FetchProgress) -> None:
        nonlocal last
        if time.monotonic() - last < 1.0:
            return
        last = time.monotonic()
        await sink(progress_card(title, step=step, pages=update.pages, items=update.items, what=update.what))

    return report
