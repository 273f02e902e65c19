"""The phone-number repository: the reads of `NumberReads`, and every change, conditional and audited.

`save` is the only way one number's state changes: `UPDATE ... WHERE id = :id AND version = :seen`.
When the row count is 0 someone else changed the row since we read it, and `ConcurrentChange` says so;
nothing was written. The audit row goes into the same transaction as the change.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.errors import ConcurrentChange
from inventory.model import Actor, PhoneNumber
from inventory.ports.repositories import ChangePair, NewNumber, Saving, WriteProgress
from inventory.store import search_index
from inventory.store.add_audit import audit_unreserved_adds, last_number_id
from inventory.store.audit_repository import SqlAuditRepository, audit_row
from inventory.store.copy_insert import insert_new_rows
from inventory.store.executemany import update_many_by_version
from inventory.store.number_reads import NumberReads
from inventory.store.number_rows import new_number_row, snapshot, snapshot_of_new_row, to_row
from inventory.store.tables import phone_numbers

_BATCH = 5_000  # rows per executemany when adding
_FIXED = ("tenant", "number", "extension", "created_at", "created_by")  # never change after the insert


@dataclasses.dataclass(frozen=True)
class _AddAudit:
    """Who added a batch of numbers, when and as part of which action."""

    action: str
    actor: Actor
    at: datetime
    correlation_id: str


class SqlNumberRepository(NumberReads):
    def __init__(self, connection: AsyncConnection, audit: SqlAuditRepository) -> None:
        super().__init__(connection)
        self._audit = audit

    async def lock_tenant_for_inserts(self, tenant: str) -> None:
        """Adding numbers checks which exist and then inserts the rest; under PostgreSQL's READ COMMITTED
        another writer could slip in between. SQLite's writer lock (BEGIN IMMEDIATE) already excludes it."""
        if self._connection.dialect.name == "postgresql":
            await self._connection.execute(
                text("SELECT pg_advisory_xact_lock(hashtext('switchboard-numbers:' || :tenant))"), {"tenant": tenant}
            )

    async def add(
        self,
        numbers: Sequence[NewNumber],
        *,
        action: str,
        actor: Actor,
        at: datetime,
        correlation_id: str,
        progress: WriteProgress | None = None,
    ) -> None:
        """Insert in batches. Each batch's rows are built while the previous batch is written: the SQLite
        driver writes in its own thread without holding the GIL, so on two cores building and writing overlap.
        """
        if not numbers:
            return
        tenant = numbers[0].tenant
        assert all(n.tenant == tenant for n in numbers), "one add is one tenant's (its lock and its audit)"
        await self.lock_tenant_for_inserts(tenant)
        writing: asyncio.Task[None] | None = None
        try:
            for start in range(0, len(numbers), _BATCH):
                rows = [_new_row(n, actor.name, at) for n in numbers[start : start + _BATCH]]
                # The database writes the audit of the other rows from the rows themselves (`add_audit`).
                reserved_audit = [
                    audit_row(
                        row["tenant"],
                        action,
                        actor,
                        at=at,
                        correlation_id=correlation_id,
                        number=row["number"],
                        extension=row["extension"],
                        before=None,
                        after=snapshot_of_new_row(row),
                    )
                    for row in rows
                    if row["hold_owner"] is not None
                ]
                if writing is not None:
                    await writing
                    if progress:
                        await progress(start, len(numbers))
                audit = _AddAudit(action, actor, at, correlation_id)
                writing = asyncio.create_task(self._insert(rows, reserved_audit, audit))
                await asyncio.sleep(0)  # let the write reach the driver's thread before we build more
            if writing is not None:
                await writing
                if progress:
                    await progress(len(numbers), len(numbers))
        finally:
            # Never leave a write running on this connection when we stop early (e.g. an exception).
            if writing is not None and not writing.done():
                await asyncio.wait([writing])

    async def _insert(self, rows: list[dict[str, Any]], reserved_audit: list[dict[str, Any]], audit: _AddAudit) -> None:
        after_id = await last_number_id(self._connection)
        async with search_index.bulk_indexed(self._connection):
            await insert_new_rows(self._connection, phone_numbers, rows)
        await audit_unreserved_adds(
            self._connection,
            rows[0]["tenant"],
            after_id,
            action=audit.action,
            actor=audit.actor,
            at=audit.at,
            correlation_id=audit.correlation_id,
        )
        await self._audit.write(reserved_audit)

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
        changes: Sequence[ChangePair],
        *,
        action: str,
        actor: Actor,
        correlation_id: str,
        detail: str | None = None,
    ) -> list[PhoneNumber]:
        won: list[ChangePair] = []
        for before, after in changes:
            saved, values = _versioned(before, after)
            statement = (
                update(phone_numbers)
                .where(and_(phone_numbers.c.id == before.id, phone_numbers.c.version == before.version))
                .values(**values)
            )
            if (await self._connection.execute(statement)).rowcount == 1:
                won.append((before, saved))
        await self._audit.write([_audit_of(pair, action, actor, correlation_id, detail) for pair in won])
        return [saved for _, saved in won]

    async def save_locked(
        self, changes: Sequence[ChangePair], *, action: str, actor: Actor, correlation_id: str
    ) -> list[PhoneNumber]:
        """One executemany and one audit batch. The version guard stays in the statement; with the rows
        locked (`lock_by_ids`) every one of them must win."""
        if not changes:
            return []
        rows: list[dict[str, Any]] = []
        saved: list[PhoneNumber] = []
        for before, after in changes:
            won, values = _versioned(before, after)
            rows.append({**values, "b_id": before.id, "b_version": before.version})
            saved.append(won)
        written = await update_many_by_version(self._connection, phone_numbers, rows)
        # asyncpg cannot count an executemany (-1); there the row locks alone guarantee every row won.
        if written not in (-1, len(rows)):
            raise ConcurrentChange("Some numbers changed while they were being saved; nothing was written. Try again.")
        pairs = zip((before for before, _ in changes), saved, strict=True)
        await self._audit.write([_audit_of(pair, action, actor, correlation_id, None) for pair in pairs])
        return saved

    async def save_each(self, changes: Sequence[Saving], *, actor: Actor) -> list[PhoneNumber]:
        if not changes:
            return []
        rows: list[dict[str, Any]] = []
        saved: list[PhoneNumber] = []
        for change in changes:
            won, values = _versioned(change.before, change.after)
            rows.append({**values, "b_id": change.before.id, "b_version": change.before.version})
            saved.append(won)
        written = await update_many_by_version(self._connection, phone_numbers, rows)
        # asyncpg cannot count an executemany (-1); there the row locks alone guarantee every row won.
        if written not in (-1, len(rows)):
            raise ConcurrentChange("Some numbers changed while they were being saved; nothing was written. Try again.")
        audits = [
            _audit_of((c.before, won), c.action, actor, c.correlation_id, c.detail)
            for c, won in zip(changes, saved, strict=True)
        ]
        await self._audit.write(audits)
        return saved

    async def delete_tenant(self, tenant: str, *, actor: Actor, at: datetime, correlation_id: str) -> int:
        await self.lock_tenant_for_inserts(tenant)
        current = await self.all_in_tenant(tenant)
        detail = "deleted with the tenant's local inventory"
        await self._audit.write(
            [
                audit_row(
                    tenant,
                    "delete",
                    actor,
                    at=at,
                    correlation_id=correlation_id,
                    number=n.number,
                    extension=n.extension,
                    before=snapshot(n),
                    after=None,
                    detail=detail,
                )
                for n in current
            ]
        )
        result = await self._connection.execute(delete(phone_numbers).where(phone_numbers.c.tenant == tenant))
        return int(result.rowcount)


