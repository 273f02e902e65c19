"""Reading and changing phone numbers. Every change is conditional and writes its audit event.

`save` is the only way a number's state changes: `UPDATE ... WHERE id = :id AND version = :seen`.
When the row count is 0 someone else changed the row since we read it, and `ConcurrentChange`
tells the caller so; nothing was written. The audit row goes into the same transaction.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.errors import ConcurrentChange
from inventory.model import Actor, PhoneNumber
from inventory.store.audit import AuditLog, audit_row, event
from inventory.store.bulk import bulk_insert, bulk_update_by_version
from inventory.store.rows import from_row, snapshot, snapshot_of_row, to_row
from inventory.store.tables import phone_numbers

WriteProgress = Callable[[int, int], Awaitable[None]]  # (rows written, rows to write)
NumberKey = tuple[str, str]  # (E.164 number, extension)
_CHUNK = 2_000  # keys per range query
_BATCH = 5_000  # rows per executemany when adding


class NumberRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection
        self.audit = AuditLog(connection)

    async def lock_tenant_for_inserts(self, tenant: str) -> None:
        """Serialise inserts into one tenant until this transaction ends.

        Adding numbers checks which exist and then inserts the rest; under PostgreSQL's READ COMMITTED
        another writer could slip in between. SQLite's writer lock (BEGIN IMMEDIATE) already excludes it.
        """
        if self._connection.dialect.name == "postgresql":
            await self._connection.execute(
                text("SELECT pg_advisory_xact_lock(hashtext('switchboard-numbers:' || :tenant))"), {"tenant": tenant}
            )

    async def get(self, tenant: str, number: str, extension: str = "") -> PhoneNumber | None:
        query = select(phone_numbers).where(
            phone_numbers.c.tenant == tenant,
            phone_numbers.c.number == number,
            phone_numbers.c.extension == extension,
        )
        row = (await self._connection.execute(query)).first()
        return from_row(row._mapping) if row else None

    async def tenant_is_empty(self, tenant: str) -> bool:
        query = select(phone_numbers.c.id).where(phone_numbers.c.tenant == tenant).limit(1)
        return (await self._connection.execute(query)).first() is None

    async def get_by_id(self, tenant: str, number_id: int) -> PhoneNumber | None:
        query = select(phone_numbers).where(phone_numbers.c.tenant == tenant, phone_numbers.c.id == number_id)
        row = (await self._connection.execute(query)).first()
        return from_row(row._mapping) if row else None

    async def get_many(self, tenant: str, keys: Iterable[NumberKey]) -> dict[NumberKey, PhoneNumber]:
        """The numbers among `keys` that exist, by key, in a few range queries (never one per key).

        Keys are sorted and cut into chunks; each chunk is one index range scan from its first to
        its last number, filtered here. Imports and syncs ask for tens of thousands of keys at once.
        """
        found: dict[NumberKey, PhoneNumber] = {}
        wanted = sorted(set(keys))
        wanted_set = set(wanted)
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            query = select(phone_numbers).where(
                phone_numbers.c.tenant == tenant,
                phone_numbers.c.number >= chunk[0][0],
                phone_numbers.c.number <= chunk[-1][0],
            )
            for row in await self._connection.execute(query):
                if (row.number, row.extension) in wanted_set:
                    number = from_row(row._mapping)
                    found[(number.number, number.extension)] = number
        return found

    async def numbers_between(self, tenant: str, first: str, last: str) -> set[str]:
        """The numbers without extension the tenant has from `first` to `last` inclusive."""
        query = select(phone_numbers.c.number).where(
            phone_numbers.c.tenant == tenant,
            phone_numbers.c.extension == "",
            phone_numbers.c.number >= first,
            phone_numbers.c.number <= last,
            func.length(phone_numbers.c.number) == len(first),
        )
        return {row[0] for row in await self._connection.execute(query)}

    async def all_in_tenant(self, tenant: str) -> list[PhoneNumber]:
        query = select(phone_numbers).where(phone_numbers.c.tenant == tenant).order_by(phone_numbers.c.number)
        return [from_row(row._mapping) for row in await self._connection.execute(query)]

    async def add(
        self,
        rows: Sequence[dict[str, Any]],
        *,
        action: str,
        actor: Actor,
        at: datetime,
        correlation_id: str,
        detail: str | None = None,
        progress: WriteProgress | None = None,
    ) -> None:
        """Insert new numbers (rows from `to_row` or `new_number_row`) and their audit events, in batches.

        Each batch's rows are built while the previous batch is written: the SQLite driver writes
        in its own thread without holding the GIL, so on two cores building and writing overlap.
        """
        if not rows:
            return
        await self.lock_tenant_for_inserts(rows[0]["tenant"])
        writing: asyncio.Task[None] | None = None
        written = 0
        try:
            for start in range(0, len(rows), _BATCH):
                batch = rows[start : start + _BATCH]
                audit_rows = [
                    audit_row(
                        row["tenant"],
                        action,
                        actor,
                        at=at,
                        correlation_id=correlation_id,
                        number=row["number"],
                        extension=row["extension"],
                        before=None,
                        after=snapshot_of_row(row),
                        detail=detail,
                    )
                    for row in batch
                ]
                if writing is not None:
                    await writing
                    written = start
                    if progress:
                        await progress(written, len(rows))
                writing = asyncio.create_task(self._insert(list(batch), audit_rows))
                await asyncio.sleep(0)  # let the write reach the driver's thread before we build more
            if writing is not None:
                await writing
                if progress:
                    await progress(len(rows), len(rows))
        finally:
            # Never leave a write running on this connection when we stop early (e.g. an exception).
            if writing is not None and not writing.done():
                await asyncio.wait([writing])

    async def _insert(self, rows: list[dict[str, Any]], audit_rows: list[dict[str, Any]]) -> None:
        await bulk_insert(self._connection, phone_numbers, rows)
        await self.audit.record_rows(audit_rows)

    async def save(
        self,
        before: PhoneNumber,
        after: PhoneNumber,
        *,
        action: str,
        actor: Actor,
        correlation_id: str,
        detail: str | None = None,
    ) -> PhoneNumber:
        """Write `after` if the row is still at `before.version`; raise `ConcurrentChange` if not."""
        saved = await self.save_many(
            [(before, after)], action=action, actor=actor, correlation_id=correlation_id, detail=detail
        )
        if not saved:
            raise ConcurrentChange(
                f"{before.label} was changed by someone else a moment ago; nothing was written. Look again and retry."
            )
        return saved[0]

    async def save_many(
        self,
        changes: Sequence[tuple[PhoneNumber, PhoneNumber]],
        *,
        action: str,
        actor: Actor,
        correlation_id: str,
        detail: str | None = None,
    ) -> list[PhoneNumber]:
        """Conditionally write many changes; returns the ones that won (the rest changed meanwhile)."""
        won: list[tuple[PhoneNumber, PhoneNumber]] = []
        for before, after in changes:
            assert before.id is not None, "save needs a number read from the store"
            assert before.id == after.id, "before and after must be the same number"
            assert after.updated_at is not None, "a transition always stamps updated_at"
            values = to_row(after)
            values.update(version=before.version + 1)
            for key in ("tenant", "number", "extension", "created_at", "created_by"):
                values.pop(key)
            statement = (
                update(phone_numbers)
                .where(and_(phone_numbers.c.id == before.id, phone_numbers.c.version == before.version))
                .values(**values)
            )
            result = await self._connection.execute(statement)
            if result.rowcount == 1:
                won.append((before, dataclasses.replace(after, version=before.version + 1)))
        await self.audit.record(
            [
                event(
                    after.tenant,
                    action,
                    actor,
                    at=after.updated_at or before.updated_at,  # type: ignore[arg-type]
                    correlation_id=correlation_id,
                    number=after.number,
                    extension=after.extension,
                    before=snapshot(before),
                    after=snapshot(after),
                    detail=detail,
                )
                for before, after in won
            ]
        )
        return [after for _, after in won]

    async def lock_by_ids(self, tenant: str, ids: Iterable[int]) -> dict[int, PhoneNumber]:
        """Read rows by id and hold them for this transaction (FOR UPDATE; SQLite's writer lock already does).

        After this, a version check in Python is final: nobody can change these rows before we commit.
        """
        return await self.by_ids(tenant, ids, lock=True)

    async def by_ids(self, tenant: str, ids: Iterable[int], *, lock: bool = False) -> dict[int, PhoneNumber]:
        """The tenant's numbers among `ids`, by id, in a few IN queries (never one per id)."""
        found: dict[int, PhoneNumber] = {}
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            query = select(phone_numbers).where(phone_numbers.c.tenant == tenant, phone_numbers.c.id.in_(chunk))
            if lock:
                query = query.with_for_update()
            for row in await self._connection.execute(query):
                number = from_row(row._mapping)
                assert number.id is not None
                found[number.id] = number
        return found

    async def save_locked(
        self,
        changes: Sequence[tuple[PhoneNumber, PhoneNumber]],
        *,
        action: str,
        actor: Actor,
        correlation_id: str,
    ) -> list[PhoneNumber]:
        """Bulk `save` for rows this transaction locked with `lock_by_ids`: one executemany, one audit batch.

        The version guard stays in the statement; with the rows locked every one of them must win.
        """
        if not changes:
            return []
        rows: list[dict[str, Any]] = []
        audit_rows: list[dict[str, Any]] = []
        saved: list[PhoneNumber] = []
        for before, after in changes:
            assert before.id is not None
            assert after.updated_at is not None
            won = dataclasses.replace(after, version=before.version + 1)
            values = to_row(won)
            for key in ("tenant", "number", "extension", "created_at", "created_by"):
                values.pop(key)
            values.update(b_id=before.id, b_version=before.version)
            rows.append(values)
            audit_rows.append(
                audit_row(
                    after.tenant,
                    action,
                    actor,
                    at=after.updated_at,
                    correlation_id=correlation_id,
                    number=after.number,
                    extension=after.extension,
                    before=snapshot(before),
                    after=snapshot(won),
                )
            )
            saved.append(won)
        written = await bulk_update_by_version(self._connection, phone_numbers, rows)
        # asyncpg cannot count an executemany (-1); there the row locks alone guarantee every row won.
        if written not in (-1, len(rows)):
            raise ConcurrentChange("Some numbers changed while they were being saved; nothing was written. Try again.")
        await self.audit.record_rows(audit_rows)
        return saved

    async def delete_tenant(self, tenant: str) -> int:
        result = await self._connection.execute(delete(phone_numbers).where(phone_numbers.c.tenant == tenant))
        return int(result.rowcount)
