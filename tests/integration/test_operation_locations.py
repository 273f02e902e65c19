"""Operations' Locations kept on their journal entries, many to one transaction, on both databases."""

from __future__ import annotations

import asyncio

from inventory import journal
from inventory.e164 import parse_range
from inventory.model import Actor, Assignee
from inventory.services.imports import import_range
from inventory.services.operation_locations import OperationLocations
from inventory.store.engine import Store
from tests.support.clock import FakeClock

OLIVIA = Actor("obj-olivia", "olivia@contoso.test")


async def pending_entries(store: Store, clock: FakeClock, count: int) -> list[journal.JournalEntry]:
    await import_range(
        store, "contoso", parse_range(f"+12065550100-+1206555{100 + count - 1:04d}"), actor=OLIVIA, clock=clock
    )
    entries = []
    async with store.write() as uow:
        for index in range(count):
            number = await uow.numbers.get("contoso", f"+1206555{100 + index:04d}")
            assert number is not None
            person = Assignee(f"obj-{index}", f"user{index}@contoso.test", f"User {index}")
            entry = journal.begin(
                journal.Kind.ASSIGN, number, person, OLIVIA, at=clock.now(), correlation_id=f"c-{index}"
            )
            await uow.journal.write(entry)
            entries.append(entry)
    return entries


async def test_locations_arriving_together_are_committed_in_one_transaction(store: Store, clock: FakeClock) -> None:
    entries = await pending_entries(store, clock, 12)
    locations = OperationLocations(store)

    await asyncio.gather(*(locations.keep(e.id, f"https://graph/operations('{e.id}')") for e in entries))

    async with store.read() as uow:
        kept = [await uow.journal.get(e.id) for e in entries]
    assert [k.operation_location if k else None for k in kept] == [
        f"https://graph/operations('{e.id}')" for e in entries
    ]
    assert locations.batches == 1


async def test_a_location_that_arrives_alone_is_committed_in_a_transaction_of_its_own(
    store: Store, clock: FakeClock
) -> None:
    first, second = await pending_entries(store, clock, 2)
    locations = OperationLocations(store)

    await locations.keep(first.id, "https://graph/operations('1')")
    await locations.keep(second.id, "https://graph/operations('2')")

    async with store.read() as uow:
        again = await uow.journal.get(second.id)
    assert again is not None
    assert again.operation_location == "https://graph/operations('2')"
    assert locations.batches == 2
