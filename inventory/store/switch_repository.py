"""A tenant's switches set in chat (four eyes), one row per tenant; each change is audited with the row."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.model import Actor
from inventory.store.audit_repository import SqlAuditRepository
from inventory.store.tables import tenant_switches

_S = tenant_switches.c


class SqlSwitchRepository:
    def __init__(self, connection: AsyncConnection, audit: SqlAuditRepository) -> None:
        self._connection = connection
        self._audit = audit

    async def four_eyes(self, tenant: str) -> bool | None:
        row = (await self._connection.execute(select(_S.four_eyes).where(_S.tenant == tenant))).first()
        return bool(row[0]) if row is not None else None

    async def set_four_eyes(self, tenant: str, on: bool, *, actor: Actor, at: datetime, correlation_id: str) -> None:
        before = await self.four_eyes(tenant)
        values = {"four_eyes": 1 if on else 0, "updated_at": at}
        changed = await self._connection.execute(update(tenant_switches).where(_S.tenant == tenant).values(**values))
        if not changed.rowcount:
            try:
                async with self._connection.begin_nested():
                    await self._connection.execute(tenant_switches.insert().values(tenant=tenant, **values))
            except IntegrityError:  # another admin's first setting landed meanwhile: ours is the later one
                await self._connection.execute(update(tenant_switches).where(_S.tenant == tenant).values(**values))
        await self._audit.write_setting(
            tenant,
            "set-four-eyes",
            actor,
            at=at,
            correlation_id=correlation_id,
            before=None if before is None else {"four_eyes": before},
            after={"four_eyes": on},
        )
