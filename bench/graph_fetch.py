"""Benchmark: fetch_snapshot, and the streamed fetch a sync reads, through the local Graph stand-in.

The stand-in runs as its own process (as in the demo), so client and server do not share an event
loop. Prints wall time, pages and requests per size; asserts nothing about time.

    .venv/bin/python -m bench.graph_fetch [--mode quick|full] [--sizes N ...] [--in-process]

quick: 10,000 numbers; full: 100,000 and 1,000,000 (issue 18's largest tenant). No target of its
own: the fetch is part of sync's figures (`bench.sync`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from inventory.ports.phone_system import DirectoryEntry, FetchProgress, TeamsAccount, TeamsNumber
from inventory.teams.factory import phone_system_for
from inventory.teams.simulation.generate import TenantSizes, generate_tenant
from inventory.teams.stand_in.server import stand_in_tenant, start_graph_server

ROOT = Path(__file__).resolve().parent.parent
MODES = {"quick": [10_000], "full": [100_000, 1_000_000]}


@contextlib.asynccontextmanager
async def server_process(
    numbers: int, state: Path, *extra: str, operation_delay: float = 0.0, start_timeout: float = 120
) -> AsyncIterator[str]:
    """Start `python -m inventory.teams.stand_in` on a free port; yield its URL; stop it. (A later
    `--max-seconds` in `extra` wins over the default 600.)"""
    process = await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "inventory.teams.stand_in", "--state", str(state), "--numbers", str(numbers)],
        *["--port", "0", "--operation-delay", str(operation_delay), "--max-seconds", "600", *extra],
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=start_timeout)).decode()
        if "listening on" not in line:
            raise RuntimeError(f"the stand-in did not start: {line!r}")
        yield line.split("listening on ", 1)[1].split()[0]
    finally:
        if process.returncode is None:
            process.terminate()
            await asyncio.wait_for(process.wait(), timeout=30)


@contextlib.asynccontextmanager
async def server_in_process(numbers: int) -> AsyncIterator[str]:
    tenant = generate_tenant(TenantSizes.for_numbers(numbers))
    server = await start_graph_server(tenant)
    try:
        yield server.url
    finally:
        await server.stop()


async def measure(url: str, numbers: int) -> None:
    pages: Counter[str] = Counter()

    async def progress(update: FetchProgress) -> None:
        pages[update.what] += 1

    async with phone_system_for(stand_in_tenant(url)) as phone:
        started = time.perf_counter()
        snapshot = await phone.fetch_snapshot(progress)
        wall = time.perf_counter() - started
        requests = phone.stats.requests
    assert len(snapshot.numbers) == numbers, f"expected {numbers} numbers, got {len(snapshot.numbers)}"
    page_text = " ".join(f"{what}={count}" for what, count in sorted(pages.items()))
    print(
        f"graph_fetch numbers={numbers} accounts={len(snapshot.accounts)} wall_s={wall:.2f} "
        f"pages=({page_text}) requests={requests}"
    )
    del snapshot
    sink = CountingSink()
    async with phone_system_for(stand_in_tenant(url)) as phone:
        started = time.perf_counter()
        await phone.stream_snapshot(sink)
        wall = time.perf_counter() - started
    print(
        f"graph_fetch streamed numbers={sink.numbers_seen} accounts={sink.accounts_seen} wall_s={wall:.2f} "
        f"(what a sync reads: pages handed over as they come, none kept)"
    )


class CountingSink:
    """A SnapshotSink that keeps nothing but counts."""

    def __init__(self) -> None:
        self.numbers_seen = self.accounts_seen = 0

    async def numbers(self, batch: Sequence[TeamsNumber]) -> None:
        self.numbers_seen += len(batch)

    async def accounts(self, batch: Sequence[TeamsAccount]) -> None:
        self.accounts_seen += len(batch)

    async def names(self, batch: Sequence[DirectoryEntry]) -> None:
        pass


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--mode", choices=sorted(MODES), default="quick", help="quick: 10,000; full: 100,000 and 1,000,000"
    )
    parser.add_argument("--sizes", type=int, nargs="+", help="numbers per tenant (default: the mode's)")
    parser.add_argument("--in-process", action="store_true", help="run the stand-in in this process")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        for numbers in args.sizes or MODES[args.mode]:
            if args.in_process:
                context = server_in_process(numbers)
            else:
                context = server_process(numbers, Path(scratch) / f"tenant-{numbers}.json")
            async with context as url:
                await measure(url, numbers)


if __name__ == "__main__":
    asyncio.run(main())
