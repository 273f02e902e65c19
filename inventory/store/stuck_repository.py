"""What the stuck-state watch reads (numbers Teams has not activated) and remembers (what it told)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import and_, delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.model import ActivationState, PhoneNumber
from inventory.store.number_rows import from_row
from inventory.store.tables import phone_numbers, stuck_reports


class SqlStuckRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def not_activated(
        self, tenant: str, *, changed_before: datetime, limit: int
    ) -> tuple[int, list[PhoneNumber]]:
        """How many of the tenant's numbers Teams has shown not activated since before `changed_before`, and
        the oldest `limit` of them (the partial index holds only such numbers, so this stays cheap)."""
        c = phone_numbers.c
        where = and_(
            c.tenant == tenant,
            c.activation_state.is_not(None),
            c.activation_state != ActivationState.ACTIVATED.value,
            c.updated_at < changed_before,
        )
        count = (await self._connection.execute(select(func.count()).where(where))).scalar_one()
        rows = await self._connection.execute(select(phone_numbers).where(where).order_by(c.updated_at).limit(limit))
        return int(count), [from_row(row._mapping) for row in rows]

    async def reported(self, tenant: str) -> set[str]:
        query = select(stuck_reports.c.subject).where(stuck_reports.c.tenant == tenant)
        return {row[0] for row in await self._connection.execute(query)}

    async def remember(self, tenant: str, subjects: Collection[str], *, at: datetime) -> None:
        """Record what was told; a subject another replica recorded meanwhile is left as it is."""
        if not subjects:
            return
        rows = [{"tenant": tenant, "subject": subject, "reported_at": at} for subject in sorted(subjects)]
        insert = postgres_insert if self._connection.dialect.name == "postgresql" else sqlite_insert
        await self._connection.execute(insert(stuck_reports).values(rows).on_conflict_do_nothing())

    async def forget(self, tenant: str, subjects: Collection[str]) -> None:
        if subjects:
            where = and_(stuck_reports.c.tenant == tenant, stuck_reports.c.subject.in_(sorted(subjects)))
            await self._connection.execute(delete(stuck_reports).where(where))
