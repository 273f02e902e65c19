"""Bulk assignment bounded only by Teams: the Graph stand-in (its own process) runs at most N number
operations at once and answers one more with 429 and Retry-After, as Graph does; each operation takes
200 ms. The run's concurrency adapts to those answers (`inventory/pacing`).

Prints, per server limit, the wall time, the ratio to the sequential floor (operations x the operation
time: what a one-at-a-time tool could at best reach), 429s per 1,000 operations and the most operations
in flight (with one assignment at a time measured in the same run, and the client's CPU per
assignment: on a shared 2-core machine that, not Teams, is often the bound); then a run where tenant
A's bulk assignment goes on while tenant B (and A itself) serve an operator's clicks, with each
click's latency against the same clicks measured alone in this run.

    .venv/bin/python -m bench.bulk [--mode quick|full] [--database sqlite|postgresql]

quick: 300 operations a run on SQLite (or the database given); full: 1,000, on SQLite and then on the
local PostgreSQL (`SWITCHBOARD_BENCH_POSTGRES`, default postgresql+asyncpg://postgres@127.0.0.1:5432/test;
a database of its own is created and dropped).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.graph_fetch import server_process
from bench.stats import describe
from inventory.config import Settings, TenantConfig
from inventory.e164 import NumberRange
from inventory.model import AccountType, Actor, Assignee
from inventory.ports.clock import SystemClock
from inventory.ports.phone_system import PhoneSystem
from inventory.services.assignment import AssignmentService, AssignRequest
from inventory.services.bulk import BulkRun, assign_all
from inventory.services.context import ServiceContext
from inventory.services.imports import import_range
from inventory.store.engine import Store, create_engine
from inventory.store.migrate import upgrade
from inventory.teams.factory import phone_system_for
from inventory.teams.graph import GraphPhoneSystem
from inventory.teams.stand_in.server import stand_in_tenant

OPERATOR = Actor("bench", "bench@contoso.test")
DELAY = 0.2
SIZES = {"quick": 300, "full": 1000}
DATABASES = {"quick": ["sqlite"], "full": ["sqlite", "postgresql"]}
POSTGRES = os.environ.get("SWITCHBOARD_BENCH_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
CLICKS = 12  # interactive assignments per tenant in the two-tenant run (and as many alone)


@dataclass
class Tenant:
    name: str
    config: TenantConfig
    phone: GraphPhoneSystem
    people: list[Assignee]
    numbers: list[str]

    def requests(self, start: int, count: int) -> list[AssignRequest]:
        pairs = zip(self.numbers[start : start + count], self.people[start : start + count], strict=True)
        return [AssignRequest(self.name, number, person, None) for number, person in pairs]


@contextlib.asynccontextmanager
async def tenant(folder: Path, store: Store, name: str, prefix: str, size: int, limit: int) -> AsyncIterator[Tenant]:
    free = NumberRange(f"{prefix}0000", f"{prefix}{size - 1:04d}")
    await import_range(store, name, free, actor=OPERATOR, clock=SystemClock())
    # Three people per number, so at least `size` of them hold no number yet (no replacements).
    extra = ("--max-running-operations", str(limit), "--name", name, "--users", str(size * 3))
    async with server_process(size, folder / f"{name}.json", *extra, operation_delay=DELAY) as url:
        config = stand_in_tenant(url, name=name)
        phone = phone_system_for(config)
        try:
            accounts = [a for a in await phone.list_accounts() if a.account_type is AccountType.USER]
            people = [Assignee(a.id, a.upn, a.display_name) for a in accounts if not a.numbers][:size]
            yield Tenant(name, config, phone, people, list(free.numbers()))
        finally:
            await phone.aclose()


def services(store: Store, *tenants: Tenant) -> tuple[AssignmentService, ServiceContext]:
    """The assignment service and its context (whose `gate(tenant)` a bulk run goes through)."""
    phones: dict[str, PhoneSystem] = {t.name: t.phone for t in tenants}
    settings = Settings(tenants=tuple(t.config for t in tenants))
    context = ServiceContext(store, SystemClock(), phones.__getitem__, settings)
    return AssignmentService(context), context


async def bulk_line(store: Store, folder: Path, operations: int, limit: int) -> None:
    size = operations + CLICKS
    async with tenant(folder, store, f"limit{limit}", f"+1312{limit % 1000:03d}", size, limit) as one:
        assignments, context = services(store, one)
        gate = context.gate(one.name)

        async def alone(index: int) -> object:
            return await assignments.assign(one.requests(operations + index, 1)[0], OPERATOR)

        one_at_a_time = statistics.median(await clicks(alone, CLICKS))
        with counting_statements(store) as statements:
            started, cpu = time.perf_counter(), time.process_time()
            run = await assign_all(assignments, one.requests(0, operations), OPERATOR, gate=gate)
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    _print_run(run, operations, wall, limit, gate.limit.limit)
    print(
        f"      one at a time, measured: {one_at_a_time * 1000:.0f} ms an assignment "
        f"(x{one_at_a_time * operations / wall:.1f} of {operations} of those)  "
        f"client CPU {cpu * 1000 / operations:.1f} ms an assignment  "
        f"database {statements['statements'] / operations:.1f} statements and "
        f"{statements['commits'] / operations:.2f} commits an assignment"
    )


@contextlib.contextmanager
def counting_statements(store: Store) -> Iterator[dict[str, int]]:
    """Statements and commits sent to the database inside the block: what group commit saves, counted
    (unlike seconds, not moved by the other work on the machine)."""
    counts = {"statements": 0, "commits": 0}

    def statement(*_: object) -> None:
        counts["statements"] += 1

    def commit(*_: object) -> None:
        counts["commits"] += 1

    engine = store.engine.sync_engine
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        yield counts
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)


def _print_run(run: BulkRun, operations: int, wall: float, limit: int, final_limit: int) -> None:
    sequential = operations * DELAY
    ratio = sequential / wall
    per_thousand = run.throttled * 1000 / operations
    if limit >= 100:
        target, met = ">= 30x sequential", ratio >= 30
    else:
        target, met = "a few 429s per 1,000: <= 5", per_thousand <= 5
    print(
        f"  Teams allows {limit:3d} at once: wall {wall:6.2f} s  sequential floor {sequential:6.1f} s  "
        f"x{ratio:5.1f}  429s {per_thousand:5.1f} per 1,000  peak in flight {run.peak_in_flight:3d}  "
        f"limit at end {final_limit:3d}  succeeded {run.succeeded}/{operations}  "
        f"[target {target}] {'MET' if met else 'MISSED'}"
    )


async def clicks(assign: Callable[[int], Awaitable[object]], count: int) -> list[float]:
    """`count` operator assignments one after another (each waits for its Teams operation), timed."""
    samples = []
    for index in range(count):
        started = time.perf_counter()
        await assign(index)
        samples.append(time.perf_counter() - started)
        await asyncio.sleep(0.05)
    return samples


async def two_tenants(store: Store, folder: Path, operations: int) -> None:
    async with (
        tenant(folder, store, "alpha", "+1415555", operations + 2 * CLICKS, 100) as alpha,
        tenant(folder, store, "bravo", "+1646555", 2 * CLICKS, 100) as bravo,
    ):
        assignments, context = services(store, alpha, bravo)

        def click(who: Tenant, offset: int) -> Callable[[int], Awaitable[object]]:
            async def assign(index: int) -> object:
                return await assignments.assign(who.requests(offset + index, 1)[0], OPERATOR)

            return assign

        alone = await clicks(click(bravo, 0), CLICKS)
        alone_a = await clicks(click(alpha, operations), CLICKS)
        bulk = asyncio.create_task(
            assign_all(assignments, alpha.requests(0, operations), OPERATOR, gate=context.gate("alpha"))
        )
        await asyncio.sleep(0.5)  # the bulk run at full speed before the clicks start
        during, during_a = await asyncio.gather(
            clicks(click(bravo, CLICKS), CLICKS), clicks(click(alpha, operations + CLICKS), CLICKS)
        )
        run = await bulk
    floor_b = sorted(alone)[len(alone) // 2]
    floor_a = sorted(alone_a)[len(alone_a) // 2]
    print(f"  two tenants: alpha assigns {operations} in bulk (succeeded {run.succeeded}); clicks assign one number:")
    print(describe("    bravo click, alone", alone))
    print(describe("    bravo click, during alpha's bulk", during, floor_s=floor_b, target="target x <= 2 of alone"))
    print(describe("    alpha click, alone", alone_a))
    print(describe("    alpha click, during its own bulk", during_a, floor_s=floor_a, target="target x <= 2 of alone"))
    for name, samples, floor in (("bravo", during, floor_b), ("alpha", during_a, floor_a)):
        median = sorted(samples)[len(samples) // 2]
        print(f"    {name}: median x{median / floor:.1f} of alone  {'MET' if median <= 2 * floor else 'MISSED'}")


@contextlib.asynccontextmanager
async def database(kind: str, folder: Path) -> AsyncIterator[Store]:
    """A migrated, empty store: a SQLite file in `folder`, or a PostgreSQL database of its own."""
    if kind == "sqlite":
        store = Store(create_engine(f"sqlite+aiosqlite:///{folder}/bulk.db"))
        await upgrade(store.engine)
        try:
            yield store
        finally:
            await store.close()
        return
    name = f"bench_bulk_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    store = Store(create_engine(f"{POSTGRES.rsplit('/', 1)[0]}/{name}"))
    try:
        await upgrade(store.engine)
        yield store
    finally:
        await store.close()
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def main(mode: str, databases: list[str]) -> None:
    operations = SIZES[mode]
    for kind in databases:
        print(
            f"bulk benchmark ({mode}, {kind}): {operations} assignments per run, "
            f"{DELAY * 1000:.0f} ms per Teams operation"
        )
        with tempfile.TemporaryDirectory() as directory:
            folder = Path(directory)
            async with database(kind, folder) as store:
                for limit in (100, 10):
                    await bulk_line(store, folder, operations, limit)
                await two_tenants(store, folder, operations)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=sorted(SIZES), default="quick")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default=None, help="instead of the mode's")
    arguments = parser.parse_args()
    chosen = [arguments.database] if arguments.database else DATABASES[arguments.mode]
    asyncio.run(main(arguments.mode, chosen))