def _new_row(number: NewNumber, operator: str, now: datetime) -> dict[str, Any]:
    return new_number_row(
        number.tenant,
        number.number,
        extension=number.extension,
        number_type=number.number_type,
        status=number.status,
        location=number.location,
        range_label=number.range_label,
        carrier=number.carrier,
        pool=number.pool,
        tags=number.tags,
        notes=number.notes,
        emergency_location_id=number.emergency_location_id,
        hold=number.hold,
        operator=operator,
        now=now,
    )


def _versioned(before: PhoneNumber, after: PhoneNumber) -> tuple[PhoneNumber, dict[str, Any]]:
    """`after` at the next version, and the columns an UPDATE writes for it."""
    assert before.id is not None, "save needs a number read from the store"
    assert before.id == after.id, "before and after must be the same number"
    assert after.updated_at is not None, "a transition always stamps updated_at"
    saved = dataclasses.replace(after, version=before.version + 1)
    values = {key: value for key, value in to_row(saved).items() if key not in _FIXED}
    return saved, values


def _audit_of(pair: ChangePair, action: str, actor: Actor, correlation_id: str, detail: str | None) -> dict[str, Any]:
    before, after = pair
    assert after.updated_at is not None
    return audit_row(
        after.tenant,
        action,
        actor,
        at=after.updated_at,
        correlation_id=correlation_id,
        number=after.number,
        extension=after.extension,
        before=snapshot(before),
        after=snapshot(after),
        detail=detail,
    )
