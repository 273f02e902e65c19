"""Capacity: thresholds per pool, and the check that tells the tenant's channel once when a pool runs low
and once when it recovers.

The check reads the counts and flips each pool's stored `low` with a conditional update in the same
transaction that queues the channel's note, so two replicas (or a job and an operator's reservation)
checking at once send one alert between them, and a check that fails sends none and flips nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import timedelta
from typing import Any

from inventory.audit import new_correlation_id
from inventory.capacity import PoolCapacity, Threshold, parse_threshold
from inventory.errors import NotFound
from inventory.model import Actor, NumberStatus
from inventory.ports.storage import UnitOfWork
from inventory.services.context import ServiceContext
from inventory.services.pools import pool_counts

CapacityNote = Callable[[str, PoolCapacity], dict[str, Any]]  # (tenant, pool) -> the channel's card
CapacitySummary = Callable[[str, list[PoolCapacity]], dict[str, Any]]  # (tenant, pools) -> the summary card
SUMMARY = "capacity-summary"
_BOUNDED_UP_TO = 1_000  # count thresholds up to this are checked with a count that stops there


class CapacityService:
    def __init__(self, context: ServiceContext) -> None:
        self._storage = context.storage
        self._clock = context.clock

    async def set_threshold(self, tenant: str, pool: str, threshold_text: str, actor: Actor) -> Threshold:
        """Set a pool's threshold (`5` or `10%`); the pool must exist (by name, without case)."""
        async with self._storage.write() as uow:
            name = _pool_named(pool, await uow.numbers.status_counts_by_pool(tenant), tenant)
            threshold = parse_threshold(name, threshold_text)
            await uow.thresholds.put(
                tenant, threshold, actor=actor, at=self._clock.now(), correlation_id=new_correlation_id()
            )
        return threshold

    async def remove_threshold(self, tenant: str, pool: str, actor: Actor) -> str:
        async with self._storage.write() as uow:
            known = {t.pool.lower(): t.pool for t, _ in await uow.thresholds.all(tenant)}
            name = known.get(pool.strip().lower())
            if name is None:
                raise NotFound(f"Pool '{pool[:40]}' has no threshold in {tenant}.")
            await uow.thresholds.remove(
                tenant, name, actor=actor, at=self._clock.now(), correlation_id=new_correlation_id()
            )
        return name

    async def overview(self, tenant: str) -> list[PoolCapacity]:
        """Every pool with a threshold, as it stands now (`changed` says whether the next check alerts)."""
        async with self._storage.read() as uow:
            return await _measure(uow, tenant)

    async def check(
        self, tenant: str, note: CapacityNote, *, pools: Collection[str | None] | None = None
    ) -> list[PoolCapacity]:
        """Flip the pools whose state changed and queue one note each; returns those pools. `pools`: only
        these (what one change touched): a pool without a threshold costs no count at all."""
        # A read first: most checks (every minute, after each change) find nothing changed, and then
        # take no writer's lock (SQLite has one writer at a time), nor count more than they must.
        async with self._storage.read() as uow:
            if not await _any_crossed(uow, tenant, pools):
                return []
        async with self._storage.write() as uow:
            changed = []
            now = self._clock.now()
            for pool in await _measure(uow, tenant, pools):
                if pool.changed and await uow.thresholds.mark(tenant, pool.threshold.pool, low=pool.low, at=now):
                    await uow.outbox.add(tenant, "capacity", note(tenant, pool), at=now)
                    changed.append(pool)
            return changed

    async def summarize(self, tenant: str, every: timedelta, summary: CapacitySummary) -> bool:
        """Queue the capacity summary when the last one is `every` old (or there was none); tenants without
        thresholds get none. Kept by the outbox's own record, so a restart neither skips nor repeats one."""
        async with self._storage.write() as uow:
            pools = await _measure(uow, tenant)
            if not pools:
                return False
            now = self._clock.now()
            last = await uow.outbox.last_queued(tenant, SUMMARY)
            if last is not None and now - last < every:
                return False
            return await uow.outbox.add(tenant, SUMMARY, summary(tenant, pools), at=now)


async def _any_crossed(uow: UnitOfWork, tenant: str, pools: Collection[str | None] | None) -> bool:
    """Whether a pool's stored state is no longer what its numbers say. A count threshold (`5`) needs
    only whether N are free, which a count that stops at N answers however large the pool is; a share
    (`10%`) needs the pool's whole count."""
    shares = []
    for threshold, was_low in await _thresholds(uow, tenant, pools):
        if threshold.min_free is None or threshold.min_free > _BOUNDED_UP_TO:
            shares.append(threshold.pool)
            continue
        free = await uow.numbers.available_up_to(tenant, threshold.pool, threshold.min_free)
        if (free < threshold.min_free) != was_low:
            return True
    return bool(shares) and any(pool.changed for pool in await _measure(uow, tenant, shares))


async def _thresholds(
    uow: UnitOfWork, tenant: str, pools: Collection[str | None] | None
) -> list[tuple[Threshold, bool]]:
    thresholds = await uow.thresholds.all(tenant)
    if pools is None:
        return thresholds
    touched = {pool.lower() for pool in pools if pool}
    return [(threshold, low) for threshold, low in thresholds if threshold.pool.lower() in touched]


async def _measure(uow: UnitOfWork, tenant: str, pools: Collection[str | None] | None = None) -> list[PoolCapacity]:
    thresholds = await _thresholds(uow, tenant, pools)
    if not thresholds:
        return []
    rows = await uow.numbers.status_counts_by_pool(tenant, [threshold.pool for threshold, _ in thresholds])
    counts = {p.name: p for p in pool_counts(rows)}
    measured = []
    for threshold, was_low in thresholds:
        pool = counts.get(threshold.pool)
        free = pool.of(NumberStatus.AVAILABLE) if pool else 0
        total = pool.total if pool else 0
        low = threshold.is_low(free, total)
        measured.append(PoolCapacity(threshold, free, total, low, low != was_low))
    return measured


def _pool_named(pool: str, rows: list[tuple[str | None, str, int]], tenant: str) -> str:
    names = {name.lower(): name for name, _, _ in rows if name}
    found = names.get(pool.strip().lower())
    if found is None:
        known = ", ".join(sorted(names.values())[:8]) or "none yet"
        raise NotFound(f"{tenant} has no pool called '{pool[:40]}' (pools: {known}).")
    return found
