"""The database's turns: so many at a time, and an operator's work before the bulk work waiting."""

from __future__ import annotations

import asyncio

from inventory.pacing import lane
from inventory.pacing.gate import OperationGate
from inventory.store.turns import Turns
from tests.support.clock import FakeClock


async def test_an_interactive_write_goes_before_bulk_writes_that_were_waiting_first(clock: FakeClock) -> None:
    turns, order = Turns(), []
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
    turns, order = Turns(), []
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


async def test_with_room_for_two_the_third_waits_and_a_click_gets_the_first_turn_that_frees() -> None:
    turns, order = Turns(2), []
    release = asyncio.Event()
    clock = FakeClock()
    gate = OperationGate("contoso", clock)

    async def hold(name: str) -> None:
        async with turns.turn():
            order.append(name)
            await release.wait()

    async def bulk(name: str) -> None:
        async with gate.bulk_slot(), turns.turn():
            order.append(name)

    async def click() -> None:
        async with turns.turn():
            order.append("click")

    holders = [asyncio.create_task(hold(f"holder-{i}")) for i in range(2)]
    await asyncio.sleep(0)
    waiting = [asyncio.create_task(bulk("bulk")), asyncio.create_task(click())]
    await asyncio.sleep(0)
    assert order == ["holder-0", "holder-1"]
    release.set()
    await asyncio.gather(*holders, *waiting)

    assert order[2:] == ["click", "bulk"]
