"""Capacity thresholds per pool, and whether the last check found each pool low."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.capacity import Threshold
from inventory.model import Actor
from inventory.store.audit_repository import SqlAuditRepository
from inventory.store.tables import pool_thresholds

_T = pool_thresholds.c


class SqlThresholdRepository:
    def __init__(self, connection: AsyncConnection, audit: SqlAuditRepository) -> None:
        self._connection = connection
        self._audit = audit

    async def all(self, tenant: str) -> list[tuple[Threshold, bool]]:
        query = select(pool_thresholds).where(_T.tenant == tenant).order_by(_T.pool)
        rows = (await self._connection.execute(query)).mappings()
        return [(Threshold(r["pool"], r["min_free"], r["min_share_pct"]), bool(r["low"])) for r in rows]

    async def put(self, tenant: str, threshold: Threshold, *, actor: Actor, at: datetime, correlation_id: str) -> None:
        before = await self._one(tenant, threshold.pool)
        values = {"min_free": threshold.min_free, "min_share_pct": threshold.min_share_pct, "updated_at": at}
        where = (_T.tenant == tenant) & (_T.pool == threshold.pool)
        if not (await self._connection.execute(update(pool_thresholds).where(where).values(**values))).rowcount:
            try:  # two admins setting the first threshold at once: the loser updates instead
                async with self._connection.begin_nested():
                    row = {"tenant": tenant, "pool": threshold.pool, "low": 0, **values}
                    await self._connection.execute(pool_thresholds.insert().values(**row))
            except IntegrityError:
                await self._connection.execute(update(pool_thresholds).where(where).values(**values))
        after = {"pool": threshold.pool, "threshold": threshold.label}
        await self._audit.write_setting(
            tenant, "set-threshold", actor, at=at, correlation_id=correlation_id, before=before, after=after
        )

    async def remove(self, tenant: str, pool: str, *, actor: Actor, at: datetime, correlation_id: str) -> bool:
        before = await self._one(tenant, pool)
        statement = delete(pool_thresholds).where((_T.tenant == tenant) & (_T.pool == pool))
        if not (await self._connection.execute(statement)).rowcount:
            return False
        await self._audit.write_setting(
            tenant, "remove-threshold", actor, at=at, correlation_id=correlation_id, before=before, after=None
        )
        return True

    async def mark(self, tenant: str, pool: str, *, low: bool, at: datetime) -> bool:
        statement = (
            update(pool_thresholds)
            .where((_T.tenant == tenant) & (_T.pool == pool) & (_T.low == (0 if low else 1)))
            .values(low=1 if low else 0, updated_at=at)
        )
        return bool((await self._connection.execute(statement)).rowcount)

    async def _one(self, tenant: str, pool: str) -> dict[str, Any] | None:
        query = select(_T.min_free, _T.min_share_pct).where((_T.tenant == tenant) & (_T.pool == pool))
        row = (await self._connection.execute(query)).first()
        if row is None:
            return None
        return {"pool": pool, "threshold": Threshold(pool, row.min_free, row.min_share_pct).label}
