"""A tenant's switches set in chat (four eyes, who may request, who approves), one row per tenant; each
change is audited with the row. A NULL column is a switch no admin set: the configuration decides."""

from __future__ import annotations

from datetime import datetime
from typing import Any

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
        stored = await self._column(tenant, "four_eyes")
        return None if stored is None else bool(stored)

    async def requests(self, tenant: str) -> str | None:
        stored = await self._column(tenant, "requests")
        return None if stored is None else str(stored)

    async def approvers(self, tenant: str) -> tuple[str, ...] | None:
        stored = await self._column(tenant, "approvers")
        return None if stored is None else tuple(str(a) for a in stored)

    async def set_four_eyes(self, tenant: str, on: bool, *, actor: Actor, at: datetime, correlation_id: str) -> None:
        before = await self.four_eyes(tenant)
        await self._set(tenant, "four_eyes", 1 if on else 0, at=at)
        await self._audited(tenant, "set-four-eyes", "four_eyes", before, on, actor, at, correlation_id)

    async def set_requests(self, tenant: str, who: str, *, actor: Actor, at: datetime, correlation_id: str) -> None:
        before = await self.requests(tenant)
        await self._set(tenant, "requests", who, at=at)
        await self._audited(tenant, "set-requests", "requests", before, who, actor, at, correlation_id)

    async def set_approvers(
        self, tenant: str, approvers: tuple[str, ...], *, actor: Actor, at: datetime, correlation_id: str
    ) -> None:
        before = await self.approvers(tenant)
        await self._set(tenant, "approvers", list(approvers), at=at)
        after = list(approvers)
        await self._audited(
            tenant,
            "set-approvers",
            "approvers",
            None if before is None else list(before),
            after,
            actor,
            at,
            correlation_id,
        )

    async def _column(self, tenant: str, name: str) -> Any:
        row = (await self._connection.execute(select(_S[name]).where(_S.tenant == tenant))).first()
        return None if row is None else row[0]

    async def _set(self, tenant: str, name: str, value: Any, *, at: datetime) -> None:
        values = {name: value, "updated_at": at}
        changed = await self._connection.execute(update(tenant_switches).where(_S.tenant == tenant).values(**values))
        if changed.rowcount:
            return
        try:
            async with self._connection.begin_nested():
                await self._connection.execute(tenant_switches.insert().values(tenant=tenant, **values))
        except IntegrityError:  # another admin's first setting landed meanwhile: ours is the later one
            await self._connection.execute(update(tenant_switches).where(_S.tenant == tenant).values(**values))

    async def _audited(
        self, tenant: str, action: str, name: str, before: Any, after: Any, actor: Actor, at: datetime, cid: str
    ) -> None:
        await self._audit.write_setting(
            tenant,
            action,
            actor,
            at=at,
            correlation_id=cid,
            before=None if before is None else {name: before},
            after={name: after},
        )
