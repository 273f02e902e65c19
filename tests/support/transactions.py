"""Counting the transactions a store opens, from the engine itself (SQLAlchemy's `begin` event)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from inventory.store.engine import Store


@dataclass
class Transactions:
    reads: int = 0
    writes: int = 0


# The bot's notification poster runs beside every turn (it claims a queued note as soon as it wakes): its
# transactions are the poster's, not the turn's, and whether one falls inside the block is a matter of timing.
BACKGROUND_TASKS = frozenset({"notification poster"})

_counting: WeakKeyDictionary[Engine, list[Transactions]] = WeakKeyDictionary()  # per engine: counts being taken


@contextmanager
def counting(store: Store) -> Iterator[Transactions]:
    """Every transaction begun on `store` while the block runs, told apart by `Store.write`'s option, except
    those of the bot's background tasks (`BACKGROUND_TASKS`).

    One listener per engine, added once and never removed: SQLAlchemy runs `begin` listeners while the
    BEGIN itself awaits the database, so adding or removing one then would break another task's begin."""
    seen = Transactions()
    engine = store.engine.sync_engine
    if engine not in _counting:
        active = _counting[engine] = []

        def on_begin(connection: Connection) -> None:
            if _in_background_task():
                return
            for counts in active:
                if connection.get_execution_options().get("switchboard_write"):
                    counts.writes += 1
                else:
                    counts.reads += 1

        event.listen(engine, "begin", on_begin)
    _counting[engine].append(seen)
    try:
        yield seen
    finally:
        _counting[engine].remove(seen)


def _in_background_task() -> bool:
    try:
        task = asyncio.current_task()
    except RuntimeError:  # no running loop: a synchronous caller
        return False
    return task is not None and task.get_name() in BACKGROUND_TASKS
