"""Writing an import's plan a chunk at a time, each chunk while the next one is read and checked.

The database does its work in the driver's thread (aiosqlite, without the GIL) or on the server
(asyncpg), and the next chunk is parsed in a worker thread (`read_ahead`), so on two cores parsing the
next 5,000 rows overlaps with storing the last 5,000. One chunk is in flight at a time: the
transaction's connection serves one statement at a time, so every other use of it waits for `settle()`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator
from typing import TypeVar

from inventory.errors import ImportRejected
from inventory.import_plan import ImportPlan
from inventory.model import Actor
from inventory.ports.clock import Clock
from inventory.ports.repositories import NumberRepository

ImportProgress = Callable[[int, int], Awaitable[None]]  # (rows written, rows to write)
T = TypeVar("T")


async def read_ahead(items: Iterator[T]) -> AsyncGenerator[T, None]:
    """`items`, each next one produced in a worker thread while the caller handles the current one.
    Use it inside `contextlib.aclosing`, so an import that stops early waits for the thread."""
    pending = asyncio.ensure_future(asyncio.to_thread(next, items, None))
    try:
        while (item := await pending) is not None:
            pending = asyncio.ensure_future(asyncio.to_thread(next, items, None))
            yield item
    finally:
        if not pending.done():
            await asyncio.wait([pending])
        if not pending.cancelled():
            pending.exception()  # an error after the caller's own is not the one to report


class ChunkWriter:
    def __init__(
        self,
        numbers: NumberRepository,
        actor: Actor,
        clock: Clock,
        correlation_id: str,
        action: str,
        progress: ImportProgress | None,
        expected: int,
    ) -> None:
        self._numbers = numbers
        self._actor = actor
        self._clock = clock
        self._correlation_id = correlation_id
        self._action = action
        self._progress = progress
        self._expected = expected  # an estimate for the progress bar (the file's lines)
        self._done = 0
        self._writing: asyncio.Task[None] | None = None

    def write(self, plan: ImportPlan) -> None:
        """Start writing `plan`; the caller settles the previous chunk first."""
        assert self._writing is None, "settle() the previous chunk before writing the next"
        if plan.new or plan.updates:
            self._writing = asyncio.create_task(self._write(plan))

    async def settle(self) -> None:
        """Wait for the chunk in flight; raises what writing it raised."""
        writing, self._writing = self._writing, None
        if writing is not None:
            await writing

    async def finish(self) -> None:
        """Settle the last chunk and tell the progress bar everything is written."""
        await self.settle()
        if self._progress and self._done:
            await self._progress(self._done, self._done)

    async def stop(self) -> None:
        """Never leave a write running on the connection when the import stops early (an exception)."""
        writing, self._writing = self._writing, None
        if writing is not None and not writing.done():
            await asyncio.wait([writing])

    async def _write(self, plan: ImportPlan) -> None:
        numbers, actor = self._numbers, self._actor
        before = self._done

        async def added(done: int, _: int) -> None:  # a range's one big chunk moves the bar batch by batch
            if self._progress:
                await self._progress(before + done, max(self._expected, before + done))

        await numbers.add(
            plan.new,
            action=self._action,
            actor=actor,
            at=self._clock.now(),
            correlation_id=self._correlation_id,
            progress=added,
        )
        if plan.updates:
            # Lock the rows to change, check none moved since they were read, then write them in one
            # executemany (a re-import that touches 100,000 rows must not be 100,000 UPDATE statements).
            read = {before.id: before.version for before, _ in plan.updates}
            current = await numbers.lock_by_ids(plan.updates[0][0].tenant, [i for i in read if i is not None])
            if any(i not in current or current[i].version != version for i, version in read.items()):
                raise ImportRejected(
                    "Some numbers were changed by someone else during the import; nothing was imported. Run it again."
                )
            await numbers.save_locked(
                plan.updates, action=self._action, actor=actor, correlation_id=self._correlation_id
            )
        self._done += len(plan.new) + len(plan.updates)
        if self._progress:
            await self._progress(self._done, max(self._expected, self._done))
