"""What each operator chose: their current customer tenant."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.store.tables import operator_prefs


class OperatorPrefs:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def tenant(self, operator_id: str) -> str | None:
        query = select(operator_prefs.c.tenant).where(operator_prefs.c.operator_id == operator_id)
        return (await self._connection.execute(query)).scalar_one_or_none()

    async def choose_tenant(self, operator_id: str, tenant: str, *, upn: str | None, at: datetime) -> None:
        changed = await self._connection.execute(
            update(operator_prefs)
            .where(operator_prefs.c.operator_id == operator_id)
            .values(tenant=tenant, upn=upn, updated_at=at)
        )
        if changed.rowcount == 0:
            await self._connection.execute(
                operator_prefs.insert().values(operator_id=operator_id, tenant=tenant, upn=upn, updated_at=at)
            )
