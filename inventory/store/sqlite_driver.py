"""SQLite through aiosqlite with one trip to its thread per statement instead of four.

aiosqlite runs each sqlite3 call in its own thread; SQLAlchemy's adapter makes four such calls for one
statement (make a cursor, execute, fetch all, close), each a queue put, a thread wake-up and a callback
back into the event loop. A bot turn runs about fifteen statements, so those trips were the largest
single cost of a turn (bench.turns). Here the whole statement, rows included, runs in one call in
aiosqlite's thread; what SQLAlchemy then reads (description, rowcount, lastrowid, the rows) was kept
from that call. Server-side (streaming) cursors are SQLAlchemy's own, unchanged.
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT


class _OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ("_arraysize", "_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        # No aiosqlite cursor (that would be a trip of its own): each statement makes a sqlite3 one.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self._arraysize = 1

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        async with self._adapt_connection._execute_mutex:
            return await self._connection._execute(self._run, operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        async with self._adapt_connection._execute_mutex:
            return await self._connection._execute(self._run, operation, seq_of_parameters, many=True)

    def _run(self, operation: Any, parameters: Any, *, many: bool) -> None:
        """In aiosqlite's thread: the statement and everything SQLAlchemy will ask of its cursor."""
        cursor: sqlite3.Cursor = self._connection._conn.cursor()
        try:
            if many:
                cursor.executemany(operation, parameters)
            elif parameters is None:
                cursor.execute(operation)
            else:
                cursor.execute(operation, parameters)
            self._description = cursor.description
            if cursor.description:
                self._rows = collections.deque(cursor.fetchall())
            self._rowcount = cursor.rowcount
            self._lastrowid = cursor.lastrowid
        finally:
            cursor.close()

    async def _async_soft_close(self) -> None:
        return None  # nothing is open: the sqlite3 cursor was closed in its thread

    def close(self) -> None:
        self._rows.clear()


class _OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = _OneTripCursor  # type: ignore[assignment]  # mypy reads the base as exactly its class


class OneTripDbapi(AsyncAdapt_aiosqlite_dbapi):
    """What `create_async_engine(..., module=...)` takes for `sqlite+aiosqlite` URLs."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        adapted = super().connect(*arg, **kw)
        return _OneTripConnection(self, adapted._connection)
