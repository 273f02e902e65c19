"""`pools`: each pool's free, reserved, used and quarantined numbers, drawn as a chart (with text beside it
for clients that draw no charts). A read: no flow, no buttons that change anything."""

from __future__ import annotations

from bot.turn import Reply, Turn
from cards.pools import PoolView, pools_card
from inventory.model import NumberStatus
from inventory.services.pools import PoolCounts, pool_counts


def pool_view(pool: PoolCounts) -> PoolView:
    return PoolView(
        name=pool.name,
        free=pool.of(NumberStatus.AVAILABLE),
        reserved=pool.of(NumberStatus.RESERVED),
        used=pool.of(NumberStatus.USED),
        quarantined=pool.of(NumberStatus.QUARANTINED),
        blocked=pool.of(NumberStatus.BLOCKED),
    )


async def start(turn: Turn, args: str) -> Reply:
    tenant = await turn.tenant()
    pools = pool_counts(await turn.services.views.pool_counts(tenant))
    return Reply(pools_card([pool_view(p) for p in pools], tenant=tenant))
