"""The stuck-state watch: tell a tenant's channel, once each, what has been stuck in Teams too long.

A run per tenant reads the Teams operations Switchboard started that Teams has not confirmed within
`stuck_after_minutes`, and the numbers Teams has not shown activated for that long; subjects already
told are left out, subjects no longer stuck are forgotten (so a number stuck again is told again). The
note is queued in the same transaction that records what was told, so a crash between them can neither
lose the note nor repeat it, and two replicas cannot both tell it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from inventory.services.context import ServiceContext
from inventory.stuck import StuckItem, stuck_number, stuck_operation

StuckNote = Callable[[str, int, list[StuckItem]], dict[str, Any]]  # (tenant, how many stuck, new ones) -> card
NUMBERS_READ = 200  # the oldest stuck numbers read per run; the note counts all of them


@dataclass(frozen=True)
class StuckReport:
    tenant: str
    stuck: int  # everything stuck now, told before or not
    told: list[StuckItem]  # what this run put in the channel's note


class StuckWatch:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    async def report(self, tenant: str, note: StuckNote) -> StuckReport:
        settings, now = self._context.settings, self._context.clock.now()
        cutoff = now - timedelta(minutes=settings.stuck_after_minutes)
        check_minutes = max(1, settings.jobs.reconcile_seconds // 60)
        async with self._context.storage.write() as uow:
            entries = await uow.journal.pending(tenant=tenant, created_before=cutoff)
            count, numbers = await uow.stuck.not_activated(tenant, changed_before=cutoff, limit=NUMBERS_READ)
            stuck = [stuck_operation(e, now=now, check_minutes=check_minutes) for e in entries]
            stuck += [stuck_number(n, now=now) for n in numbers]
            reported = await uow.stuck.reported(tenant)
            new = [item for item in stuck if item.subject not in reported]
            # Only what was read can be forgotten: numbers past the first NUMBERS_READ are still stuck.
            if count <= NUMBERS_READ:
                await uow.stuck.forget(tenant, reported - {item.subject for item in stuck})
            # A tenant without a channel is told nothing, so nothing is remembered: once it has one, it hears.
            told = new and await uow.outbox.add(tenant, "stuck", note(tenant, len(entries) + count, new), at=now)
            if told:
                await uow.stuck.remember(tenant, [item.subject for item in new], at=now)
        return StuckReport(tenant, len(entries) + count, new if told else [])
