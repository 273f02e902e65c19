"""Sync at scale on SQLite and PostgreSQL: fetch, diff, commit, re-sync and Switchboard's peak memory.

For each size and database, in a process of its own (so ru_maxrss is Switchboard's alone): the real
GraphPhoneSystem over HTTP to the Graph stand-in in another process; a first sync into an empty
inventory (everything to add), then the stand-in is stopped, 1% of the numbers change hands in its
state file (in a third process), and a re-sync finds and commits that.
The floor, measured in the same run on the same database: the driver's executemany of the rows the first
sync wrote into an empty table of the same schema (sqlite3 / asyncpg; a sync also stages the fetch,
stores its diff and writes the audit).
Targets (issue 18): diff+commit <= 2x floor; re-sync with 1% changed <= half the first sync;
peak memory <= 400 MB and flat from 100,000 to 1,000,000 numbers.

    .venv/bin/python -m bench.sync [--mode quick|full] [--sizes N ...] [--databases sqlite postgresql]

quick: 20,000 numbers on SQLite (well under a minute); full: 100,000, 300,000 and 1,000,000 on both.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
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
from inventory.teams.factory import phone_system_for
from inventory.teams.simulation import SimulatedTenant
from inventory.teams.simulation.generate import TenantSizes, generate_tenant
from inventory.teams.simulation.state_file import load_tenant, save_tenant
from inventory.teams.stand_in.server import stand_in_tenant

OPERATOR = Actor("bench", "bench@contoso.test")
POSTGRES = os.environ.get("SWITCHBOARD_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
MODES = {"quick": ([20_000], ["sqlite"]), "full": ([100_000, 300_000, 1_000_000], ["sqlite", "postgresql"])}
RESYNC_SHARE = 0.01
PEAK_TARGET_MB = 400
FLAT_TARGET = 1.25  # "flat": the largest size's peak within this factor of the smallest's


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


def database_url(database: str, folder: Path) -> str:
    if database == "sqlite":
        return f"sqlite+aiosqlite:///{folder}/sync.db"
    return POSTGRES.rsplit("/", 1)[0] + "/" + folder.name.replace("-", "_").lower()


async def create_database(database: str, url: str) -> None:
    if database == "postgresql":
        import asyncpg  # type: ignore[import-untyped]

        admin = await asyncpg.connect(POSTGRES.replace("postgresql+asyncpg", "postgresql"))
        try:
            await admin.execute(f'CREATE DATABASE "{url.rsplit("/", 1)[1]}"')
        finally:
            await admin.close()
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()


async def drop_database(url: str) -> None:
    import asyncpg

    admin = await asyncpg.connect(POSTGRES.replace("postgresql+asyncpg", "postgresql"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    finally:
        await admin.close()


async def syncs(size: int, database: str, folder: Path) -> dict[str, Any]:
    """First sync and a 1% re-sync through the stand-in; this process holds only what Switchboard holds."""
    store = Store(create_engine(database_url(database, folder)))
    state = folder / "tenant.json"
    figures: dict[str, Any] = {}
    for step in ("first", "resync"):
        if step == "resync":
            # The stand-in is stopped; another process changes its state file, as Teams would have changed.
            command = [sys.executable, "-m", "bench.sync", "--change-hands", str(state)]
            await asyncio.to_thread(subprocess.run, command, check=True, capture_output=True)
        # A million numbers take minutes to load and to sync on a busy machine: give the stand-in time.
        async with server_process(size, state, "--max-seconds", "3600", start_timeout=900) as url:
            graph = phone_system_for(stand_in_tenant(url, name="bench"))
            try:
                figures[step] = await timed_sync(store, graph, "bench")
            finally:
                await graph.aclose()
    await store.close()
    figures["peak_mb"] = peak_rss_mb()
    return figures


def peak_rss_mb() -> float:
    """This process's own peak resident memory (VmHWM). Not ru_maxrss: Linux carries ru_maxrss across
    exec, so a part started by an orchestrator holding a generated tenant reported the orchestrator's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sqlite_floor(folder: Path) -> float:
    """sqlite3 executemany of the first sync's rows into an empty table of the same schema."""
    source = sqlite3.connect(folder / "sync.db")
    source.execute("CREATE TABLE floor_numbers AS SELECT * FROM phone_numbers WHERE 0")
    columns = [row[1] for row in source.execute("PRAGMA table_info(phone_numbers)")]
    rows = source.execute("SELECT * FROM phone_numbers").fetchall()
    source.execute("PRAGMA journal_mode=WAL")
    source.execute("PRAGMA synchronous=NORMAL")
    statement = f"INSERT INTO floor_numbers ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    started = time.perf_counter()
    with source:
        source.executemany(statement, rows)
    elapsed = time.perf_counter() - started
    source.close()
    return elapsed


