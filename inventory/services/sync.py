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
from inventory.model import Actor, NumberType
from inventory.ports.phone_system import ProgressCallback
from inventory.services.context import ServiceContext
from inventory.services.sync_commit import SyncCommits, run_of
from inventory.services.sync_ranges import Spill, diff_in_ranges
from inventory.sync.changes import CATEGORIES, Change
from inventory.sync.diff import compute_diff
from inventory.sync.ranges import CHUNK, SPILL_AT, Totals
from inventory.sync.runs import OPEN, PREVIEW_SIZE, SyncPreview, SyncRun

log = logging.getLogger(__name__)
_SOON = timedelta(minutes=1)  # "pending now" includes entries written a moment ago by another replica
_STALE_STAGING = timedelta(hours=1)


class SyncService(SyncCommits):
    def __init__(self, context: ServiceContext, *, chunk: int = CHUNK, spill_at: int = SPILL_AT) -> None:
        super().__init__(context)
        self._chunk = chunk  # Teams numbers per diff range
        self._spill_at = spill_at  # records a fetch holds in memory before it is staged
        self._phones = context.phones
        self._expiry = timedelta(minutes=context.settings.sync_expiry_minutes)

    async def start_sync(self, tenant: str, operator: Actor, progress: ProgressCallback | None = None) -> SyncPreview:
        """Fetch everything Teams knows, compare, and store the run for review."""
        with collector_paused():
            return await self._start_sync(tenant, operator, progress)

    async def _start_sync(self, tenant: str, operator: Actor, progress: ProgressCallback | None) -> SyncPreview:
        config = self._context.tenant(tenant)
        started = time.perf_counter()
        run_id = str(uuid.uuid4())
        spill = Spill(self._storage, run_id, tenant, self._clock.now(), limit=self._spill_at)
        try:
            await self._fetch(tenant, spill, progress)
            fetched = time.perf_counter()
            async with self._storage.read() as uow:
                pending = await uow.journal.pending(tenant=tenant, created_before=self._clock.now() + _SOON)
            in_flight = frozenset(number_key(entry.number, entry.extension) for entry in pending)
            counts, changes = await self._diff(spill, config.default_number_type, in_flight)
            now = self._clock.now()
            run = SyncRun(
                id=run_id,
                tenant=tenant,
                status=OPEN,
                started_by_id=operator.id,
                started_by_name=operator.name,
                started_at=now,
                expires_at=now + self._expiry,
                counts=counts,
                fetch_stats={
                    "numbers": spill.numbers_seen,
                    "accounts": spill.accounts_seen,
                    "fetch_seconds": round(fetched - started, 3),
                    "diff_seconds": round(time.perf_counter() - fetched, 3),
                    "ranges": spill.staged,
                },
            )
            async with self._storage.write() as uow:
                await uow.sync_runs.create(run, changes)
                await uow.sync_staging.drop([run_id])
        except BaseException:
            if spill.staged:  # a fetch held in memory wrote nothing before the run itself
                await self._forget(run_id)
            raise
        SYNC_SECONDS.labels(tenant).observe(time.perf_counter() - started)
        SYNC_NUMBERS.labels(tenant).set(spill.numbers_seen)
        for category in CATEGORIES:
            SYNC_CHANGES.labels(tenant, category).set(counts[category])
        log.info("sync started tenant=%s run=%s counts=%s ranges=%s", tenant, run.id, counts, spill.staged)
        return await self.get_preview(run.id, tenant)

    async def _fetch(self, tenant: str, spill: Spill, progress: ProgressCallback | None) -> None:
        await self._phones(tenant).stream_snapshot(spill, progress)
        await spill.finish()

    async def _diff(
        self, spill: Spill, default_type: NumberType, in_flight: frozenset[str]
    ) -> tuple[dict[str, int], list[Change]]:
        """Diff the fetch: at once when it stayed in memory (its changes are stored with the run, in one
        write), else range by range from the staging rows (each range's changes stored as it goes)."""
        if spill.staged:
            totals = await diff_in_ranges(
                self._storage,
                spill.run_id,
                spill.tenant,
                chunk=self._chunk,
                default_type=default_type,
                in_flight=in_flight,
            )
            return totals.counts, []
        async with self._storage.read() as uow:
            local = await uow.numbers.for_sync(spill.tenant)
        # The diff is pure CPU over every number: off the event loop, so other operators' turns go on.
        diff = await asyncio.to_thread(
            compute_diff, local, spill.in_memory(), default_type=default_type, in_flight=in_flight
        )
        totals = Totals()
        totals.add(diff)
        return totals.counts, diff.changes

    async def _forget(self, run_id: str) -> None:
        """A sync that failed half-way leaves no staging rows and no changes behind (a kill -9 leaves them to
        `purge`)."""
        try:
            async with self._storage.write() as uow:
                await uow.sync_staging.drop([run_id], with_changes=True)
        except Exception:
            log.exception("sync staging not dropped run=%s (purge will)", run_id)

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
        """Forget old runs' changes, and the staging rows of diffs that never finished (a crash, a kill -9:
        a live diff is never older than a run's expiry)."""
        now = self._clock.now()
        async with self._storage.write() as uow:
            await uow.sync_staging.purge_before(now - max(self._expiry, _STALE_STAGING))
            return await uow.sync_runs.purge_before(now - timedelta(days=keep_days))
