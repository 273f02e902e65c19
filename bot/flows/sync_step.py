"""Sync first: every picker starts by bringing the inventory level with Teams, and its review card.

`sync_first` either finds nothing to review (or trusts a sync of the last few seconds that left the
inventory matching Teams), or stores a diff for the operator to commit or cancel. It says which, and what
the flow should keep (the run, and a note for the card), by what it returns; the flow moves itself on,
in one step, to its review or to whatever comes next. `commit` likewise returns what to keep.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.flows.capacity_notes import check_capacity
from bot.flows.view_models import diff_view, ref
from bot.turn import CardSink, Turn
from cards.elements import Card
from cards.notify import sync_note, teams_failures_note
from cards.sync import diff_card, progress_card
from inventory.flows import Flow
from inventory.ports.phone_system import FetchProgress, ProgressCallback
from inventory.sync.changes import ADD, UPDATE

SAFE_CATEGORIES = (ADD, UPDATE)


@dataclass(frozen=True)
class Synced:
    changes: dict[str, Any]  # for the flow's state: the run, and (when nothing needs review) `sync_note`
    needs_review: bool


async def sync_first(
    turn: Turn, flow: Flow, *, sink: CardSink, title: str, step: str, reuse_recent: bool = True
) -> Synced:
    """Sync `flow`'s tenant. With `reuse_recent`, a clean sync of the last `sync_reuse_seconds` is trusted
    instead of fetching every number again (many pickers opening at once); `sync` itself never reuses."""
    if reuse_recent:
        max_age = timedelta(seconds=turn.services.context.settings.sync_reuse_seconds)
        recent = await turn.services.sync.recent_clean_run(flow.tenant, max_age=max_age)
        if recent is not None:
            age = (turn.services.context.clock.now() - recent.started_at).total_seconds()
            note = f"Checked against Teams {age:.0f} s ago; the inventory matched."
            return Synced({"run": recent.id, "sync_note": note}, False)
    report = _progress_reporter(sink, title=title, step=step)
    preview = await turn.services.sync.start_sync(flow.tenant, turn.operator.actor, report)
    if not preview.has_changes:
        return Synced({"run": preview.run.id, "sync_note": "Teams and the inventory agree."}, False)
    return Synced({"run": preview.run.id}, True)


async def commit(turn: Turn, flow: Flow, categories: Collection[str] | None = None) -> dict[str, Any]:
    """Commit the run under review (all categories, or the safe ones); returns what the flow keeps of it (a
    note of what was applied, and the result). The tenant's channel hears of it."""
    result = await turn.services.sync.commit_sync(str(flow.state["run"]), flow.tenant, turn.operator.actor, categories)
    applied = ", ".join(f"{name} {count:,}" for name, count in result.applied.items() if count) or "nothing"
    note = f"Committed: {applied}."
    if result.skipped:
        note += f" Skipped {len(result.skipped)} that changed meanwhile."
    if not result.already_committed and result.total_applied:
        card = sync_note(
            tenant=flow.tenant, applied=result.applied, skipped=len(result.skipped), operator=turn.operator.actor.name
        )
        await turn.services.notifications.enqueue(flow.tenant, "sync", card)
        await check_capacity(turn.services, flow.tenant)  # numbers Teams added, freed or took meanwhile
    if not result.already_committed and result.failed_in_teams:
        failures = teams_failures_note(
            tenant=flow.tenant, count=result.failed_in_teams, lines=result.failed_in_teams_lines
        )
        await turn.services.notifications.enqueue(flow.tenant, "teams-failures", failures)
    return {"sync_note": note, "commit": result.as_json()}


async def discard(turn: Turn, flow: Flow) -> None:
    await turn.services.sync.discard_sync(str(flow.state["run"]), flow.tenant, turn.operator.actor)


async def render_review(turn: Turn, flow: Flow, *, title: str, step: str) -> Card:
    preview = await turn.services.sync.get_preview(str(flow.state["run"]), flow.tenant)
    return diff_card(ref(flow), diff_view(preview, turn.local_time), title=title, step=step)


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
