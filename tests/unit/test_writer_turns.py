"""SQLite's writer turns: one at a time, and an operator's write before the bulk writes waiting."""

from __future__ import annotations

import asyncio

from inventory.pacing import lane
from inventory.pacing.gate import OperationGate
from inventory.store.writer_turns import WriterTurns
from tests.support.clock import FakeClock


async def test_an_interactive_write_goes_before_bulk_writes_that_were_waiting_first(clock: FakeClock) -> None:
    turns, order = WriterTurns(), []
    gate = OperationGate("contoso", clock)
    first_holds = asyncio.Event()

    async def write(name: str) -> None:
        async with turns.turn():
            order.append(name)
            if name == "first":
                await first_holds.wait()

    async def bulk_write(name: str) -> None:
        async with gate.bulk_slot():
            await write(name)

    holder = asyncio.create_task(write("first"))
    await asyncio.sleep(0)
    bulk = [asyncio.create_task(bulk_write(f"bulk-{i}")) for i in range(3)]
    await asyncio.sleep(0)
    click = asyncio.create_task(write("click"))
    await asyncio.sleep(0)
    first_holds.set()
    await asyncio.gather(holder, click, *bulk)

    assert order == ["first", "click", "bulk-0", "bulk-1", "bulk-2"]


async def test_a_writer_cancelled_while_waiting_does_not_keep_the_turn() -> None:
    turns, order = WriterTurns(), []
    release = asyncio.Event()

    async def write(name: str) -> None:
        async with turns.turn():
            order.append(name)
            if name == "first":
                await release.wait()

    holder = asyncio.create_task(write("first"))
    await asyncio.sleep(0)
    gone = asyncio.create_task(write("gone"))
    later = asyncio.create_task(write("later"))
    await asyncio.sleep(0)
    gone.cancel()
    release.set()
    await asyncio.gather(holder, later)

    assert order == ["first", "later"]
    assert gone.cancelled()
    assert lane.current() is lane.Lane.INTERACTIVE
