"""The capacity check as the bot runs it: on the job schedule and right after each change that uses up or
frees numbers (an assignment, a bulk run's end, a removal, a sync commit, a CSV import, a revert, a
reservation or its release, a quarantine's end, a threshold set), once per change. Each pool that fell
below its threshold or recovered gets one note in the tenant's channel (`CapacityService.check` decides
"once")."""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any

from cards.capacity import CapacityView, capacity_card, capacity_note
from inventory.capacity import PoolCapacity
from inventory.services.container import Services

log = logging.getLogger(__name__)
RESERVE_FROM_ALERT = 5  # the alert's "Reserve the next N": a handful for the next starters, never more than is free


def capacity_view(pool: PoolCapacity) -> CapacityView:
    threshold = pool.threshold
    return CapacityView(
        pool=threshold.pool,
        free=pool.free,
        total=pool.total,
        threshold=threshold.label,
        needed=threshold.needed(pool.total),
        low=pool.low,
    )


def note(tenant: str, pool: PoolCapacity) -> dict[str, Any]:
    return capacity_note(capacity_view(pool), tenant=tenant, reserve_count=min(pool.free, RESERVE_FROM_ALERT))


def summary(tenant: str, pools: list[PoolCapacity]) -> dict[str, Any]:
    low = sum(1 for pool in pools if pool.low)
    said = f"This week's capacity: {low} of {len(pools)} pool(s) below their threshold."
    return capacity_card([capacity_view(p) for p in pools], tenant=tenant, message=said)


async def check_capacity(services: Services, tenant: str, pools: Collection[str | None] | None = None) -> int:
    """Check `tenant`'s pools now (`pools`: only those one change touched; None: all); a failure is
    logged, never raised into the action that changed numbers."""
    try:
        changed = await services.capacity.check(tenant, note, pools=pools)
    except Exception:
        log.exception("capacity check failed tenant=%s", tenant)
        return 0
    for pool in changed:
        log.info("capacity changed tenant=%s pool=%s low=%s free=%d", tenant, pool.threshold.pool, pool.low, pool.free)
    return len(changed)
