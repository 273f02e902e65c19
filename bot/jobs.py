"""Periodic work in the bot process. Safe on every replica at once: each change is a conditional update.

- every minute: expired holds and finished quarantines go back to the pool, and the owners of
  reservations that end soon or ended hear it in the tenant's channel (once each);
- every few minutes: Teams operations left pending (a crash, a slow Teams) are settled from Teams;
- hourly: expired flows and old sync diffs are forgotten;
- optionally: a drift check per tenant that reports (and commits only when configured to).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.flows.reservations import reservation_view
from cards.reservations import reservation_note
from inventory.model import Actor, PhoneNumber
from inventory.services.container import Services
from inventory.services.lifecycle import free_expired_numbers
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
        self._every(60, self.warn_reservations)
        self._every(180, self.reconcile)
        self._every(3600, self.purge)
        minutes = self._services.context.settings.drift_check_minutes
        if minutes > 0:
            self._every(minutes * 60, self.check_drift)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()

    def _every(self, seconds: float, job: Callable[[], Awaitable[object]]) -> None:
        async def loop() -> None:
            while True:
                await asyncio.sleep(seconds)
                try:
                    await job()
                except Exception:
                    log.exception("job failed job=%s", job.__name__)

        self._tasks.append(asyncio.create_task(loop(), name=f"job {job.__name__}"))

    async def free_expired(self) -> int:
        context = self._services.context
        freed = await free_expired_numbers(context.storage, clock=context.clock)
        if freed:
            log.info("freed expired holds and quarantines count=%d", len(freed))
        for number in freed:
            if number.hold is not None and number.hold.is_reservation:
                await self._tell_owner(number, ended=True)
        return len(freed)

    async def warn_reservations(self) -> int:
        warned = await self._services.reservations.warn_expiring()
        for number in warned:
            await self._tell_owner(number, ended=False)
        return len(warned)

    async def _tell_owner(self, number: PhoneNumber, *, ended: bool) -> None:
        # The owner hears it where the tenant's changes are posted: the bot keeps no personal chats.
        note = reservation_note(reservation_view(number), tenant=number.tenant, ended=ended)
        await self._services.notifications.enqueue(number.tenant, "reservation", note)

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
