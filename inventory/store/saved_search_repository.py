"""Operators' saved `numbers` searches, by name, per tenant."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.store.tables import flows, saved_searches

_S = saved_searches.c


class SqlSavedSearchRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def save(self, operator_id: str, tenant: str, name: str, search: str, *, at: datetime) -> None:
        where = (_S.operator_id == operator_id) & (_S.tenant == tenant) & (_S.name == name.lower())
        statement = update(saved_searches).where(where).values(search=search, created_at=at)
        if (await self._connection.execute(statement)).rowcount:
            return
        try:  # a double click saves twice at once: the loser's insert fails and it updates instead
            async with self._connection.begin_nested():
                row = {"operator_id": operator_id, "tenant": tenant, "name": name.lower(), "search": search}
                await self._connection.execute(saved_searches.insert().values(created_at=at, **row))
        except IntegrityError:
            await self._connection.execute(statement)

    async def get(self, operator_id: str, tenant: str, name: str) -> str | None:
        where = (_S.operator_id == operator_id) & (_S.tenant == tenant) & (_S.name == name.lower())
        return (await self._connection.execute(select(_S.search).where(where))).scalar_one_or_none()

    async def names(self, operator_id: str, tenant: str) -> list[tuple[str, str]]:
        query = (
            select(_S.name, _S.search).where((_S.operator_id == operator_id) & (_S.tenant == tenant)).order_by(_S.name)
        )
        return [(row.name, row.search) for row in await self._connection.execute(query)]

    async def delete(self, operator_id: str, tenant: str, name: str) -> bool:
        where = (_S.operator_id == operator_id) & (_S.tenant == tenant) & (_S.name == name.lower())
        return bool((await self._connection.execute(delete(saved_searches).where(where))).rowcount)

    async def last_numbers_search(self, operator_id: str, tenant: str) -> tuple[str, str] | None:
        # The `numbers` flow keeps its search in its state; its newest one is what the operator last looked
        # at (flows are kept a day, so "after a numbers search" means within that day).
        query = (
            select(flows.c.state)
            .where((flows.c.operator_id == operator_id) & (flows.c.tenant == tenant) & (flows.c.kind == "numbers"))
            .order_by(flows.c.updated_at.desc())
            .limit(1)
        )
        state = (await self._connection.execute(query)).scalar_one_or_none()
        if state is None:
            return None
        return str(state.get("search") or ""), str(state.get("status") or "any")
