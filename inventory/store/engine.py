"""Engines and transactions for SQLite (embedded default) and PostgreSQL (production).

SQLite runs in WAL mode so readers never wait for the writer, and write transactions start with
`BEGIN IMMEDIATE`: a deferred transaction that reads and then writes can deadlock against another
and fail with "database is locked" instead of waiting its turn.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.engine.url import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from inventory.store.sqlite_driver import OneTripDbapi
from inventory.store.turns import Turns
from inventory.store.unit_of_work import SqlUnitOfWork

log = logging.getLogger(__name__)
_WRITE = "switchboard_write"


# 64 MB a connection: index upkeep during 100,000-row writes stays in memory.
_CACHE_SIZE = "PRAGMA cache_size=-65536"
# A scan (an export) reads each page once: a cache would only fill up with the whole database (64 MB more
# memory at 1,000,000 numbers than at 100,000) without sparing a read.
_SCAN_CACHE_SIZE = "PRAGMA cache_size=-2048"

POSTGRES_OVERFLOW = 20  # connections past the pool's 10
# PostgreSQL writers at once: the pool's 30 less 10 that reads always find (`Store.write`).
POSTGRES_WRITERS = 20


def create_engine(database_url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine with the settings Switchboard relies on for `database_url`."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        # One trip to aiosqlite's thread per statement (sqlite_driver), not four. The pool's rollback of
        # every connection coming back stays, although read()/write() have ended their transaction by
        # then: a BEGIN that our `begin` listener issued and SQLAlchemy never registered (a listener
        # failing after it) would otherwise stay open on a pooled connection.
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30}, module=OneTripDbapi())
        _configure_sqlite(engine)
        return engine
    if url.get_backend_name() == "postgresql":
        return create_async_engine(url, echo=echo, pool_size=10, max_overflow=POSTGRES_OVERFLOW, pool_pre_ping=True)
    raise ValueError(f"Unsupported database '{url.get_backend_name()}'; use sqlite+aiosqlite or postgresql+asyncpg.")


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (the driver's implicit BEGIN is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=NORMAL",
            "PRAGMA foreign_keys=ON",
            "PRAGMA busy_timeout=30000",
            _CACHE_SIZE,
        ):
            cursor.execute(pragma)
        cursor.close()
        # SQLite's own lower() folds ASCII only; search texts built in SQL must read as Python's (sync_plain_adds).
        dbapi_connection.create_function("unicode_lower", 1, _unicode_lower, deterministic=True)

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _unicode_lower(text: str | None) -> str | None:
    return text.lower() if text is not None else None


class Store:
    """The database (implements `inventory.ports.storage.Storage`): hands out transactions as units of work."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        # SQLite has one writer at a time; a second BEGIN IMMEDIATE waits in SQLite's busy handler, which
        # sleeps in steps of up to 100 ms. Queueing this process's writers here instead keeps a busy bot's
        # turns in milliseconds. On PostgreSQL the writers queue here rather than in the pool's own
        # first-come queue, and leave reads a third of the pool. Either way an operator's write goes
        # before a bulk run's (`turns.py`). Not a correctness guard: conditional updates decide every race.
        # Writes are never nested (on SQLite that would wait for itself), so a turn cannot wait on a turn.
        capacity = 1 if engine.dialect.name == "sqlite" else POSTGRES_WRITERS
        self._writers = Turns(capacity)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def write(self) -> AsyncIterator[SqlUnitOfWork]:
        """A read-write transaction: committed when the block ends, rolled back when it raises."""
        async with self._writers.turn(), self.engine.connect() as connection:
            connection = await connection.execution_options(**{_WRITE: True})
            async with connection.begin():
                yield SqlUnitOfWork(connection)

    @asynccontextmanager
    async def read(self, *, scan: bool = False) -> AsyncIterator[SqlUnitOfWork]:
        """A read-only view: one consistent snapshot for the block. A `scan` reads many rows once (an
        export's page): on SQLite its connection keeps a small page cache meanwhile, so the memory a
        scan costs does not grow with the database."""
        small_cache = scan and self.dialect == "sqlite"
        async with self.engine.connect() as connection, connection.begin():
            if not small_cache:
                yield SqlUnitOfWork(connection)
                return
            await connection.exec_driver_sql(_SCAN_CACHE_SIZE)  # a pragma SQLite allows in a transaction
            try:
                yield SqlUnitOfWork(connection)
            finally:
                await connection.exec_driver_sql(_CACHE_SIZE)  # the pooled connection serves other reads next

    async def ping(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def close(self) -> None:
        await self.engine.dispose()
