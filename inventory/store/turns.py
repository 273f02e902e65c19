"""The database's connections taken in turns, where an operator's work goes before bulk work's.

SQLite has one writer; PostgreSQL a pool of connections. A bulk run keeps a hundred assignments or
more waiting for either; in plain arrival order an operator's click would wait behind all of them
(seconds). Interactive work (`pacing.lane`) is handed the next free turn before any waiting bulk
work; among each kind, first come first served. Bulk work is never starved: clicks are few and each
takes one turn at a time.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from inventory.pacing import lane


class Turns:
    """At most `capacity` holders at once (1: SQLite's writer; the pool's size: PostgreSQL)."""

    def __init__(self, capacity: int = 1) -> None:
        self._free = max(1, capacity)
        self._waiting: dict[lane.Lane, deque[asyncio.Future[None]]] = {kind: deque() for kind in lane.Lane}

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Hold one turn for the block."""
        if self._free > 0:
            self._free -= 1
        else:
            granted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiting[lane.current()].append(granted)
            try:
                await granted
            except asyncio.CancelledError:
                if granted.done() and not granted.cancelled():
                    self._hand_on()  # the turn reached us as we were cancelled: the next waiter has it
                raise
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
        self._free += 1
