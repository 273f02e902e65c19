"""Search speed at 100,000 and 1,000,000 numbers on SQLite and PostgreSQL, with the plan each search uses.

Each query kind (digit prefix, substring, holder, free text, wildcard, vanity, status with pool and the
other filters) asks for one page of 25 ordered by number, a different variant each time so that no cache
favours us, and prints p50/p95/p99 against a floor measured in the same run (a primary-key lookup through
the same stack), the issue-18 target (p95 <= 2 ms on SQLite, 5 ms on PostgreSQL) with MET/MISSED, and the
plan: EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL, of the statement the store really sent.
The CSV import that fills an inventory is measured by bench.csv_import.
Run: .venv/bin/python -m bench.search [--mode quick|full] [--db both|sqlite|postgresql]  (or `make bench`)
quick: 100,000 numbers (well under a minute); full: 100,000 then 1,000,000.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.search_data import CARRIERS, FIRST_AREA, LOCATIONS, POOLS, seed
from bench.stats import describe, percentile, sample
from inventory.model import NumberStatus
from inventory.number_query import NumberQuery
from inventory.store.engine import Store, create_engine
from inventory.store.migrate import upgrade

TARGET_MS = {"sqlite": 2.0, "postgresql": 5.0}
COUNT_CAP = 1_000  # as bot.flows.paging counts for a list card
POSTGRES_ADMIN_URL = os.environ.get("SWITCHBOARD_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
SIZES = {"quick": [100_000], "full": [100_000, 1_000_000]}
AVAILABLE = (NumberStatus.AVAILABLE,)


def cases(count: int) -> dict[str, Callable[[int], NumberQuery]]:
    """Each query kind as variants: `make(i)` is the i-th search of that kind."""
    areas = max(1, min(700, count // 10_000))
    blocks = max(1, count // 1000)
    names = ["adele", "vance", "diego s", "lynne.lanier", "gu 4", "megan"]

    def area(i: int) -> int:
        return FIRST_AREA + i * 7 % areas

    def q(**filters: Any) -> NumberQuery:
        return NumberQuery("contoso", **filters)

    return {
        "digit prefix (+1AAA555)": lambda i: q(digits=f"+1{area(i)}555"),
        "substring, common (555N)": lambda i: q(digits=f"555{i % 10}"),
        "substring, rare (AAA5551N)": lambda i: q(digits=f"{area(i)}5551{i % 10}"),
        "holder name (substring)": lambda i: q(assignee=names[i % len(names)]),
        "free text, available only": lambda i: q(
            text=LOCATIONS[i % 10].lower(), statuses=AVAILABLE, offerable_only=True
        ),
        "free text, rare (range label)": lambda i: q(text=f"r-{i * 37 % blocks:03d}"),
        "wildcard (+1AAA555****)": lambda i: q(digits=f"+1{area(i)}555****"),
        "vanity (*DDDD)": lambda i: q(digits="*" + str(i % 10) * 4),
        "vanity (repeat:4), available": lambda i: q(repeated_digits=4, statuses=AVAILABLE, offerable_only=True),
        "status=available + pool": lambda i: q(statuses=AVAILABLE, pool=POOLS[i % 8], offerable_only=True),
        "status + area code (area:AAA)": lambda i: q(digits=f"+1{area(i)}", statuses=AVAILABLE, offerable_only=True),
        "status + location + carrier": lambda i: q(
            statuses=AVAILABLE, location=LOCATIONS[i % 10].lower(), carrier=CARRIERS[i % 3], offerable_only=True
        ),
    }


class LastSearch:
    """The last paged search statement the store sent, to ask the database how it runs it."""

    def __init__(self, store: Store) -> None:
        self.statement = ""
        self.parameters: Any = ()
        event.listen(store.engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: object, _cursor: object, statement: str, parameters: Any, *_: object) -> None:
        if "ORDER BY phone_numbers.number" in statement:
            self.statement, self.parameters = statement, parameters


async def plan_of(store: Store, last: LastSearch) -> str:
    dialect = store.engine.dialect.name
    explain = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
    async with store.read() as uow:
        rows = (await uow.connection.exec_driver_sql(explain + last.statement, last.parameters)).all()
    if dialect == "sqlite":
        return "; ".join(str(row[-1]) for row in rows)
    # The candidate ids of `search_index.few_matches` come back inlined: a thousand of them say nothing.
    nodes = [re.sub(r"\s*\(cost=.*?\)", "", re.sub(r"(?<=\{)[\d,]{40,}(?=\})", "...", str(row[0]))) for row in rows]
    nodes = [node.strip().lstrip("-> ") for node in nodes]
    return " > ".join(node for node in nodes if node and not node.startswith(("Filter", "Sort Key", "Rows Removed")))


@asynccontextmanager
async def database(dialect: str, folder: str) -> AsyncIterator[Store | None]:
    """A fresh migrated database of `dialect` (None when PostgreSQL is unreachable), dropped afterwards."""
    if dialect == "sqlite":
        store = Store(create_engine(f"sqlite+aiosqlite:///{folder}/search.db"))
        await upgrade(store.engine)
        try:
            yield store
        finally:
            await store.close()
        return
    name = f"switchboard_bench_search_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    except (OSError, ConnectionError) as error:
        print(f"PostgreSQL at {POSTGRES_ADMIN_URL} is not reachable ({error}); skipped")
        await admin.dispose()
        yield None
        return
    store = Store(create_engine(f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"))
    try:
        await upgrade(store.engine)
        yield store
    finally:
        await store.close()
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


def _cycling(run: Callable[[NumberQuery], Awaitable[object]], make: Callable[[int], NumberQuery]) -> Any:
    counter = iter(range(10**9))
    return lambda: run(make(next(counter)))


async def bench_one(dialect: str, count: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        async with database(dialect, folder) as store:
            if store is None:
                return
            started = time.perf_counter()
            async with store.write() as uow:
                await seed(uow.connection, count)
            async with store.write() as uow:
                await uow.connection.execute(text("ANALYZE" if dialect == "sqlite" else "ANALYZE phone_numbers"))
            seeded_s = time.perf_counter() - started
            target = TARGET_MS[dialect]
            print(
                f"search benchmark: {count:,} numbers in {dialect}, 40% held (seeded and analysed in "
                f"{seeded_s:.1f} s); floor = primary-key lookup; target p95 <= {target:g} ms"
            )
            last = LastSearch(store)

            async def search(query: NumberQuery) -> None:
                async with store.read() as uow:
                    await uow.numbers.search(query, limit=25)

            async def point_lookup() -> None:
                async with store.read() as uow:
                    await uow.connection.execute(text("SELECT id FROM phone_numbers WHERE id = 5000"))

            floor = sorted(await sample(point_lookup, repeat=repeat))[repeat // 2]
            met = 0
            kinds = cases(count)
            for name, make in kinds.items():
                samples = await sample(_cycling(search, make), repeat=repeat)
                p95_ms = percentile(samples, 0.95) * 1000
                met += p95_ms <= target
                verdict = "MET" if p95_ms <= target else "MISSED"
                print(describe(name, samples, floor_s=floor, target=f"target p95 <= {target:g} ms") + f" {verdict}")
                print(f"    plan: {await plan_of(store, last)}")

            async def count_for_card(query: NumberQuery) -> None:
                async with store.read() as uow:
                    await uow.numbers.count(query, at_most=COUNT_CAP)

            make = kinds["free text, available only"]
            samples = await sample(_cycling(count_for_card, make), repeat=max(20, repeat // 4))
            print(describe(f"count for the card (<= {COUNT_CAP:,})", samples, floor_s=floor) + "  [no target]")
            print(f"{met} of {len(kinds)} kinds MET the target on {dialect} at {count:,} numbers")


async def main(mode: str, databases: list[str], repeat: int) -> None:
    for count in SIZES[mode]:
        for dialect in databases:
            await bench_one(dialect, count, repeat)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the benchmark process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=sorted(SIZES), default="quick")
    parser.add_argument("--db", choices=["both", "sqlite", "postgresql"], default="both")
    parser.add_argument("--repeat", type=int, default=200)
    arguments = parser.parse_args()
    chosen = ["sqlite", "postgresql"] if arguments.db == "both" else [arguments.db]
    asyncio.run(main(arguments.mode, chosen, arguments.repeat))
