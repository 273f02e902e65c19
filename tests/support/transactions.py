"""Counting the transactions a store opens, from the engine itself (SQLAlchemy's `begin` event)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.engine import Connection

from inventory.store.engine import Store


@dataclass
class Transactions:
    reads: int = 0
    writes: int = 0


@contextmanager
def counting(store: Store) -> Iterator[Transactions]:
    """Every transaction begun on `store` while the block runs, told apart by `Store.write`'s option."""
    seen = Transactions()

    def on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get("switchboard_write"):
            seen.writes += 1
        else:
            seen.reads += 1

    event.listen(store.engine.sync_engine, "begin", on_begin)
    try:
        yield seen
    finally:
        event.remove(store.engine.sync_engine, "begin", on_begin)
