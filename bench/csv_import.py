"""CSV import and export at 100,000 and 1,000,000 numbers, on SQLite and PostgreSQL, with peak memory.

Each part runs in a process of its own, so its peak memory (ru_maxrss) is that part's alone:
- import: a carrier-style CSV (E.164 numbers, location, carrier, pool, range; every 50th row a reservation)
  through `import_csv` into an empty inventory, then the same file again (everything unchanged);
- export: the inventory that import left, through `export_csv` to a file.
Floors, measured in the same process: the driver's executemany of the same number of rows into a bare
5-column table (import), and a plain SELECT of the same rows written with csv.writer (export).
Targets (issue 18 item 3): import at most 10x the floor; export memory flat from 100,000 to 1,000,000.

    .venv/bin/python -m bench.csv_import [--mode quick|full] [--stores sqlite postgresql]

quick: 20,000 numbers on SQLite and PostgreSQL (well under a minute); full: 100,000 and 1,000,000 on both.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from inventory.model import Actor, NumberType
from inventory.ports.clock import SystemClock
from inventory.services.exports import export_csv
from inventory.services.imports import import_csv
from inventory.store.engine import Store, create_engine
from inventory.store.migrate import upgrade
from inventory.store.number_rows import new_number_row, snapshot_of_row

POSTGRES_ADMIN_URL = os.environ.get("SWITCHBOARD_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
OPERATOR = Actor("bench", "bench@contoso.test")
TENANT = "contoso"
LOCATIONS = ["Seattle", "Redmond", "London", "Dublin", "Sydney", "Austin", "Boston", "Denver", "Paris", "Tokyo"]
POOLS = ["Sales", "Support", "Finance", "Engineering", "Legal", "HR", "Ops", "Reception"]
CARRIERS = ["Contoso Telecom", "Fabrikam Voice", "Northwind Carrier"]
IMPORT_TARGET = 10.0  # x the floor
FLAT_TARGET = 1.25  # export peak at the largest size over the smallest: "flat"
RESERVED_EVERY = 50
QUICK_SIZES = [20_000]  # well under a minute on the 2-core machine, both stores
FULL_SIZES = [100_000, 1_000_000]  # issue 18's sizes


def write_inventory_csv(path: Path, count: int) -> None:
    """`count` distinct E.164 numbers (+1 201..300 555 xxxx) with metadata; every 50th reserved for someone."""
    until = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%d")
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("number,location,carrier,pool,range,status,hold_owner,hold_for_name,hold_expires_at,hold_note\n")
        for index in range(count):
            block = index // 1000
            reservation = (
                f"reserved,cli:bench,Adele Vance {index},{until},desk move" if index % RESERVED_EVERY == 0 else ",,,,"
            )
            out.write(
                f"+1{201 + index // 10_000:03d}555{index % 10_000:04d},{LOCATIONS[block % 10]},"
                f"{CARRIERS[block % 3]},{POOLS[block % 8]},R-{block:04d},{reservation}\n"
            )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    """This process's CPU (every thread: the SQLite driver's too), less swayed than wall time by the
    other work on a shared machine. PostgreSQL's own work is in the server, not here."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- floors -------------------------------------------------------------------------------------------------


def _floor_rows(count: int) -> list[tuple[str, str, str, str, str]]:
    return [(TENANT, f"+1206555{i:07d}", "Seattle", "Contoso Telecom", "Sales") for i in range(count)]


async def import_floor(url: str, folder: Path, count: int) -> float:
    rows = _floor_rows(count)
    if url.startswith("sqlite"):
        connection = sqlite3.connect(folder / "floor.db")
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE floor (tenant TEXT, number TEXT, location TEXT, carrier TEXT, pool TEXT)")
        started = time.perf_counter()
        with connection:
            connection.executemany("INSERT INTO floor VALUES (?, ?, ?, ?, ?)", rows)
        elapsed = time.perf_counter() - started
        connection.close()
        return elapsed
    import asyncpg  # type: ignore[import-untyped]

    raw = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await raw.execute("CREATE TABLE floor (tenant TEXT, number TEXT, location TEXT, carrier TEXT, pool TEXT)")
        started = time.perf_counter()
        async with raw.transaction():
            await raw.executemany("INSERT INTO floor VALUES ($1, $2, $3, $4, $5)", rows)
        elapsed = time.perf_counter() - started
        await raw.execute("DROP TABLE floor")
        return elapsed
    finally:
        await raw.close()


