"""Bulk assignment speed: 500 users through the Graph-compatible server, each Teams operation taking 200 ms.

Prints the wall time, the ratio to the sequential time (500 x the operation delay, the floor a
one-at-a-time tool could at best reach) and the most operations that were in flight at once, which
must never exceed the configured concurrency. Target on the reference machine: >= 10x sequential.

    .venv/bin/python -m bench.bulk [--users 500] [--delay 0.2] [--concurrency N]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from bench.graph_fetch import server_process
from inventory.config import Settings
from inventory.e164 import NumberRange
from inventory.model import AccountType, Actor, Assignee
from inventory.ports.clock import SystemClock
from inventory.services.assignment import AssignmentService, AssignRequest
from inventory.services.bulk import assign_all
from inventory.services.context import ServiceContext
from inventory.services.imports import import_range
from inventory.store.engine import Store, create_engine
from inventory.store.migrate import upgrade
from inventory.teams.factory import phone_system_for
from inventory.teams.stand_in.server import stand_in_tenant

OPERATOR = Actor("bench", "bench@contoso.test")


async def main(users: int, delay: float, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        store = Store(create_engine(f"sqlite+aiosqlite:///{folder}/bulk.db"))
        await upgrade(store.engine)
        # The carrier's Direct Routing range, unknown to Teams until assigned (as in real life).
        free = NumberRange("+13125550000", f"+1312555{users - 1:04d}")
        await import_range(store, "bench", free, actor=OPERATOR, clock=SystemClock())
        async with server_process(users * 2, folder / "tenant.json", operation_delay=delay) as url:
            tenant = stand_in_tenant(url, name="bench")
            phone = phone_system_for(tenant)
            try:
                people = [a for a in await phone.list_accounts() if a.account_type is AccountType.USER][:users]
                policy = phone.allowed_policies()[0] if phone.allowed_policies() else None
                assignments = AssignmentService(
                    ServiceContext(store, SystemClock(), lambda _: phone, Settings(tenants=(tenant,)))
                )
                requests = [
                    AssignRequest("bench", number, Assignee(person.id, person.upn, person.display_name), policy)
                    for number, person in zip(free.numbers(), people, strict=False)
                ]
                started = time.perf_counter()
                run = await assign_all(assignments, requests, OPERATOR, concurrency=concurrency)
                wall = time.perf_counter() - started
            finally:
                await phone.aclose()
        await store.close()
    sequential = len(requests) * delay
    print(
        f"bulk benchmark: {len(requests)} users through the Graph-compatible server, {delay * 1000:.0f} ms per "
        f"Teams operation, concurrency {concurrency}"
    )
    print(
        f"  wall {wall:6.2f} s   sequential floor {sequential:6.1f} s   x{sequential / wall:5.1f} faster   "
        f"succeeded {run.succeeded}/{len(requests)}   peak in flight {run.peak_in_flight} "
        f"(never above {concurrency})   [target >= 10x]"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=Settings().bulk_concurrency)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.users, arguments.delay, arguments.concurrency))
