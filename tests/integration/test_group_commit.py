"""A bulk run's writes, many callers to one transaction, on both databases: each caller still hears its own
outcome, and one caller's failure costs the others nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from inventory import journal
from inventory.e164 import parse_range
from inventory.errors import NotFound
from inventory.model import Actor, Assignee
from inventory.ports.storage import UnitOfWork
from inventory.services.group_commit import GroupCommit
from inventory.services.imports import import_range
from inventory.store.engine import Store
from tests.support.clock import FakeClock

OLIVIA = Actor("obj-olivia", "olivia@contoso.test")


def opening(number: str, clock: FakeClock) -> Callable[[UnitOfWork], Awaitable[str]]:
    """A work that opens a journal entry for `number` (raising NotFound for a number not in the inventory)."""

    async def work(uow: UnitOfWork) -> str:
        current = await uow.numbers.get("contoso", number)
        if current is None:
            raise NotFound(f"{number} is not in the contoso inventory.")
        person = Assignee(f"obj-{number}", f"{number}@contoso.test", number)
        entry = journal.begin(
            journal.Kind.ASSIGN, current, person, OLIVIA, at=clock.now(), correlation_id=f"c-{number}"
        )
        await uow.journal.write(entry)
        return entry.id

    return work


async def entries(store: Store) -> int:
    async with store.read() as uow:
        return len(await uow.journal.pending(tenant="contoso", created_before=FakeClock().now().replace(year=2100)))


async def test_writes_arriving_together_are_committed_in_one_transaction_and_each_caller_gets_its_own_result(
    store: Store, clock: FakeClock
) -> None:
    await import_range(store, "contoso", parse_range("+12065550100-+12065550111"), actor=OLIVIA, clock=clock)
    group = GroupCommit(store)
    works = [opening(f"+1206555{100 + index:04d}", clock) for index in range(12)]

    ids = await asyncio.gather(*(group.run(work) for work in works))

    assert len(set(ids)) == 12
    assert await entries(store) == 12
    assert group.transactions == 1


async def test_one_callers_failure_is_its_own_and_the_others_still_commit(store: Store, clock: FakeClock) -> None:
    await import_range(store, "contoso", parse_range("+12065550100-+12065550104"), actor=OLIVIA, clock=clock)
    group = GroupCommit(store)
    numbers = ["+12065550100", "+12065550101", "+12065550999", "+12065550102", "+12065550103"]
    works = [opening(number, clock) for number in numbers]

    outcomes = await asyncio.gather(*(group.run(work) for work in works), return_exceptions=True)

    assert [type(outcome) for outcome in outcomes].count(NotFound) == 1
    assert isinstance(outcomes[2], NotFound)
    assert "+12065550999 is not in the contoso inventory." in str(outcomes[2])
    assert await entries(store) == 4


async def test_a_write_that_arrives_alone_has_a_transaction_of_its_own(store: Store, clock: FakeClock) -> None:
    await import_range(store, "contoso", parse_range("+12065550100-+12065550101"), actor=OLIVIA, clock=clock)
    group = GroupCommit(store)

    await group.run(opening("+12065550100", clock))
    await group.run(opening("+12065550101", clock))

    assert group.transactions == 2
    assert await entries(store) == 2


@pytest.mark.parametrize("batch", [1, 3])
async def test_no_transaction_holds_more_callers_than_the_batch_allows(
    store: Store, clock: FakeClock, batch: int
) -> None:
    await import_range(store, "contoso", parse_range("+12065550100-+12065550106"), actor=OLIVIA, clock=clock)
    group = GroupCommit(store, batch=batch)
    works = [opening(f"+1206555{100 + index:04d}", clock) for index in range(7)]

    await asyncio.gather(*(group.run(work) for work in works))

    assert group.transactions == -(-7 // batch)  # 7 callers, at most `batch` to a transaction
    assert await entries(store) == 7
