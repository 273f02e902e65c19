"""INSERT of many new rows, by COPY on PostgreSQL and by executemany elsewhere.

asyncpg's executemany sends a Bind and an Execute per row, which the server parses one by one: for an
import's batches of 5,000 numbers (36 columns) that was about half the import's time at 20,000 numbers.
COPY streams the same rows in one binary message stream, about twice as fast with the same indexes kept
(bench.csv_import; docs/performance.md). It writes straight into the table: the rows are known to be new
(the caller holds the tenant's insert lock and checked), so there is no conflict for a staging table to
settle, and a unique violation still fails the statement, and with it the transaction, as an INSERT would.

The COPY goes through the asyncpg connection under the unit of work's connection, inside its transaction,
so it commits or rolls back with everything else the import wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.store.executemany import driver_parameters, insert_many


async def insert_new_rows(connection: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT every row (all share the first row's keys): COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        await insert_many(connection, table, rows)
        return
    columns = list(rows[0])
    records = driver_parameters(table, "postgresql", columns, rows)
    driver = await _asyncpg_connection(connection)
    await driver.copy_records_to_table(table.name, records=records, columns=columns)


async def _asyncpg_connection(connection: AsyncConnection) -> Any:
    """The asyncpg connection under `connection`, inside the unit of work's transaction: a COPY outside it
    would commit on its own and escape the import's all or nothing."""
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    if driver is not None and not driver.is_in_transaction():
        # SQLAlchemy's asyncpg adapter begins the transaction at its first statement, not at begin().
        await connection.exec_driver_sql("SELECT 1")
    if driver is None or not driver.is_in_transaction():
        raise RuntimeError("COPY only inside the unit of work's transaction")
    return driver
