"""Sync from Teams: fetch, store a reviewable diff, commit it atomically (the seed's "sync-first").

A run and its changes live in the database with the version of every local row they were computed
from, so any replica can show or commit it. A commit applies the chosen categories in one
transaction; a row that changed since the diff is skipped and reported, never overwritten. The run
moves from `open` to `committed` inside that same transaction, so a second commit (a double click,
another replica) finds it closed and answers with the first commit's result.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.config import TenantConfig
from inventory.e164 import display_number
from inventory.errors import NotFound, SwitchboardError
from inventory.model import Actor
from inventory.ports.clock import Clock
from inventory.ports.phone_system import PhoneSystem, ProgressCallback
from inventory.services.gc_pause import collector_paused
from inventory.store.audit import new_correlation_id
from inventory.store.engine import Store
from inventory.store.journal import Journal
from inventory.store.numbers import NumberRepository
from inventory.store.sync_runs import COMMITTED, DISCARDED, OPEN, StoredChange, SyncRepository, SyncRun
from inventory.sync_diff import ADD, CATEGORIES, Change, apply_change, compute_diff

log = logging.getLogger(__name__)
PREVIEW_SIZE = 10
_SOON = timedelta(minutes=1)  # "pending now" includes entries written a moment ago by another replica


@dataclass(frozen=True)
class SyncPreview:
    """What the review card shows: counts per category and the first changes of each."""

    run: SyncRun
    preview: dict[str, list[StoredChange]]

    @property
    def has_changes(self) -> bool:
        return any(self.run.counts.get(category, 0) for category in CATEGORIES)


@dataclass(frozen=True)
class CommitResult:
    run_id: str
    applied: dict[str, int]
    skipped: list[str] = field(default_factory=list)
    flagged: int = 0  # drift that no commit can fix (a number on two accounts)
    already_committed: bool = False
    committed_by: str = ""
    correlation_id: str = ""

    @property
    def total_applied(self) -> int:
        return sum(self.applied.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "applied": self.applied,
            "skipped": self.skipped,
            "flagged": self.flagged,
            "committed_by": self.committed_by,
            "correlation_id": self.correlation_id,
        }


class SyncService:
    def __init__(
        self,
        store: Store,
        phone_system_for: Callable[[str], PhoneSystem],
        tenant_config: Callable[[str], TenantConfig],
        clock: Clock,
        *,
        expiry_minutes: int = 15,
    ) -> None:
        self._store = store
        self._phone_system_for = phone_system_for
        self._tenant_config = tenant_config
        self._clock = clock
        self._expiry = timedelta(minutes=expiry_minutes)

    async def start_sync(self, tenant: str, operator: Actor, progress: ProgressCallback | None = None) -> SyncPreview:
        """Fetch everything Teams knows, compare, and store the run for review."""
        with collector_paused():
            return await self._start_sync(tenant, operator, progress)

    async def _start_sync(self, tenant: str, operator: Actor, progress: ProgressCallback | None) -> SyncPreview:
        config = self._tenant_config(tenant)
        started = time.perf_counter()
        snapshot = await self._phone_system_for(tenant).fetch_snapshot(progress)
        fetched = time.perf_counter()
        async with self._store.read() as connection:
            local = await SyncRepository(connection).local_numbers(tenant)
            pending = await Journal(connection).pending(tenant=tenant, created_before=self._clock.now() + _SOON)
        in_flight = frozenset(entry.number for entry in pending)
        # The diff is pure CPU over every number: off the event loop, so other operators' turns go on.
        diff = await asyncio.to_thread(
            compute_diff, local, snapshot, default_type=config.default_number_type, in_flight=in_flight
        )
        now = self._clock.now()
        counts = {category: diff.count(category) for category in CATEGORIES}
        counts["unchanged"] = diff.unchanged
        run = SyncRun(
            id=str(uuid.uuid4()),
            tenant=tenant,
            status=OPEN,
            started_by_id=operator.id,
            started_by_name=operator.name,
            started_at=now,
            expires_at=now + self._expiry,
            counts=counts,
            fetch_stats={
                "numbers": len(snapshot.numbers),
                "accounts": len(snapshot.accounts),
                "fetch_seconds": round(fetched - started, 3),
                "diff_seconds": round(time.perf_counter() - fetched, 3),
            },
        )
        async with self._store.write() as connection:
            await SyncRepository(connection).create(run, diff.changes)
        log.info("sync started tenant=%s run=%s counts=%s", tenant, run.id, counts)
        return SyncPreview(run, _preview(run.id, diff.changes))

    async def recent_clean_run(self, tenant: str, *, max_age: timedelta) -> SyncRun | None:
        """A sync of `tenant` younger than `max_age` after which the inventory matched Teams (it found no
        changes, or its changes were committed): a picker opened now may trust it instead of syncing again."""
        if max_age <= timedelta(0):
            return None
        async with self._store.read() as connection:
            runs = await SyncRepository(connection).recent(tenant, since=self._clock.now() - max_age)
        for run in runs:
            if _left_nothing_behind(run):
                return run
        return None

    async def get_preview(self, run_id: str, tenant: str) -> SyncPreview:
        async with self._store.read() as connection:
            repository = SyncRepository(connection)
            run = await self._run(repository, run_id, tenant)
            preview = {
                category: await repository.changes(run_id, [category], limit=PREVIEW_SIZE) for category in CATEGORIES
            }
        return SyncPreview(run, preview)

    async def changes(
        self, run_id: str, tenant: str, category: str, *, after_id: int = 0, limit: int = PREVIEW_SIZE
    ) -> list[StoredChange]:
        """A further page of one category, for a card that shows more than the preview."""
        async with self._store.read() as connection:
            repository = SyncRepository(connection)
            await self._run(repository, run_id, tenant)
            return await repository.changes(run_id, [category], after_id=after_id, limit=limit)

    async def commit_sync(
        self, run_id: str, tenant: str, operator: Actor, categories: Collection[str] | None = None
    ) -> CommitResult:
        """Apply the chosen categories (all by default) in one transaction; idempotent per run."""
        with collector_paused():
            return await self._commit_sync(run_id, tenant, operator, categories)

    async def _commit_sync(
        self, run_id: str, tenant: str, operator: Actor, categories: Collection[str] | None
    ) -> CommitResult:
        chosen = [c for c in CATEGORIES if categories is None or c in categories]
        if not chosen:
            raise SwitchboardError("Choose at least one of: to add, to update, drift.")
        config = self._tenant_config(tenant)
        correlation_id = new_correlation_id()
        now = self._clock.now()
        async with self._store.write() as connection:
            repository = SyncRepository(connection)
            run = await self._run(repository, run_id, tenant)
            closed = (
                run.status == OPEN
                and run.expires_at > now
                and await repository.close(run_id, COMMITTED, by=operator.name, at=now, result=None)
            )
            if not closed:
                return await self._not_open(repository, run_id, tenant, now)
            result = await _apply(
                connection, run_id, tenant, chosen, operator, now, config.quarantine_days, correlation_id
            )
            result = CommitResult(
                run_id, result.applied, result.skipped, result.flagged, False, operator.name, correlation_id
            )
            await repository.set_result(run_id, result.as_json())
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
        async with self._store.write() as connection:
            repository = SyncRepository(connection)
            run = await self._run(repository, run_id, tenant)
            if run.status == OPEN:
                await repository.close(run_id, DISCARDED, by=operator.name, at=self._clock.now(), result=None)
            updated = await repository.get(run_id)
        assert updated is not None
        return updated

    async def purge(self, keep_days: int = 7) -> int:
        async with self._store.write() as connection:
            return await SyncRepository(connection).purge_before(self._clock.now() - timedelta(days=keep_days))

    async def _run(self, repository: SyncRepository, run_id: str, tenant: str) -> SyncRun:
        run = await repository.get(run_id)
        # Another tenant's run reads as "not found": a card cannot be replayed across tenants.
        if run is None or run.tenant != tenant:
            raise NotFound("That sync no longer exists; run sync again.")
        return run

    async def _not_open(self, repository: SyncRepository, run_id: str, tenant: str, now: datetime) -> CommitResult:
        run = await self._run(repository, run_id, tenant)
        if run.status == COMMITTED:
            stored = run.result or {}
            return CommitResult(
                run_id,
                dict(stored.get("applied", {})),
                list(stored.get("skipped", [])),
                int(stored.get("flagged", 0)),
                already_committed=True,
                committed_by=str(stored.get("committed_by", run.closed_by_name or "")),
                correlation_id=str(stored.get("correlation_id", "")),
            )
        if run.status == DISCARDED:
            raise SwitchboardError(f"This sync was cancelled by {run.closed_by_name}; run sync again.")
        raise SwitchboardError(
            f"This sync expired at {run.expires_at:%H:%M} UTC (a diff is only trusted for a short while); "
            "run sync again."
        )


def _left_nothing_behind(run: SyncRun) -> bool:
    """True when the inventory matched Teams once this run was over: it found nothing to change, or a
    commit applied all of it (a number on two accounts stays flagged and cannot be applied)."""
    if run.status == OPEN:
        return not any(run.counts.get(category, 0) for category in CATEGORIES)
    if run.status != COMMITTED or not run.result or run.result.get("skipped"):
        return False
    applied = run.result.get("applied", {})
    flagged = int(run.result.get("flagged", 0))
    return all(
        int(applied.get(category, 0)) + (flagged if category == "drift" else 0) >= run.counts.get(category, 0)
        for category in CATEGORIES
    )


def _preview(run_id: str, changes: list[Change]) -> dict[str, list[StoredChange]]:
    preview: dict[str, list[StoredChange]] = {category: [] for category in CATEGORIES}
    for change in changes:
        shown = preview[change.category]
        if len(shown) < PREVIEW_SIZE:
            shown.append(StoredChange(0, change))
    return preview


async def _apply(
    connection: AsyncConnection,
    run_id: str,
    tenant: str,
    categories: list[str],
    operator: Actor,
    now: datetime,
    quarantine_days: int,
    correlation_id: str,
) -> CommitResult:
    numbers, runs = NumberRepository(connection), SyncRepository(connection)
    applied = dict.fromkeys(CATEGORIES, 0)
    skipped: list[str] = []
    flagged = 0
    if ADD in categories:
        await numbers.lock_tenant_for_inserts(tenant)
        applied[ADD], taken = await runs.apply_adds(
            run_id,
            tenant,
            operator_id=operator.id,
            operator_name=operator.name,
            at=now,
            correlation_id=correlation_id,
        )
        skipped += [f"{display_number(n)}: added to the inventory by someone else since the sync." for n in taken]
    edits = [c.change for c in await runs.changes(run_id, [c for c in categories if c != ADD], with_fields=False)]
    current = await numbers.lock_by_ids(tenant, [c.number_id for c in edits if c.number_id is not None])
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
            pairs.append(
                (before, apply_change(before, change, operator=operator.name, now=now, quarantine_days=quarantine_days))
            )
            applied[change.category] += 1
    await numbers.save_locked(pairs, action="sync", actor=operator, correlation_id=correlation_id)
    return CommitResult("", applied, skipped, flagged)
