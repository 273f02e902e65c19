"""INSERT and versioned UPDATE of many rows straight through the driver's executemany.

SQLAlchemy's per-row parameter processing costs more than SQLite's own work when an import or a
sync writes 100,000 rows (twice: numbers and audit). SQLAlchemy still writes the SQL (in the
dialect's parameter style); only our two non-trivial types are converted here, by hand.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Insert, Table, Update, bindparam, insert, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.store.column_types import UtcDateTime

Converter = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


_ENCODE = json.JSONEncoder(separators=(",", ":")).encode  # json.dumps' own work, without a new encoder a call


def _json(value: Any) -> Any:
    return None if value is None else _ENCODE(value)


def _naive_utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC).replace(tzinfo=None)


def _sqlite_timestamp(value: datetime | None) -> str | None:
    # The text form SQLAlchemy's SQLite DateTime writes and reads back.
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _converter(table: Table, column: str, dialect: str) -> Converter:
    if column not in table.c:
        return _identity  # a bound key such as b_id, not a column
    column_type = table.c[column].type
    if isinstance(column_type, UtcDateTime):
        return _sqlite_timestamp if dialect == "sqlite" else _naive_utc
    if isinstance(column_type, JSON):
        return _json
    return _identity


async def update_many_by_version(connection: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]) -> int:
    """UPDATE many rows in one executemany, each `WHERE id = :b_id AND version = :b_version`.

    Every row carries `b_id`, `b_version` and the same set of new column values. Returns the
    number of rows written where the driver can count an executemany, else -1.
    """
    if not rows:
        return 0
    columns = [key for key in rows[0] if not key.startswith("b_")]
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
        .values({column: bindparam(column) for column in columns})
    )
    return await _executemany(connection, table, statement, rows, [*columns, "b_id", "b_version"])


async def insert_many(
    connection: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]], *, skip_conflicts: bool = False
) -> None:
    """INSERT every row (all rows share the first row's keys) in one executemany; with `skip_conflicts`,
    a row whose key is already there is left out (`ON CONFLICT DO NOTHING`, on both databases)."""
    if not rows:
        return
    columns = list(rows[0])
    values: dict[str, Any] = {c: bindparam(c) for c in columns}
    statement: Insert
    if skip_conflicts:
        statement = insert_skipping_conflicts(connection, table).values(values)
    else:
        statement = insert(table).values(values)
    await _executemany(connection, table, statement, rows, columns)


def insert_skipping_conflicts(connection: AsyncConnection, table: Table) -> Insert:
    """INSERT INTO table ... ON CONFLICT DO NOTHING, in the connection's dialect (SQLite and PostgreSQL spell
    it alike, but SQLAlchemy builds it from each one's own `insert`)."""
    dialect_insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    return dialect_insert(table).on_conflict_do_nothing()


async def _executemany(
    connection: AsyncConnection,
    table: Table,
    statement: Insert | Update,
    rows: Sequence[dict[str, Any]],
    columns: list[str],
) -> int:
    compiled = statement.compile(dialect=connection.dialect)
    order = list(compiled.positiontup or columns)
    parameters = driver_parameters(table, connection.dialect.name, order, rows)
    result = await connection.exec_driver_sql(str(compiled), parameters)
    return int(result.rowcount) if connection.dialect.supports_sane_multi_rowcount else -1


def driver_parameters(
    table: Table, dialect: str, order: Sequence[str], rows: Sequence[dict[str, Any]]
) -> list[tuple[Any, ...]]:
    """Each row's values in `order`, our two non-trivial types converted for the driver by hand."""
    pick = itemgetter(*order)
    special: list[tuple[int, Converter]] = []
    for index, name in enumerate(order):
        convert = _memoized(_converter(table, name, dialect))
        if convert is not None:
            special.append((index, convert))
    parameters: list[tuple[Any, ...]] = []
    for row in rows:
        values = pick(row)
        if special:
            values = list(values)
            for index, convert in special:
                values[index] = convert(values[index])
            values = tuple(values)
        parameters.append(values if isinstance(values, tuple) else (values,))
    return parameters


class _Memo(dict[Any, Any]):
    """Each distinct value converted once; a hit is a dict lookup in C, not a Python call."""

    def __init__(self, convert: Converter) -> None:
        super().__init__()
        self._convert = convert

    def __missing__(self, value: Any) -> Any:
        converted = self[value] = self._convert(value)
        return converted


def _memoized(convert: Converter) -> Converter | None:
    """Timestamps repeat across a batch (one `now` per import): convert each distinct value once."""
    if convert is _identity:
        return None
    if convert is _json:
        return convert
    return _Memo(convert).__getitem__
