"""Periodic work in the bot process. Safe on every replica at once: each change is a conditional update.

- every minute: expired holds and finished quarantines go back to the pool;
- at start-up and every few minutes: Teams operations left pending (a crash, a slow Teams) are settled
  from Teams (at start-up first: a restart is exactly when entries are left behind);
- hourly: expired flows and old sync diffs are forgotten;
- optionally: a drift check per tenant that reports (and commits only when configured to).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from inventory.model import Actor
from inventory.services.container import Services
from inventory.services.lifecycle import free_expired
from inventory.sync.runs import SyncPreview

log = logging.getLogger(__name__)
DRIFT_CHECKER = Actor("system:drift-check", "Switchboard drift check")
DriftReport = Callable[[str, SyncPreview], Awaitable[None]]


class Jobs:
    def __init__(self, services: Services, *, on_drift: DriftReport | None = None) -> None:
        self._services = services
        self._on_drift = on_drift
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._every(60, self.free_expired)
        self._every(180, self.reconcile, first_after=0)
        self._every(3600, self.purge)
        minutes = self._services.context.settings.drift_check_minutes
        if minutes > 0:
            self._every(minutes * 60, self.check_drift)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()

    def _every(self, seconds: float, job: Callable[[], Awaitable[object]], *, first_after: float | None = None) -> None:
        async def loop() -> None:
            wait = seconds if first_after is None else first_after
            while True:
                await asyncio.sleep(wait)
                wait = seconds
                try:
                    await job()
                except Exception:
                    log.exception("job failed job=%s", job.__name__)

        self._tasks.append(asyncio.create_task(loop(), name=f"job {job.__name__}"))

    async def free_expired(self) -> int:
        context = self._services.context
        freed = await free_expired(context.storage, clock=context.clock)
        if freed:
            log.info("freed expired holds and quarantines count=%d", freed)
        return freed

    async def reconcile(self) -> int:
        return await self._services.assignments.reconcile_all()

    async def purge(self) -> None:
        await self._services.flows.purge(older_than=timedelta(days=1))
        await self._services.sync.purge(keep_days=7)

    async def check_drift(self) -> None:
        settings, sync = self._services.context.settings, self._services.sync
        for tenant in settings.tenants:
            preview = await sync.start_sync(tenant.name, DRIFT_CHECKER)
            counts = preview.run.counts
            log.info("drift check tenant=%s counts=%s", tenant.name, counts)
            if settings.drift_check_commits and preview.has_changes:
                await sync.commit_sync(preview.run.id, tenant.name, DRIFT_CHECKER)
            elif preview.has_changes:
                await sync.discard_sync(preview.run.id, tenant.name, DRIFT_CHECKER)
            if self._on_drift is not None and counts.get("drift"):
                await self._on_drift(tenant.name, preview)
