"""Sync from Teams: fetch everything Teams knows, compare, and store the diff for review.

Every picker syncs first, so the numbers it offers are what Teams says now; a run is stored with the
version of every local row it was computed from, so any replica can show or commit it
(`inventory.services.sync_commit`). A picker opened within `sync_reuse_seconds` of a run that left the
inventory matching Teams may trust that run instead of fetching again (`recent_clean_run`).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from datetime import timedelta

from inventory.e164 import number_key
from inventory.gc_pause import collector_paused
from inventory.metrics import SYNC_CHANGES, SYNC_NUMBERS, SYNC_SECONDS
from inventory.model import Actor
from inventory.ports.phone_system import ProgressCallback
from inventory.services.context import ServiceContext
from inventory.services.sync_commit import SyncCommits, run_of
from inventory.sync.changes import CATEGORIES, Change
from inventory.sync.diff import compute_diff
from inventory.sync.runs import OPEN, PREVIEW_SIZE, StoredChange, SyncPreview, SyncRun

log = logging.getLogger(__name__)
_SOON = timedelta(minutes=1)  # "pending now" includes entries written a moment ago by another replica


class SyncService(SyncCommits):
    def __init__(self, context: ServiceContext) -> None:
        super().__init__(context)
        self._phones = context.phones
        self._expiry = timedelta(minutes=context.settings.sync_expiry_minutes)

    async def start_sync(self, tenant: str, operator: Actor, progress: ProgressCallback | None = None) -> SyncPreview:
        """Fetch everything Teams knows, compare, and store the run for review."""
        with collector_paused():
            return await self._start_sync(tenant, operator, progress)

    async def _start_sync(self, tenant: str, operator: Actor, progress: ProgressCallback | None) -> SyncPreview:
        config = self._context.tenant(tenant)
        started = time.perf_counter()
        snapshot = await self._phones(tenant).fetch_snapshot(progress)
        fetched = time.perf_counter()
        async with self._storage.read() as uow:
            local = await uow.numbers.for_sync(tenant)
            pending = await uow.journal.pending(tenant=tenant, created_before=self._clock.now() + _SOON)
        in_flight = frozenset(number_key(entry.number, entry.extension) for entry in pending)
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
        async with self._storage.write() as uow:
            await uow.sync_runs.create(run, diff.changes)
        SYNC_SECONDS.labels(tenant).observe(time.perf_counter() - started)
        SYNC_NUMBERS.labels(tenant).set(len(snapshot.numbers))
        for category in CATEGORIES:
            SYNC_CHANGES.labels(tenant, category).set(counts[category])
        log.info("sync started tenant=%s run=%s counts=%s", tenant, run.id, counts)
        return SyncPreview(run, _preview(diff.changes))

    async def recent_clean_run(self, tenant: str, *, max_age: timedelta) -> SyncRun | None:
        """A sync of `tenant` younger than `max_age` after which the inventory matched Teams (it found no
        changes, or its changes were committed): a picker opened now may trust it instead of syncing again."""
        if max_age <= timedelta(0):
            return None
        async with self._storage.read() as uow:
            runs = await uow.sync_runs.recent(tenant, since=self._clock.now() - max_age)
        return next((run for run in runs if run.left_nothing_behind()), None)

    async def get_preview(self, run_id: str, tenant: str) -> SyncPreview:
        async with self._storage.read() as uow:
            run = await run_of(uow.sync_runs, run_id, tenant)
            preview = {
                category: await uow.sync_runs.changes(run_id, [category], limit=PREVIEW_SIZE) for category in CATEGORIES
            }
        return SyncPreview(run, preview)

    async def purge(self, keep_days: int = 7) -> int:
        async with self._storage.write() as uow:
            return await uow.sync_runs.purge_before(self._clock.now() - timedelta(days=keep_days))


def _preview(changes: list[Change]) -> dict[str, list[StoredChange]]:
    preview: dict[str, list[StoredChange]] = {category: [] for category in CATEGORIES}
    for change in changes:
        shown = preview[change.category]
        if len(shown) < PREVIEW_SIZE:
            shown.append(StoredChange(0, change))
    return preview