async def postgres_floor(url: str) -> float:
    """asyncpg executemany of the first sync's rows into an empty table of the same schema and indexes."""
    import asyncpg

    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await connection.execute("CREATE TABLE floor_numbers (LIKE phone_numbers INCLUDING ALL)")
        rows = await connection.fetch("SELECT * FROM phone_numbers")
        columns = list(rows[0].keys())
        values = [tuple(row) for row in rows]
        del rows
        placeholders = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
        statement = f"INSERT INTO floor_numbers ({', '.join(columns)}) VALUES ({placeholders})"
        started = time.perf_counter()
        async with connection.transaction():
            await connection.executemany(statement, values)
        return time.perf_counter() - started
    finally:
        await connection.close()


def report(size: int, database: str, figures: dict[str, Any]) -> None:
    floor, first, resync = figures["floor"], figures["first"], figures["resync"]
    name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[database]
    driver = {"sqlite": "sqlite3", "postgresql": "asyncpg"}[database]
    print(f"sync, {size:,} numbers, {name} (floor: {driver} executemany of the same rows = {floor:.2f} s)")
    first_work = first["diff"] + first["commit"]
    for label, f in (("first sync", first), (f"re-sync {RESYNC_SHARE:.0%} moved", resync)):
        work = f["diff"] + f["commit"]
        line = (
            f"  {label:<18} fetch+stage {f['fetch']:6.2f} s  diff {f['diff']:6.2f} s  commit {f['commit']:6.2f} s  "
            f"diff+commit {work:6.2f} s  x{work / floor:4.1f} floor  ({int(f['changes']):,} changes)"
        )
        if f is first:
            print(f"{line}  [target <= 2x floor] {verdict(work <= 2 * floor)}")
        else:
            share = work / first_work
            print(f"{line}  x{share:4.2f} first  [target <= 0.5x first sync] {verdict(share <= 0.5)}")
    peak = figures["peak_mb"]
    print(
        f"  peak memory, Switchboard syncing through the server {peak:6.0f} MB  "
        f"[target <= {PEAK_TARGET_MB} MB] {verdict(peak <= PEAK_TARGET_MB)}"
    )


def verdict(met: bool) -> str:
    return "MET" if met else "MISSED"


def run_part(*arguments: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.sync", *arguments]
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise RuntimeError(f"bench.sync {' '.join(arguments)} failed:\n{finished.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(finished.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=sorted(MODES), default="quick")
    parser.add_argument("--sizes", type=int, nargs="+", help="numbers per tenant (default: the mode's)")
    parser.add_argument("--databases", nargs="+", choices=["sqlite", "postgresql"], help="default: the mode's")
    parser.add_argument("--part", nargs=3, metavar=("SIZE", "DATABASE", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--floor", nargs=2, metavar=("DATABASE", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--change-hands", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.part:
        size, database, folder = arguments.part
        print(json.dumps(asyncio.run(syncs(int(size), database, Path(folder)))))
        return
    if arguments.floor:
        database, folder = arguments.floor
        url = database_url(database, Path(folder))
        seconds = sqlite_floor(Path(folder)) if database == "sqlite" else asyncio.run(postgres_floor(url))
        print(json.dumps({"floor": seconds}))
        return
    if arguments.change_hands:
        tenant = load_tenant(arguments.change_hands)
        change_hands(tenant, RESYNC_SHARE, random.Random(len(tenant.all_numbers())))
        save_tenant(tenant, arguments.change_hands)
        return
    sizes, databases = MODES[arguments.mode]
    peaks: dict[str, list[tuple[int, float]]] = {}
    for size in arguments.sizes or sizes:
        with tempfile.TemporaryDirectory(prefix="bench-sync-") as directory:
            base = Path(directory) / "tenant.json"
            save_tenant(generate_tenant(TenantSizes.for_numbers(size), seed=3, name="bench"), base)
            for database in arguments.databases or databases:
                folder = Path(directory) / f"{database}-{os.getpid()}"
                folder.mkdir()
                shutil.copy(base, folder / "tenant.json")
                url = database_url(database, folder)
                asyncio.run(create_database(database, url))
                try:
                    figures = run_part("--part", str(size), database, str(folder))
                    figures.update(run_part("--floor", database, str(folder)))
                finally:
                    if database == "postgresql":
                        asyncio.run(drop_database(url))
                report(size, database, figures)
                peaks.setdefault(database, []).append((size, figures["peak_mb"]))
                sys.stdout.flush()
    for database, points in peaks.items():
        if len(points) > 1:
            (small, low), (large, high) = points[0], points[-1]
            print(
                f"peak memory {database}: {low:.0f} MB at {small:,} -> {high:.0f} MB at {large:,} "
                f"(x{high / low:.2f})  [target: flat, <= x{FLAT_TARGET}] {verdict(high / low <= FLAT_TARGET)}"
            )


if __name__ == "__main__":
    main()
