"""A bulk run's journal entries opened a batch to a transaction, on both databases: the intent of each
assignment is committed before its caller goes on to Teams, and a number the rules refuse is told so."""

from __future__ import annotations

import asyncio

from inventory.e164 import parse_range
from inventory.errors import NotFound, TransitionRefused
from inventory.journal import PENDING
from inventory.model import Actor, Assignee
from inventory.services.assignment import AssignRequest
from inventory.services.bulk_openings import Opened, Opening, open_batch
from inventory.services.group_commit import BatchCommit
from inventory.services.holds import reserve_number
from inventory.services.imports import import_range
from inventory.store.engine import Store
from tests.support.clock import FakeClock

OLIVIA = Actor("obj-olivia", "olivia@contoso.test")


def person(index: int) -> Assignee:
    return Assignee(f"obj-{index}", f"user{index}@contoso.test", f"User {index}")


def openings(numbers: list[str], clock: FakeClock) -> list[Opening]:
    return [
        Opening(AssignRequest("contoso", number, person(index), None), OLIVIA, clock.now())
        for index, number in enumerate(numbers)
    ]


async def test_entries_opened_together_are_pending_and_committed_in_one_transaction(
    store: Store, clock: FakeClock
) -> None:
    await import_range(store, "contoso", parse_range("+12065550100-+12065550119"), actor=OLIVIA, clock=clock)
    batches: BatchCommit[Opening, Opened] = BatchCommit(store, open_batch)
    numbers = [f"+1206555{100 + index:04d}" for index in range(20)]

    opened = await asyncio.gather(*(batches.run(o) for o in openings(numbers, clock)))

    assert batches.transactions == 1
    async with store.read() as uow:
        stored = [await uow.journal.get(entry.id) for entry, _ in opened]
    assert [(e.number, e.account_id, e.status) if e else None for e in stored] == [
        (number, f"obj-{index}", PENDING) for index, number in enumerate(numbers)
    ]


async def test_a_number_the_rules_refuse_is_told_its_reason_and_the_rest_of_the_batch_opens(
    store: Store, clock: FakeClock
) -> None:
    await import_range(store, "contoso", parse_range("+12065550100-+12065550103"), actor=OLIVIA, clock=clock)
    await reserve_number(
        store, "contoso", "+12065550101", owner="flow-bob", note="", minutes=10, actor=OLIVIA, clock=clock
    )
    batches: BatchCommit[Opening, Opened] = BatchCommit(store, open_batch)
    numbers = ["+12065550100", "+12065550101", "+12065559999", "+12065550102"]

    outcomes = await asyncio.gather(*(batches.run(o) for o in openings(numbers, clock)), return_exceptions=True)

    assert isinstance(outcomes[1], TransitionRefused)
    assert isinstance(outcomes[2], NotFound)
    assert "is not in the contoso inventory." in str(outcomes[2])
    opened = [o for o in outcomes if isinstance(o, tuple)]
    assert [entry.number for entry, _ in opened] == ["+12065550100", "+12065550102"]
    async with store.read() as uow:
        pending = await uow.journal.pending(tenant="contoso", created_before=clock.now().replace(year=2100))
    assert sorted(e.number for e in pending) == ["+12065550100", "+12065550102"]