async def schema_floor(folder: Path, count: int) -> float:
    """What SQLite alone spends on an import's writes: the numbers and audit rows Switchboard writes, built
    beforehand 5,000 at a time, through sqlite3 executemany into the migrated schema with its indexes."""
    url = f"sqlite+aiosqlite:///{folder}/schema-floor.db"
    store = Store(create_engine(url))
    await upgrade(store.engine)
    await store.close()
    connection = sqlite3.connect(folder / "schema-floor.db")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA cache_size=-65536")
    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")
    elapsed = 0.0
    for start in range(0, count, 5_000):
        rows = [
            new_number_row(
                TENANT,
                f"+1{201 + index // 10_000:03d}555{index % 10_000:04d}",
                number_type=NumberType.DIRECT_ROUTING,
                operator=OPERATOR.name,
                now=now,
                location=LOCATIONS[index // 1000 % 10],
                carrier=CARRIERS[index // 1000 % 3],
                pool=POOLS[index // 1000 % 8],
                range_label=f"R-{index // 1000:04d}",
            )
            for index in range(start, min(count, start + 5_000))
        ]
        columns = list(rows[0])
        numbers = [tuple(stamp if isinstance(row[c], datetime) else row[c] for c in columns) for row in rows]
        audit = [
            (
                TENANT,
                stamp,
                OPERATOR.id,
                OPERATOR.name,
                "import",
                row["number"],
                "",
                None,
                None,
                None,
                json.dumps(snapshot_of_row(row)),
                "bench",
                None,
            )
            for row in rows
        ]
        started = time.perf_counter()
        connection.executemany(
            f"INSERT INTO phone_numbers ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", numbers
        )
        connection.executemany(
            "INSERT INTO audit_events (tenant, at, operator_id, operator_name, action, number, extension, holder_id, "
            "holder_upn, before, after, correlation_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            audit,
        )
        elapsed += time.perf_counter() - started
    started = time.perf_counter()
    connection.commit()
    elapsed += time.perf_counter() - started
    connection.close()
    return elapsed


async def export_floor(url: str, folder: Path) -> float:
    query = "SELECT number, extension, number_type, status, location, range_label, carrier, pool FROM phone_numbers"
    started = time.perf_counter()
    with (folder / "floor.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        if url.startswith("sqlite"):
            connection = sqlite3.connect(url.removeprefix("sqlite+aiosqlite:///"))
            writer.writerows(connection.execute(query + " ORDER BY number"))
            connection.close()
        else:
            import asyncpg

            raw = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
            try:
                async with raw.transaction():
                    async for record in raw.cursor(query + " ORDER BY tenant, number", prefetch=5_000):
                        writer.writerow(tuple(record))
            finally:
                await raw.close()
    return time.perf_counter() - started


# --- the parts, each in its own process ----------------------------------------------------------------------


async def run_import(url: str, folder: Path, count: int) -> dict[str, Any]:
    path = folder / f"inventory-{count}.csv"
    write_inventory_csv(path, count)
    store = Store(create_engine(url))
    await upgrade(store.engine)
    figures: dict[str, Any] = {"base_mb": peak_mb()}
    for part in ("import", "reimport"):
        cpu, started = cpu_s(), time.perf_counter()
        report = await import_csv(store, TENANT, path.read_bytes(), actor=OPERATOR, clock=SystemClock())
        figures[f"{part}_s"] = time.perf_counter() - started
        figures[f"{part}_cpu_s"] = cpu_s() - cpu
        figures[f"{part}_counts"] = [report.added, report.updated, report.unchanged, len(report.skipped)]
    figures["peak_mb"] = peak_mb()  # before the floors, which hold their rows
    await store.close()
    figures["floor_s"] = await import_floor(url, folder, count)
    if url.startswith("sqlite"):
        figures["schema_floor_s"] = await schema_floor(folder, count)
    return figures


async def run_export(url: str, folder: Path) -> dict[str, Any]:
    store = Store(create_engine(url))
    base = peak_mb()
    started = time.perf_counter()
    with (folder / "export.csv").open("w", encoding="utf-8", newline="") as out:
        count = await export_csv(store, TENANT, out)
    elapsed = time.perf_counter() - started
    await store.close()
    return {
        "export_s": elapsed,
        "count": count,
        "peak_mb": peak_mb(),
        "base_mb": base,
        "floor_s": await export_floor(url, folder),
    }


def child(part: str, url: str, folder: str, count: int) -> dict[str, Any]:
    """Run one part in a fresh interpreter and return the figures it printed as JSON."""
    command = [sys.executable, "-m", "bench.csv_import", "--part", part, "--url", url, "--folder", folder]
    command += ["--numbers", str(count)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=3600)
    if done.returncode != 0:
        raise SystemExit(f"bench part {part} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- the driver -------------------------------------------------------------------------------------------------


async def _create_database(name: str) -> str:
    admin = create_async_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    return f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"


async def _drop_database(name: str) -> None:
    admin = create_async_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


def _verdict(met: bool) -> str:
    return "MET" if met else "MISSED"


def measure(store_kind: str, count: int) -> float:
    """Import then export `count` numbers on `store_kind`; prints the lines, returns the export's peak."""
    with tempfile.TemporaryDirectory() as folder:
        name = f"bench_csv_{uuid.uuid4().hex[:8]}"
        url = (
            f"sqlite+aiosqlite:///{folder}/bench.db" if store_kind == "sqlite" else asyncio.run(_create_database(name))
        )
        try:
            imported = child("import", url, folder, count)
            exported = child("export", url, folder, count)
        finally:
            if store_kind != "sqlite":
                asyncio.run(_drop_database(name))
    floor, first, again = imported["floor_s"], imported["import_s"], imported["reimport_s"]
    added, _, _, skipped = imported["import_counts"]
    label = f"{store_kind:<10} {count:>9,}"
    schema = imported.get("schema_floor_s")
    beside = f"; SQLite's own writes into our schema {schema:.2f} s, x{first / schema:.1f} of them" if schema else ""
    print(
        f"import   {label}  {first:7.2f} s  floor {floor:5.2f} s  x{first / floor:5.1f} floor  "
        f"[target <= x{IMPORT_TARGET:.0f}] {_verdict(first / floor <= IMPORT_TARGET)}  "
        f"(cpu {imported['import_cpu_s']:.2f} s; added {added:,}, skipped {skipped:,}{beside})"
    )
    print(
        f"reimport {label}  {again:7.2f} s  floor {floor:5.2f} s  x{again / floor:5.1f} floor  "
        f"[target <= x{IMPORT_TARGET:.0f}] {_verdict(again / floor <= IMPORT_TARGET)}  "
        f"(cpu {imported['reimport_cpu_s']:.2f} s; unchanged {imported['reimport_counts'][2]:,})"
    )
    print(
        f"         {label}  import peak memory {imported['peak_mb']:.0f} MB "
        f"(before importing {imported['base_mb']:.0f} MB)"
    )
    print(
        f"export   {label}  {exported['export_s']:7.2f} s  floor {exported['floor_s']:5.2f} s  "
        f"x{exported['export_s'] / exported['floor_s']:5.1f} floor  peak memory {exported['peak_mb']:.0f} MB  "
        f"({exported['count']:,} rows)"
    )
    return float(exported["peak_mb"])


def main(mode: str, stores: list[str]) -> None:
    sizes = QUICK_SIZES if mode == "quick" else FULL_SIZES
    print(
        f"CSV import/export benchmark ({mode}): sizes {', '.join(f'{s:,}' for s in sizes)}; stores {', '.join(stores)}"
    )
    for store_kind in stores:
        peaks = [measure(store_kind, size) for size in sizes]
        if len(peaks) > 1:
            ratio = peaks[-1] / peaks[0]
            print(
                f"export   {store_kind:<10} peak memory {sizes[-1]:,} / {sizes[0]:,}: "
                f"{peaks[-1]:.0f} / {peaks[0]:.0f} MB "
                f"= x{ratio:.2f}  [target flat: <= x{FLAT_TARGET}] {_verdict(ratio <= FLAT_TARGET)}"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=("quick", "full"), default="quick")
    parser.add_argument("--stores", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"])
    parser.add_argument("--part", choices=("import", "export"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--numbers", type=int, default=100_000, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.part == "import":
        print(json.dumps(asyncio.run(run_import(arguments.url, Path(arguments.folder), arguments.numbers))))
    elif arguments.part == "export":
        print(json.dumps(asyncio.run(run_export(arguments.url, Path(arguments.folder)))))
    else:
        main(arguments.mode, arguments.stores)
