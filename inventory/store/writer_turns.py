"""SQLite's one writer at a time, taken in turns where an operator's write goes before bulk work's.

A bulk run keeps a hundred assignments or more waiting for the writer; in plain arrival order an
operator's click would wait behind all of them (seconds). Interactive writers (`pacing.lane`) are
handed the next turn before any waiting bulk writer; among each kind, first come first served. Bulk
work is never starved: clicks are few and each takes one turn.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from inventory.pacing import lane


class WriterTurns:
    def __init__(self) -> None:
        self._busy = False
        self._waiting: dict[lane.Lane, deque[asyncio.Future[None]]] = {kind: deque() for kind in lane.Lane}

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Hold the writer's turn for the block."""
        if self._busy:
            granted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiting[lane.current()].append(granted)
            try:
                await granted
            except asyncio.CancelledError:
                if granted.done() and not granted.cancelled():
                    self._hand_on()  # the turn reached us as we were cancelled: the next writer has it
                raise
        else:
            self._busy = True
        try:
            yield
        finally:
            self._hand_on()

    def _hand_on(self) -> None:
        for kind in (lane.Lane.INTERACTIVE, lane.Lane.BULK):
            queue = self._waiting[kind]
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    return
        self._busy = False
