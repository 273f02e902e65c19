"""SQLite's one trip per statement (inventory/store/sqlite_driver) answers as SQLAlchemy's own adapter did."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from inventory.store.engine import Store

things = Table(
    "driver_things", MetaData(), Column("id", Integer, primary_key=True), Column("name", String, unique=True)
)


async def _with_things(store: Store) -> None:
    async with store.write() as uow:
        await uow.connection.run_sync(lambda sync: things.create(sync))


async def test_rows_rowcount_and_the_new_id_come_back_from_one_statement(sqlite_store: Store) -> None:
    await _with_things(sqlite_store)
    async with sqlite_store.write() as uow:
        inserted = await uow.connection.execute(insert(things).values(name="first"))
        await uow.connection.execute(insert(things), [{"name": "second"}, {"name": "third"}])
        changed = await uow.connection.execute(
            update(things).where(things.c.name != "first").values(name=things.c.name + "!")
        )
    async with sqlite_store.read() as uow:
        rows = (await uow.connection.execute(select(things.c.id, things.c.name).order_by(things.c.id))).all()

    assert inserted.inserted_primary_key == (1,)
    assert changed.rowcount == 2
    assert [tuple(row) for row in rows] == [(1, "first"), (2, "second!"), (3, "third!")]


async def test_a_statement_that_breaks_a_constraint_raises_and_rolls_the_transaction_back(sqlite_store: Store) -> None:
    await _with_things(sqlite_store)

    async def insert_twice() -> None:
        async with sqlite_store.write() as uow:
            await uow.connection.execute(insert(things).values(name="twice"))
            await uow.connection.execute(insert(things).values(name="twice"))

    with pytest.raises(IntegrityError):
        await insert_twice()
    async with sqlite_store.read() as uow:
        count = (await uow.connection.execute(text("SELECT count(*) FROM driver_things"))).scalar_one()

    assert count == 0


async def test_a_streamed_result_still_reads_every_row(sqlite_store: Store) -> None:
    await _with_things(sqlite_store)
    async with sqlite_store.write() as uow:
        await uow.connection.execute(insert(things), [{"name": f"n{index:04d}"} for index in range(2_500)])
    async with sqlite_store.read() as uow:
        streamed = await uow.connection.stream(select(things.c.name).order_by(things.c.id))
        names = [row.name async for row in streamed]

    assert len(names) == 2_500
    assert (names[0], names[-1]) == ("n0000", "n2499")


async def test_a_connection_closed_inside_a_transaction_still_rolls_it_back(sqlite_store: Store) -> None:
    await _with_things(sqlite_store)
    async with sqlite_store.engine.connect() as connection:
        await connection.execute(insert(things).values(name="never committed"))
    async with sqlite_store.read() as uow:
        count = (await uow.connection.execute(text("SELECT count(*) FROM driver_things"))).scalar_one()

    assert count == 0
