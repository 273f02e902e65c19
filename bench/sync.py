"""Sync speed at 10,000 and 100,000 numbers: fetch, diff, commit and peak memory.

For each size, in a fresh process (so peak memory is that size's own):
- in process: SimulatedPhoneSystem, a first sync into an empty SQLite inventory (everything to add),
  then a re-sync after 10% of the numbers changed hands in Teams;
- through the Graph-compatible server: the real GraphPhoneSystem over HTTP to a server process.
The floor, measured in the same run: a raw sqlite3 executemany of the same rows into a table of the
same schema (the floor writes each row once; a sync also stores its diff and the audit).
Targets on the reference machine (100,000): diff + commit <= 5 s and <= 10x floor; fetch through
the server <= 10 s; peak memory <= 500 MB.

    .venv/bin/python -m bench.sync [--sizes 10000 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.graph_fetch import server_process
from inventory.config import Settings, TenantConfig
from inventory.model import Actor
from inventory.ports.clock import SystemClock
from inventory.ports.phone_system import PhoneSystem
from inventory.services.context import ServiceContext
from inventory.services.sync import SyncService
from inventory.store.engine import Store, create_engine
from inventory.store.migrate import upgrade
from inventory.store.number_rows import to_row
from inventory.teams.factory import phone_system_for
from inventory.teams.simulation import SimulatedPhoneSystem, SimulatedTenant, TenantSizes, generate_tenant
from inventory.teams.stand_in.server import stand_in_tenant

OPERATOR = Actor("bench", "bench@contoso.test")


async def timed_sync(store: Store, phone: PhoneSystem, tenant: str) -> dict[str, float]:
    config = TenantConfig(name=tenant, display_name=tenant)
    service = SyncService(ServiceContext(store, SystemClock(), lambda _: phone, Settings(tenants=(config,))))
    started = time.perf_counter()
    preview = await service.start_sync(tenant, OPERATOR)
    prepared = time.perf_counter()
    await service.commit_sync(preview.run.id, tenant, OPERATOR)
    committed = time.perf_counter()
    fetch = float(preview.run.fetch_stats["fetch_seconds"])
    return {
        "fetch": fetch,
        "diff": prepared - started - fetch,
        "commit": committed - prepared,
        "changes": float(sum(v for k, v in preview.run.counts.items() if k != "unchanged")),
    }


def change_hands(tenant: SimulatedTenant, share: float, rng: random.Random) -> None:
    """Unassign some numbers and assign some free ones, as a busy week in Teams would."""
    numbers = tenant.all_numbers()
    assigned = [n for n in numbers if n.assignment_target_id]
    free = [n for n in numbers if not n.assignment_target_id]
    users = [a for a in tenant.accounts() if a.account_type == "user" and a.teams_enabled]
    moves = int(len(numbers) * share / 2)
    for number in rng.sample(assigned, min(moves, len(assigned))):
        tenant.unassign_directly(number.telephone_number)
    for number in rng.sample(free, min(moves, len(free))):
        tenant.assign_directly(number.telephone_number, rng.choice(users).id, number_type=number.number_type)


async def floor_seconds(folder: Path, store: Store, tenant: str) -> float:
    """Raw sqlite3 executemany of the rows the first sync wrote, into an empty copy of the schema."""
    async with store.read() as uow:
        numbers = await uow.numbers.all_in_tenant(tenant)
    path = folder / "floor.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await upgrade(engine)
    await engine.dispose()
    rows = []
    for number in numbers:
        row = to_row(number)
        for key in ("created_at", "updated_at", "hold_expires_at", "quarantined_until"):
            row[key] = row[key].strftime("%Y-%m-%d %H:%M:%S.%f") if row[key] else None
        rows.append(row)
    columns = list(rows[0])
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=NORMAL")
    statement = f"INSERT INTO phone_numbers ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    started = time.perf_counter()
    with raw:
        raw.executemany(statement, [tuple(r[c] for c in columns) for r in rows])
    elapsed = time.perf_counter() - started
    raw.close()
    return elapsed


async def in_process(size: int) -> dict[str, Any]:
    """First sync and re-sync against a simulated tenant living in this same process."""
    rng = random.Random(size)
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        tenant = generate_tenant(TenantSizes.for_numbers(size), seed=3)
        store = Store(create_engine(f"sqlite+aiosqlite:///{folder}/sync.db"))
        await upgrade(store.engine)
        phone = SimulatedPhoneSystem(tenant)
        figures["first"] = await timed_sync(store, phone, "bench")
        change_hands(tenant, 0.10, rng)
        figures["resync"] = await timed_sync(store, phone, "bench")
        figures["floor"] = await floor_seconds(folder, store, "bench")
        await store.close()
    figures["peak_in_process_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


async def through_server(size: int) -> dict[str, Any]:
    """First sync with the real Graph adapter against the server in another process: this process
    holds only what Switchboard itself holds, so its peak memory is Switchboard's."""
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        store = Store(create_engine(f"sqlite+aiosqlite:///{folder}/server.db"))
        await upgrade(store.engine)
        async with server_process(size, folder / "tenant.json") as url:
            graph = phone_system_for(stand_in_tenant(url, name="bench"))
            try:
                figures: dict[str, Any] = {"server": await timed_sync(store, graph, "bench")}
            finally:
                await graph.aclose()
        await store.close()
    figures["peak_switchboard_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def report(figures: dict[str, Any]) -> None:
    size, floor = figures["size"], figures["floor"]
    print(f"sync benchmark, {size:,} numbers (floor: sqlite3 executemany of the same rows = {floor:.2f} s)")
    for label, key in (
        ("first sync, in process", "first"),
        ("re-sync 10% moved, in process", "resync"),
        ("first sync, through the server", "server"),
    ):
        f = figures[key]
        work = f["diff"] + f["commit"]
        print(
            f"  {label:<32} fetch {f['fetch']:6.2f} s  diff {f['diff']:5.2f} s  commit {f['commit']:5.2f} s  "
            f"diff+commit {work:5.2f} s  x{work / floor:4.1f} floor  ({int(f['changes']):,} changes)"
        )
    print(
        f"  peak memory: Switchboard syncing through the server {figures['peak_switchboard_mb']:.0f} MB; "
        f"in process with the simulated tenant too {figures['peak_in_process_mb']:.0f} MB"
    )
    print("  [targets at 100,000: diff+commit <= 5 s and <= 10x floor; fetch through server <= 10 s; peak <= 500 MB]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: run one part, print JSON
    parser.add_argument("--part", choices=["in-process", "server"], help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.one:
        run_part = in_process if arguments.part == "in-process" else through_server
        print(json.dumps(asyncio.run(run_part(arguments.one))))
        return
    for size in arguments.sizes:
        # A process per part and size: peak memory (ru_maxrss) is then that part's own.
        figures: dict[str, Any] = {"size": size}
        for part in ("in-process", "server"):
            command = [sys.executable, "-m", "bench.sync", "--one", str(size), "--part", part]
            output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            figures.update(json.loads(output.strip().splitlines()[-1]))
        report(figures)


if __name__ == "__main__":
    main()
