"""Committing a reviewed sync (or discarding it): the commit half of `SyncService`.

A commit applies the chosen categories in one transaction; a row that changed since the diff is
skipped and reported, never overwritten. The run moves from `open` to `committed` inside that same
transaction, so a second commit (a double click, another replica) finds it closed and answers with
the first commit's result.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime

from inventory.audit import new_correlation_id
from inventory.e164 import display_number, split_teams_number
from inventory.errors import NotFound, SwitchboardError
from inventory.gc_pause import collector_paused
from inventory.model import Actor
from inventory.ports.storage import UnitOfWork
from inventory.ports.work_repositories import SyncRunRepository
from inventory.services.context import ServiceContext
from inventory.sync.changes import ADD, CATEGORIES, Change, apply_change
from inventory.sync.runs import COMMITTED, DISCARDED, OPEN, CommitResult, SyncRun

log = logging.getLogger(__name__)

FAILED_LINES = 15  # numbers named in the channel's failure note; the count says how many more
COMMIT_BATCH = 5_000  # updates and drift locked, checked and written at a time


class SyncCommits:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context
        self._storage = context.storage
        self._clock = context.clock

    async def commit_sync(
        self, run_id: str, tenant: str, operator: Actor, categories: Collection[str] | None = None
    ) -> CommitResult:
        """Apply the chosen categories (all by default) in one transaction; idempotent per run."""
        chosen = [c for c in CATEGORIES if categories is None or c in categories]
        if not chosen:
            raise SwitchboardError("Choose at least one of: to add, to update, drift.")
        with collector_paused():
            return await self._commit(run_id, tenant, operator, chosen)

    async def _commit(self, run_id: str, tenant: str, operator: Actor, chosen: list[str]) -> CommitResult:
        correlation_id = new_correlation_id()
        now = self._clock.now()
        async with self._storage.write() as uow:
            run = await run_of(uow.sync_runs, run_id, tenant)
            quarantine_days = self._context.tenant(tenant).quarantine_days
            closed = (
                run.status == OPEN
                and run.expires_at > now
                and await uow.sync_runs.close(run_id, COMMITTED, by=operator.name, at=now, result=None)
            )
            if not closed:
                return _not_open(await run_of(uow.sync_runs, run_id, tenant))
            result = await _apply(uow, run, chosen, operator, now, quarantine_days, correlation_id)
            await uow.sync_runs.set_result(run_id, result.as_json())
        log.info(
            "sync committed tenant=%s run=%s applied=%s skipped=%d correlation=%s",
            tenant,
            run_id,
            result.applied,
            len(result.skipped),
            correlation_id,
        )
        return result

    async def discard_sync(self, run_id: str, tenant: str, operator: Actor) -> SyncRun:
        """Close an open run without applying it (Cancel). Discarding twice is harmless."""
        async with self._storage.write() as uow:
            run = await run_of(uow.sync_runs, run_id, tenant)
            if run.status == OPEN:
                await uow.sync_runs.close(run_id, DISCARDED, by=operator.name, at=self._clock.now(), result=None)
            return await run_of(uow.sync_runs, run_id, tenant)


async def run_of(runs: SyncRunRepository, run_id: str, tenant: str) -> SyncRun:
    """The run, if it is this tenant's: another tenant's run reads as "not found", so a card cannot be
    replayed across tenants."""
    run = await runs.get(run_id)
    if run is None or run.tenant != tenant:
        raise NotFound("That sync no longer exists; run sync again.")
    return run


def _not_open(run: SyncRun) -> CommitResult:
    if run.status == COMMITTED:
        return CommitResult.of_committed(run)
    if run.status == DISCARDED:
        raise SwitchboardError(f"This sync was cancelled by {run.closed_by_name}; run sync again.")
    raise SwitchboardError(
        f"This sync expired at {run.expires_at:%H:%M} UTC (a diff is only trusted for a short while); run sync again."
    )


async def _apply(
    uow: UnitOfWork,
    run: SyncRun,
    categories: list[str],
    operator: Actor,
    now: datetime,
    quarantine_days: int,
    correlation_id: str,
) -> CommitResult:
    applied = dict.fromkeys(CATEGORIES, 0)
    skipped: list[str] = []
    flagged = 0
    if ADD in categories:
        await uow.numbers.lock_tenant_for_inserts(run.tenant)
        applied[ADD], taken = await uow.sync_runs.apply_adds(
            run.id, run.tenant, actor=operator, at=now, correlation_id=correlation_id
        )
        skipped += [
            f"{display_number(*split_teams_number(key))}: added to the inventory by someone else since the sync."
            for key in taken
        ]
    # Updates and drift in id order, a bounded batch at a time, all in this one transaction: a tenant
    # where everything moved is applied with a batch's rows in memory, not the tenant's.
    edit_categories = [c for c in categories if c != ADD]
    after_id = 0
    while edit_categories:
        batch = await uow.sync_runs.changes(
            run.id, edit_categories, after_id=after_id, limit=COMMIT_BATCH, with_fields=False
        )
        if not batch:
            break
        after_id = batch[-1].id
        edits = [stored.change for stored in batch]
        flagged += await _apply_edits(uow, run, edits, operator, now, quarantine_days, correlation_id, applied, skipped)
    failed_count, failed = await uow.sync_runs.failed_in_teams(run.id, limit=FAILED_LINES)
    failed_lines = [
        f"{stored.change.label}: {stored.change.proposal.activation_state.label}"
        for stored in failed
        if stored.change.proposal.activation_state is not None
    ]
    return CommitResult(
        run.id, applied, skipped, flagged, False, operator.name, correlation_id, failed_count, failed_lines
    )


async def _apply_edits(
    uow: UnitOfWork,
    run: SyncRun,
    edits: list[Change],
    operator: Actor,
    now: datetime,
    quarantine_days: int,
    correlation_id: str,
    applied: dict[str, int],
    skipped: list[str],
) -> int:
    """Lock, check and write one batch of updates and drift; counts into `applied` and `skipped`.
    Returns how many were flagged (a number on two accounts: nothing a commit can fix)."""
    flagged = 0
    current = await uow.numbers.lock_by_ids(run.tenant, [c.number_id for c in edits if c.number_id is not None])
    pairs = []
    for change in edits:
        if change.kind == "double":
            flagged += 1
            continue
        before = current.get(change.number_id) if change.number_id is not None else None
        if before is None:
            skipped.append(f"{change.label}: deleted from the inventory since the sync.")
        elif before.version != change.base_version:
            who = before.last_modified_by or "someone"
            skipped.append(f"{change.label}: changed by {who} since the sync, so it was left as it is.")
        else:
            after = apply_change(before, change, operator=operator.name, now=now, quarantine_days=quarantine_days)
            pairs.append((before, after))
            applied[change.category] += 1
    await uow.numbers.save_locked(pairs, action="sync", actor=operator, correlation_id=correlation_id)
    return flagged
