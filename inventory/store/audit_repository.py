"""The append-only audit trail. Written in the same transaction as the change it describes.

`audit_columns` is the one shape of an audit row: Python values for the rows a change writes, SQL
expressions for the `INSERT ... SELECT` of a sync's adds. Triggers refuse UPDATE and DELETE of audit rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.audit import AuditEvent, holder_in
from inventory.model import Actor
from inventory.store.executemany import insert_many
from inventory.store.tables import audit_events


def audit_columns(
    *,
    tenant: Any,
    at: Any,
    operator_id: Any,
    operator_name: Any,
    action: Any,
    number: Any,
    extension: Any,
    holder_id: Any,
    holder_upn: Any,
    after: Any,
    correlation_id: Any,
    before: Any = None,
    detail: Any = None,
) -> dict[str, Any]:
    """Every column of an audit row by name. `holder_*` name the holder involved (after, else before), so
    `history <user>` is one indexed query; `holder_upn` is lower-cased."""
    return {
        "tenant": tenant,
        "at": at,
        "operator_id": operator_id,
        "operator_name": operator_name,
        "action": action,
        "number": number,
        "extension": extension,
        "holder_id": holder_id,
        "holder_upn": holder_upn,
        "before": before,
        "after": after,
        "correlation_id": correlation_id,
        "detail": detail,
    }


def audit_row(
    tenant: str,
    action: str,
    actor: Actor,
    *,
    at: datetime,
    correlation_id: str,
    number: str | None,
    extension: str | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    detail: str | None = None,
) -> dict[str, Any]:
    """The audit row of one number's change from `before` to `after` (snapshots; None when absent)."""
    holder_upn = holder_in(before, after, "assignee_upn")
    return audit_columns(
        tenant=tenant,
        at=at,
        operator_id=actor.id,
        operator_name=actor.name,
        action=action,
        number=number,
        extension=extension,
        holder_id=holder_in(before, after, "assignee_id"),
        holder_upn=holder_upn.lower() if holder_upn else None,
        before=before,
        after=after,
        correlation_id=correlation_id,
        detail=detail,
    )


class SqlAuditRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def write(self, rows: Sequence[dict[str, Any]]) -> None:
        """Append rows shaped by `audit_row`, in one batch."""
        await insert_many(self._connection, audit_events, rows)

    async def write_setting(
        self,
        tenant: str,
        action: str,
        actor: Actor,
        *,
        at: datetime,
        correlation_id: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        """A change of a tenant's setting (a rule, a pool's threshold): no number's change, so the row names
        none; what changed is in before/after."""
        row = audit_row(
            tenant,
            action,
            actor,
            at=at,
            correlation_id=correlation_id,
            number=None,
            extension=None,
            before=before,
            after=after,
        )
        await self.write([row])

    async def history(
        self,
        tenant: str,
        *,
        number: str | None = None,
        holder: str | None = None,
        before_id: int | None = None,
        limit: int = 20,
    ) -> list[AuditEvent]:
        query = select(audit_events).where(audit_events.c.tenant == tenant)
        if number is not None:
            query = query.where(audit_events.c.number == number)
        if holder is not None:
            query = query.where(or_(audit_events.c.holder_id == holder, audit_events.c.holder_upn == holder.lower()))
        if before_id is not None:
            query = query.where(audit_events.c.id < before_id)
        rows = await self._connection.execute(query.order_by(audit_events.c.id.desc()).limit(limit))
        return [_event(row._mapping) for row in rows]

    async def get(self, tenant: str, event_id: int) -> AuditEvent | None:
        query = select(audit_events).where(audit_events.c.tenant == tenant, audit_events.c.id == event_id)
        row = (await self._connection.execute(query)).first()
        return None if row is None else _event(row._mapping)

    async def by_correlation(self, correlation_id: str) -> list[AuditEvent]:
        """Every event of one operator action, oldest first."""
        query = select(audit_events).where(audit_events.c.correlation_id == correlation_id)
        return [_event(row._mapping) for row in await self._connection.execute(query.order_by(audit_events.c.id))]


def _event(row: Any) -> AuditEvent:
    return AuditEvent(
        id=row["id"],
        tenant=row["tenant"],
        at=row["at"],
        operator_id=row["operator_id"],
        operator_name=row["operator_name"],
        action=row["action"],
        correlation_id=row["correlation_id"],
        number=row["number"],
        extension=row["extension"],
        before=row["before"],
        after=row["after"],
        detail=row["detail"],
    )
