"""The migrations build exactly the tables the code describes, on both databases."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from inventory.store.engine import Store
from inventory.store.migrate import head_revision, upgrade
from inventory.store.tables import metadata


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def test_migrated_schema_matches_the_table_definitions(store: Store) -> None:
    async with store.read() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == []


async def test_upgrading_an_up_to_date_database_is_a_no_op(store: Store) -> None:
    assert await upgrade(store.engine) == head_revision()
