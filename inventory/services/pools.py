"""Pools: named sets of numbers. A number's pool is set by `import range pool=`, a CSV's pool column, or
here, for every number a range, location, carrier or tag picks out; and counted per status for `pools`.
"""

from __future__ import annotations

from dataclasses import dataclass

from inventory.audit import new_correlation_id
from inventory.errors import SwitchboardError
from inventory.model import Actor, NumberStatus
from inventory.number_query import NumberQuery
from inventory.ports.clock import Clock
from inventory.ports.storage import Storage

NO_POOL = "(no pool)"
_BATCH = 2_000


@dataclass(frozen=True)
class PoolCounts:
    """How many numbers of a pool are in each status."""

    name: str
    counts: dict[NumberStatus, int]

    def of(self, status: NumberStatus) -> int:
        return self.counts.get(status, 0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def pool_counts(rows: list[tuple[str | None, str, int]]) -> list[PoolCounts]:
    """(pool, status, count) rows as one `PoolCounts` per pool, by name, numbers in no pool last."""
    pools: dict[str | None, dict[NumberStatus, int]] = {}
    for pool, status, count in rows:
        pools.setdefault(pool, {})[NumberStatus(status)] = count
    named = sorted((name for name in pools if name), key=str.lower)
    ordered: list[str | None] = [*named, *([None] if None in pools else [])]
    return [PoolCounts(name or NO_POOL, pools[name]) for name in ordered]


async def set_pool(storage: Storage, query: NumberQuery, pool: str, *, actor: Actor, clock: Clock) -> int:
    """Put every number `query` matches into `pool` (audited, one transaction); returns how many moved."""
    pool = pool.strip()
    if not pool or len(pool) > 128:
        raise SwitchboardError("A pool needs a name of 1 to 128 characters.")
    if query == NumberQuery(tenant=query.tenant):
        raise SwitchboardError("Say which numbers: a range, a location, a carrier or a tag.")
    correlation_id, moved, after = new_correlation_id(), 0, None
    async with storage.write() as uow:
        while True:
            page = await uow.numbers.search(query, limit=_BATCH, after=after)
            now = clock.now()
            changes = [(n, n.touched(actor.name, now, pool=pool)) for n in page.items if n.pool != pool]
            saved = await uow.numbers.save_many(changes, action="set-pool", actor=actor, correlation_id=correlation_id)
            moved += len(saved)
            if page.next_cursor is None:
                return moved
            after = page.next_cursor
