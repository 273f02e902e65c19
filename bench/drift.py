"""The drift check over many tenants of 5,000 numbers each: does it finish within its interval, with
bounded concurrency and memory?

Every tenant's Graph is the stand-in in its own process (one process serves them all: the cost being
measured is Switchboard's). A first check commits each tenant's inventory (the initial load), then the
check measured finds each tenant matching Teams, as a periodic check usually does. The floor is one
tenant's check alone, times the tenants: the check as it ran before, one tenant after another.

    .venv/bin/python -m bench.drift [--mode quick|full]   (quick: 20 tenants; full: 200)
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import resource
import tempfile
import time
from pathlib import Path

from bench.graph_fetch import server_process
from bot.jobs import Jobs
from inventory.config import Settings, TenantConfig
from inventory.ports.clock import SystemClock
from inventory.ports.phone_system import PhoneSystem
from inventory.services.container import Services
from inventory.services.context import ServiceContext
from inventory.store.engine import Store, create_engine
from inventory.store.migrate import upgrade
from inventory.teams.factory import phone_system_for
from inventory.teams.graph import GraphPhoneSystem
from inventory.teams.stand_in.server import stand_in_tenant

TENANTS = {"quick": 20, "full": 200}
NUMBERS = 5000
INTERVAL_MINUTES = 15
MEMORY_TARGET_MB = 400


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


async def main(mode: str, concurrency: int) -> None:
    count = TENANTS[mode]
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        store = Store(create_engine(f"sqlite+aiosqlite:///{folder}/drift.db"))
        await upgrade(store.engine)
        async with server_process(NUMBERS, folder / "tenant.json", "--operation-delay", "0") as url:
            configs = tuple(stand_in_tenant(url, name=f"tenant-{i:03d}") for i in range(count))
            phones: dict[str, GraphPhoneSystem] = {c.name: phone_system_for(c) for c in configs}

            def phone(name: str) -> PhoneSystem:
                return phones[name]

            settings = Settings(
                tenants=configs,
                drift_check_minutes=INTERVAL_MINUTES,
                drift_check_commits=True,
                drift_check_concurrency=concurrency,
            )
            jobs = Jobs(Services.build(ServiceContext(store, SystemClock(), phone, settings)))
            try:
                loaded = await jobs.check_drift()  # the initial load: every number is new
                assert not loaded.failed, loaded.failed
                one = Jobs(Services.build(ServiceContext(store, SystemClock(), phone, _only(settings, configs[0]))))
                started = time.perf_counter()
                await one.check_drift()
                floor = (time.perf_counter() - started) * count
                before = peak_rss_mb()
                started = time.perf_counter()
                run = await jobs.check_drift()
                wall = time.perf_counter() - started
                peak = peak_rss_mb()
            finally:
                for system in phones.values():
                    await system.aclose()
        await store.close()
    interval = INTERVAL_MINUTES * 60
    print(
        f"drift check ({mode}): {count} tenants x {NUMBERS:,} numbers, {concurrency} tenants at once, "
        f"interval {INTERVAL_MINUTES} min"
    )
    print(
        f"  wall {wall:7.1f} s  x{wall / floor:4.2f} floor ({floor:.1f} s: one tenant alone x {count}, one after "
        f"another)  "
        f"[target wall <= interval {interval} s] {'MET' if wall <= interval else 'MISSED'}"
    )
    print(
        f"  peak memory {peak:6.0f} MB (process peak before the check {before:.0f} MB; the initial load "
        f"included)  [target <= {MEMORY_TARGET_MB} MB] {'MET' if peak <= MEMORY_TARGET_MB else 'MISSED'}"
    )
    print(
        f"  most tenants at once {run.peak_concurrent} (never above {concurrency})  checked {len(run.done)}/{count}"
        f"  failed {len(run.failed)}  [target bounded: <= {concurrency}] "
        f"{'MET' if run.peak_concurrent <= concurrency else 'MISSED'}"
    )


def _only(settings: Settings, tenant: TenantConfig) -> Settings:
    return dataclasses.replace(settings, tenants=(tenant,))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=sorted(TENANTS), default="quick")
    parser.add_argument("--concurrency", type=int, default=Settings().drift_check_concurrency)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.mode, arguments.concurrency))
