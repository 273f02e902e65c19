"""Search speed on 100,000 numbers in SQLite (the import that fills them is measured by bench.csv_import).

Prints p50/p95/p99 for a digit-prefix search, a status+pool filter and a holder-name search, each
against a floor measured in the same run (a primary-key lookup through the same stack).
Targets on the reference machine: p95 <= 10 ms per search.
Run: .venv/bin/python -m bench.search [--numbers 100000]  (or `make bench`)
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
from collections.abc import Awaitable, Callable

from sqlalchemy import text

from bench.stats import describe, sample
from inventory.model import Actor, NumberStatus
from inventory.number_query import NumberQuery
from inventory.ports.clock import SystemClock
from inventory.services.imports import import_csv
from inventory.store.engine import Store, create_engine
from inventory.store.migrate import upgrade

LOCATIONS = ["Seattle", "Redmond", "London", "Dublin", "Sydney", "Austin", "Boston", "Denver", "Paris", "Tokyo"]
POOLS = ["Sales", "Support", "Finance", "Engineering", "Legal", "HR", "Ops", "Reception"]
CARRIERS = ["Contoso Telecom", "Fabrikam Voice", "Northwind Carrier"]
FIRST = ["Adele", "Alex", "Diego", "Grady", "Henrietta", "Isaiah", "Johanna", "Joni", "Lee", "Lidia", "Lynne", "Megan"]
LAST = ["Vance", "Wilber", "Siciliani", "Archie", "Mueller", "Langer", "Lanier", "Sherman", "Gu", "Holloway"]


def inventory_csv(count: int, rng: random.Random) -> str:
    lines = ["number,location,carrier,pool,range"]
    for index in range(count):
        block = index // 1000
        lines.append(
            f"+1{206 + block % 700:03d}555{index % 10000:04d},{LOCATIONS[block % 10]},"
            f"{CARRIERS[block % 3]},{POOLS[block % 8]},R-{block:03d}"
        )
    return "\n".join(lines) + "\n"


async def mark_used(store: Store, rng: random.Random, share: float) -> None:
    """Give a share of the numbers a holder, as a sync would, in one statement per batch."""
    async with store.write() as uow:
        ids = [row[0] for row in await uow.connection.execute(text("SELECT id FROM phone_numbers"))]
        chosen = rng.sample(ids, int(len(ids) * share))
        rows = []
        for id_ in chosen:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {id_}"
            upn = name.lower().replace(" ", ".") + "@contoso.test"
            rows.append({"id": id_, "name": name, "upn": upn, "holder": f"{name} | {upn}".lower()})
        await uow.connection.execute(
            text(
                "UPDATE phone_numbers SET status = 'used', assignee_id = 'obj-' || :id, assignee_name = :name, "
                "assignee_upn = :upn, assignee_type = 'user', holder_text = :holder, "
                "search_text = :holder || ' | ' || search_text "
                "WHERE id = :id"
            ),
            rows,
        )


def _cycling(
    query: Callable[[NumberQuery], Awaitable[None]], make: Callable[[int], NumberQuery]
) -> Callable[[], Awaitable[None]]:
    """A zero-argument run that asks a different variant of the query each time (no cache favours us)."""
    counter = iter(range(10**9))

    def run() -> Awaitable[None]:
        return query(make(next(counter)))

    return run


async def main(count: int, repeat: int) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(create_engine(f"sqlite+aiosqlite:///{folder}/bench.db"))
        await upgrade(store.engine)
        content = inventory_csv(count, rng)
        report = await import_csv(store, "contoso", content, actor=Actor("bench", "bench"), clock=SystemClock())
        await mark_used(store, rng, 0.4)
        async with store.write() as uow:
            await uow.connection.execute(text("ANALYZE"))

        async def query(q: NumberQuery) -> None:
            async with store.read() as uow:
                await uow.numbers.search(q, limit=25)

        async def point_lookup() -> None:
            async with store.read() as uow:
                await uow.connection.execute(text("SELECT id FROM phone_numbers WHERE id = 5000"))

        floor = sorted(await sample(point_lookup, repeat=repeat))[repeat // 2]
        prefixes = [f"+1{206 + i:03d}555" for i in range(0, 90, 3)]
        names = ["adele", "vance", "diego s", "lynne.lanier", "gu 4", "megan"]
        cases = {
            "digit prefix (+1AAA555)": lambda i: NumberQuery("contoso", digits=prefixes[i % len(prefixes)]),
            "status=available + pool": lambda i: NumberQuery(
                "contoso", statuses=(NumberStatus.AVAILABLE,), pool=POOLS[i % len(POOLS)]
            ),
            "holder name (substring)": lambda i: NumberQuery("contoso", assignee=names[i % len(names)]),
            "free text, available only": lambda i: NumberQuery(
                "contoso", text=LOCATIONS[i % 10].lower(), statuses=(NumberStatus.AVAILABLE,)
            ),
        }
        print(f"search benchmark: {report.added:,} numbers in SQLite, 40% held; floor = primary-key lookup")
        for name, make in cases.items():
            samples = await sample(_cycling(query, make), repeat=repeat)
            print(describe(name, samples, floor_s=floor, target="p95 <= 10 ms"))
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--numbers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.numbers, arguments.repeat))
