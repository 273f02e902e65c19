"""New numbers written by COPY on PostgreSQL (`copy_insert`) are the rows an INSERT writes, and a COPY that
fails takes the transaction down with it, so an import stays all or nothing."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy.exc import IntegrityError

from inventory.model import Hold, NumberType, PhoneNumber
from inventory.store.copy_insert import insert_new_rows
from inventory.store.engine import Store
from inventory.store.executemany import insert_many
from inventory.store.number_rows import new_number_row
from inventory.store.tables import phone_numbers

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
# A reservation's end given in another zone: stored as the same instant in UTC, by COPY as by INSERT.
UNTIL = datetime(2026, 12, 24, 18, 30, tzinfo=timezone(timedelta(hours=-8)))


def _rows(tenant: str) -> list[dict[str, object]]:
    reserved = Hold("cli:olivia", "desk move", UNTIL, owner_name="Olivia", for_id="obj-1", for_name="Adele Vance")
    return [
        new_number_row(
            tenant, "+15551230000", number_type=NumberType.DIRECT_ROUTING, operator="olivia", now=NOW,
            location="Seattle", range_label="SEA-1", carrier="Contoso Telecom", pool="Sales",
            tags=("lobby", "front desk"), notes="by the door",
        ),
        new_number_row(
            tenant, "+15551230001", number_type=NumberType.DIRECT_ROUTING, operator="olivia", now=NOW,
            extension="12", hold=reserved,
        ),
    ]  # fmt: skip


def _as_if_in(tenant: str, numbers: list[PhoneNumber]) -> list[PhoneNumber]:
    return [dataclasses.replace(n, tenant=tenant, id=None) for n in numbers]


async def test_copied_rows_read_back_as_the_numbers_an_insert_writes(store: Store) -> None:
    async with store.write() as uow:
        await insert_new_rows(uow.connection, phone_numbers, _rows("contoso"))
        await insert_many(uow.connection, phone_numbers, _rows("fabrikam"))
    async with store.read() as uow:
        copied = await uow.numbers.all_in_tenant("contoso")
        inserted = await uow.numbers.all_in_tenant("fabrikam")
    assert len(copied) == 2
    assert _as_if_in("t", copied) == _as_if_in("t", inserted)
    reserved = copied[1].hold
    assert reserved is not None
    assert reserved.expires_at == UNTIL


async def _write_twice(store: Store, first: dict[str, object], second: dict[str, object]) -> None:
    async with store.write() as uow:
        await insert_new_rows(uow.connection, phone_numbers, [first])
        await insert_new_rows(uow.connection, phone_numbers, [second, first])  # the first again: a duplicate


async def test_a_copy_that_fails_rolls_back_everything_the_transaction_wrote(store: Store) -> None:
    first, second = _rows("contoso")
    with pytest.raises((IntegrityError, asyncpg.UniqueViolationError)):
        await _write_twice(store, first, second)
    async with store.read() as uow:
        assert await uow.numbers.all_in_tenant("contoso") == []
