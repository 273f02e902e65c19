"""The capacity check's cost: it now runs straight after every change that uses up or frees numbers, so it
rides on the turns that assign, remove, commit a sync or import.

Builds N numbers in SQLite (8 pools, 40% held: `bench.search_data`, which `bench.search` reads), gives 7 pools
a threshold (4 a count of 100 free, 3 a share of 10%), and times `CapacityService.check` where nothing crossed
(the usual case: reads only): over every pool (what a sync, an import, a bulk run and the minute job check),
over the one pool a single change touched (a count threshold: a count that stops at 100; a share: the pool's
whole count; none), and for a tenant without thresholds, against a primary-key lookup through the same stack
(the floor). The target is issue 18's: a whole turn may cost 3 ms.
Run: .venv/bin/python -m bench.capacity [--mode quick|full]  (quick: 100,000 numbers; full: 1,000,000)
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import tempfile
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import text

from bench.search_data import POOLS, seed
from bench.stats import describe, percentile, sample
from inventory.capacity import PoolCapacity
from inventory.config import Settings, TenantConfig
from inventory.model import Actor
from inventory.ports.clock import SystemClock
from inventory.ports.phone_system import PhoneSystem
from inventory.services.capacity import CapacityService
from inventory.services.context import ServiceContext
from inventory.store.engine import Store, create_engine
from inventory.store.migrate import upgrade

SIZES = {"quick": 100_000, "full": 1_000_000}
TARGET_P95_MS = 3.0  # issue 18: a whole bot turn's CPU budget


def _no_teams(tenant: str) -> PhoneSystem:
    raise AssertionError("the capacity check never asks Teams")


def _note(tenant: str, pool: PoolCapacity) -> dict[str, Any]:
    return {"type": "AdaptiveCard", "body": []}


async def main(count: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Store(create_engine(f"sqlite+aiosqlite:///{folder}/bench.db"))
        await upgrade(store.engine)
        actor, clock = Actor("bench", "bench"), SystemClock()
        async with store.write() as uow:
            await seed(uow.connection, count)  # 40% held, as bench.search reads
            await uow.connection.execute(text("ANALYZE"))
        tenants = (TenantConfig(name="contoso", display_name="Contoso"), TenantConfig(name="empty", display_name="E"))
        capacity = CapacityService(ServiceContext(store, clock, _no_teams, Settings(tenants=tenants)))
        # Counts on half the pools, shares on the others; the last pool has none (most changes touch such a pool).
        for index, pool in enumerate(POOLS[:-1]):
            await capacity.set_threshold("contoso", pool, "100" if index < 4 else "10%", actor)
        await capacity.check("contoso", _note)  # the stored state catches up once; then nothing crosses

        async def point_lookup() -> None:
            async with store.read() as uow:
                await uow.connection.execute(text("SELECT id FROM phone_numbers WHERE id = 5000"))

        def check(tenant: str, pools: list[str | None] | None) -> Callable[[], Awaitable[None]]:
            async def run() -> None:
                changed = await capacity.check(tenant, _note, pools=pools)
                assert not changed, "the bench measures the check that finds nothing crossed"

            return run

        floor = statistics.median(await sample(point_lookup, repeat=repeat))
        print(f"capacity check: {count:,} numbers in SQLite, {len(POOLS)} pools, thresholds on 7 (4 counts, 3 shares)")
        print("  floor = primary-key lookup through the same stack")
        cases = {
            "all pools (sync, import, bulk, job)": check("contoso", None),
            "one change, a count threshold": check("contoso", [POOLS[0]]),
            "one change, a share threshold": check("contoso", [POOLS[4]]),
            "one change, its pool has none": check("contoso", [POOLS[-1]]),
            "tenant without thresholds": check("empty", None),
        }
        for name, run in cases.items():
            samples = await sample(run, repeat=repeat)
            verdict = "MET" if percentile(samples, 0.95) * 1000 <= TARGET_P95_MS else "MISSED"
            print(
                describe(name, samples, floor_s=floor, target=f"p95 <= {TARGET_P95_MS:g} ms, a turn's") + f" {verdict}"
            )
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory (whole process, building the inventory included): {peak_mb:,.0f} MB")
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=sorted(SIZES), default="quick")
    parser.add_argument("--numbers", type=int, help="overrides the mode's size")
    parser.add_argument("--repeat", type=int, default=200)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.numbers or SIZES[arguments.mode], arguments.repeat))
