"""Many callers' small write transactions run as one: a group commit for a bulk run's journal writes.

A bulk run opens and settles hundreds of journal entries at once; one transaction each cost it, on
SQLite's single writer, a turn, a pooled connection, BEGIN and COMMIT per step, three steps an
assignment. Here a transaction in progress collects the work that arrives meanwhile, and the next
transaction runs it all, one caller's work after another (so each sees the ones before, as in a row
of transactions). Alone, a caller gets a transaction of its own, as before.

Each caller returns only once its own work is committed, so "the intent is committed before Teams is
called" and "the settlement is committed before anyone is told" hold as they did. When one caller's
work raises, the shared transaction is rolled back and each work of that batch runs again in a
transaction of its own: the failing caller hears its own error, the others commit as if alone.
A work must therefore only write through its unit of work (no side effects it cannot repeat).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Generic, Protocol, TypeVar

from inventory.ports.storage import Storage, UnitOfWork

T = TypeVar("T")
Work = Callable[[UnitOfWork], Awaitable[T]]
# At most this many callers to one transaction: a longer one would hold SQLite's writer (and an
# operator's click queued behind it) for more than a few milliseconds.
BATCH = 64


class Transactions(Protocol):
    """Runs a unit of work's worth of writes and returns its result once committed."""

    async def run(self, work: Work[T]) -> T: ...


class OwnTransaction:
    """One transaction per call (the interactive path)."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def run(self, work: Work[T]) -> T:
        async with self._storage.write() as uow:
            return await work(uow)


class GroupCommit:
    """Shares transactions between the callers waiting at the same time."""

    def __init__(self, storage: Storage, *, batch: int = BATCH) -> None:
        self._storage = storage
        self._batch = batch
        self._waiting: list[tuple[Work[Any], asyncio.Future[Any]]] = []
        self._writer: asyncio.Task[None] | None = None
        self.transactions = 0  # shared transactions committed (for tests and the benchmark)

    async def run(self, work: Work[T]) -> T:
        """Return `work`'s result once it is committed; raise what it raised."""
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiting.append((work, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all())
        return await done

    async def _write_all(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[: self._batch], self._waiting[self._batch :]
            try:
                results = await self._together(batch)
            except Exception:  # someone's work failed: each runs alone and hears its own outcome
                await self._one_by_one(batch)
                continue
            self.transactions += 1
            for (_, done), result in zip(batch, results, strict=True):
                if not done.done():
                    done.set_result(result)

    async def _together(self, batch: list[tuple[Work[Any], asyncio.Future[Any]]]) -> list[Any]:
        async with self._storage.write() as uow:
            return [await work(uow) for work, _ in batch]

    async def _one_by_one(self, batch: list[tuple[Work[Any], asyncio.Future[Any]]]) -> None:
        for work, done in batch:
            try:
                async with self._storage.write() as uow:
                    result = await work(uow)
            except Exception as error:  # handed to its caller, as a transaction of its own would
                if not done.done():
                    done.set_exception(error)
                continue
            self.transactions += 1
            if not done.done():
                done.set_result(result)


Item = TypeVar("Item")
R = TypeVar("R")
# Writes a whole batch in one transaction: one result per item, in order; an item refused by a rule is
# answered with its error (written nothing), a raise rolls the batch back.
BatchWrite = Callable[[UnitOfWork, list[Item]], Awaitable[list[R | Exception]]]


class BatchCommit(Generic[Item, R]):
    """Like `GroupCommit`, for work that a batch does in fewer statements than its items one by one."""

    def __init__(self, storage: Storage, write: BatchWrite[Item, R], *, batch: int = BATCH) -> None:
        self._storage = storage
        self._write = write
        self._batch = batch
        self._waiting: list[tuple[Item, asyncio.Future[R]]] = []
        self._writer: asyncio.Task[None] | None = None
        self.transactions = 0

    async def run(self, item: Item) -> R:
        """Return `item`'s result once its batch is committed; raise its own error."""
        done: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all())
        return await done

    async def _write_all(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[: self._batch], self._waiting[self._batch :]
            try:
                async with self._storage.write() as uow:
                    results = await self._write(uow, [item for item, _ in batch])
            except Exception:  # the batch failed as a whole: each item alone, each caller its own outcome
                for item, done in batch:
                    await self._alone(item, done)
                continue
            self.transactions += 1
            for (_, done), result in zip(batch, results, strict=True):
                _answer(done, result)

    async def _alone(self, item: Item, done: asyncio.Future[R]) -> None:
        try:
            async with self._storage.write() as uow:
                [result] = await self._write(uow, [item])
        except Exception as error:  # handed to its caller, as a transaction of its own would
            result = error
        self.transactions += 1
        _answer(done, result)


def _answer(done: asyncio.Future[R], result: R | Exception) -> None:
    if done.done():
        return
    if isinstance(result, Exception):
        done.set_exception(result)
    else:
        done.set_result(result)
