"""What each operator chose: their current customer tenant."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.store.tables import operator_prefs


class SqlPrefsRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def tenant(self, operator_id: str) -> str | None:
        query = select(operator_prefs.c.tenant).where(operator_prefs.c.operator_id == operator_id)
        return (await self._connection.execute(query)).scalar_one_or_none()

    async def choose_tenant(self, operator_id: str, tenant: str, *, upn: str | None, at: datetime) -> None:
        """Insert or update. Two first choices at once (a double click) both find no row: the loser's
        insert fails inside a savepoint and it updates instead."""
        values = {"tenant": tenant, "upn": upn, "updated_at": at}
        statement = update(operator_prefs).where(operator_prefs.c.operator_id == operator_id).values(**values)
        if (await self._connection.execute(statement)).rowcount:
            return
        try:
            async with self._connection.begin_nested():
                await self._connection.execute(operator_prefs.insert().values(operator_id=operator_id, **values))
        except IntegrityError:
            await self._connection.execute(statement)
