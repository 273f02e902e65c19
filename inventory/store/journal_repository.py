"""The journal of Teams operations in SQL (`inventory.journal` says what an entry is)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.journal import PENDING, POLICY_PENDING, JournalEntry
from inventory.store.tables import teams_operations


class SqlJournalRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def write(self, entry: JournalEntry) -> None:
        await self._connection.execute(teams_operations.insert().values(**dataclasses.asdict(entry)))

    async def write_many(self, entries: Sequence[JournalEntry]) -> None:
        """One executemany for all of them (a bulk run's batch of intents)."""
        if entries:
            await self._connection.execute(teams_operations.insert(), [dataclasses.asdict(e) for e in entries])

    async def close(
        self, entry_id: str, status: str, *, detail: str | None, at: datetime, from_status: str = PENDING
    ) -> bool:
        """Close an entry still in `from_status`; False when it was already closed (by the reconciler, say)."""
        statement = (
            update(teams_operations)
            .where(and_(teams_operations.c.id == entry_id, teams_operations.c.status == from_status))
            .values(status=status, detail=detail, finished_at=at, retry_at=None)
        )
        return (await self._connection.execute(statement)).rowcount == 1

    async def close_many(self, closes: Sequence[tuple[str, str | None, datetime]], status: str) -> None:
        """Close each pending entry (id, detail, at) in one executemany; entries already closed stay as they are."""
        if not closes:
            return
        statement = (
            update(teams_operations)
            .where(and_(teams_operations.c.id == bindparam("entry_id"), teams_operations.c.status == PENDING))
            .values(
                status=status, detail=bindparam("closing_detail"), finished_at=bindparam("closing_at"), retry_at=None
            )
        )
        rows = [{"entry_id": entry_id, "closing_detail": detail, "closing_at": at} for entry_id, detail, at in closes]
        await self._connection.execute(statement, rows)

    async def set_operations(self, locations: Mapping[str, str]) -> None:
        if not locations:
            return
        statement = (
            update(teams_operations)
            .where(and_(teams_operations.c.id == bindparam("entry_id"), teams_operations.c.status == PENDING))
            .values(operation_location=bindparam("location"))
        )
        rows = [{"entry_id": entry_id, "location": location} for entry_id, location in locations.items()]
        await self._connection.execute(statement, rows)

    async def retry_policy_later(
        self, entry_id: str, *, from_status: str, attempts: int, detail: str, retry_at: datetime
    ) -> bool:
        """Keep the entry open as policy_pending with the grant due again at `retry_at`; False when another
        replica moved it first."""
        statement = (
            update(teams_operations)
            .where(and_(teams_operations.c.id == entry_id, teams_operations.c.status == from_status))
            .values(status=POLICY_PENDING, detail=detail, attempts=attempts, retry_at=retry_at)
        )
        return (await self._connection.execute(statement)).rowcount == 1

    async def policy_due(self, *, due_at: datetime) -> list[JournalEntry]:
        """Entries whose policy grant is due again, oldest first."""
        query = select(teams_operations).where(
            teams_operations.c.status == POLICY_PENDING, teams_operations.c.retry_at <= due_at
        )
        rows = await self._connection.execute(query.order_by(teams_operations.c.retry_at))
        return [JournalEntry(**row._mapping) for row in rows]

    async def policy_pending_for(self, tenant: str, numbers: Sequence[str]) -> dict[str, str]:
        """Number (E.164) -> the policy still being granted, for the numbers given that have one."""
        if not numbers:
            return {}
        query = select(teams_operations.c.number, teams_operations.c.policy).where(
            teams_operations.c.tenant == tenant,
            teams_operations.c.status == POLICY_PENDING,
            teams_operations.c.number.in_(list(numbers)),
        )
        return {row.number: row.policy for row in await self._connection.execute(query) if row.policy}

    async def close_pending_of_tenant(self, tenant: str, status: str, *, detail: str, at: datetime) -> int:
        """Close every pending entry of `tenant` at once; how many were closed."""
        statement = (
            update(teams_operations)
            .where(and_(teams_operations.c.tenant == tenant, teams_operations.c.status == PENDING))
            .values(status=status, detail=detail, finished_at=at)
        )
        return int((await self._connection.execute(statement)).rowcount)

    async def get(self, entry_id: str) -> JournalEntry | None:
        query = select(teams_operations).where(teams_operations.c.id == entry_id)
        row = (await self._connection.execute(query)).first()
        return JournalEntry(**row._mapping) if row else None

    async def pending(self, *, tenant: str | None = None, created_before: datetime) -> list[JournalEntry]:
        query = select(teams_operations).where(
            teams_operations.c.status == PENDING, teams_operations.c.created_at < created_before
        )
        if tenant is not None:
            query = query.where(teams_operations.c.tenant == tenant)
        rows = await self._connection.execute(query.order_by(teams_operations.c.created_at))
        return [JournalEntry(**row._mapping) for row in rows]

    async def for_flow(self, flow_id: str) -> list[JournalEntry]:
        query = select(teams_operations).where(teams_operations.c.flow_id == flow_id)
        rows = await self._connection.execute(query.order_by(teams_operations.c.created_at))
        return [JournalEntry(**row._mapping) for row in rows]

    async def for_hold_owner(self, hold_owner: str) -> list[JournalEntry]:
        query = select(teams_operations).where(teams_operations.c.hold_owner == hold_owner)
        rows = await self._connection.execute(query.order_by(teams_operations.c.created_at))
        return [JournalEntry(**row._mapping) for row in rows]

    async def pending_tenants(self, *, created_before: datetime) -> list[str]:
        query = (
            select(teams_operations.c.tenant)
            .where(teams_operations.c.status == PENDING, teams_operations.c.created_at < created_before)
            .distinct()
        )
        return [row[0] for row in await self._connection.execute(query)]
