"""The append-only audit trail. Written in the same transaction as the change it describes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.model import Actor
from inventory.store.bulk import bulk_insert
from inventory.store.tables import audit_events


def new_correlation_id() -> str:
    """A short id that ties a card, the log lines and the audit rows of one operator action together."""
    return uuid.uuid4().hex[:16]


@dataclass(frozen=True)
class AuditEvent:
    tenant: str
    at: datetime
    operator_id: str
    operator_name: str
    action: str
    correlation_id: str
    number: str | None = None
    extension: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    detail: str | None = None
    id: int | None = None

    @property
    def holder_id(self) -> str | None:
        return _holder(self.after, "assignee_id") or _holder(self.before, "assignee_id")

    @property
    def holder_upn(self) -> str | None:
        upn = _holder(self.after, "assignee_upn") or _holder(self.before, "assignee_upn")
        return upn.lower() if upn else None


def _holder(state: dict[str, Any] | None, key: str) -> str | None:
    value = state.get(key) if state else None
    return str(value) if value else None


def event(
    tenant: str,
    action: str,
    actor: Actor,
    *,
    at: datetime,
    correlation_id: str,
    number: str | None = None,
    extension: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: str | None = None,
) -> AuditEvent:
    return AuditEvent(
        tenant=tenant,
        at=at,
        operator_id=actor.id,
        operator_name=actor.name,
        action=action,
        correlation_id=correlation_id,
        number=number,
        extension=extension,
        before=before,
        after=after,
        detail=detail,
    )


class AuditLog:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def record(self, events: Sequence[AuditEvent]) -> None:
        if not events:
            return
        await bulk_insert(self._connection, audit_events, [_to_row(e) for e in events])

    async def record_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        """Bulk path: rows already shaped by `audit_row` (skips building an AuditEvent per row)."""
        await bulk_insert(self._connection, audit_events, rows)

    async def history(
        self,
        tenant: str,
        *,
        number: str | None = None,
        holder: str | None = None,
        before_id: int | None = None,
        limit: int = 20,
    ) -> list[AuditEvent]:
        """Newest first. `holder` matches an Entra object id or a UPN (case-insensitive)."""
        query = select(audit_events).where(audit_events.c.tenant == tenant)
        if number is not None:
            query = query.where(audit_events.c.number == number)
        if holder is not None:
            query = query.where(or_(audit_events.c.holder_id == holder, audit_events.c.holder_upn == holder.lower()))
        if before_id is not None:
            query = query.where(audit_events.c.id < before_id)
        rows = await self._connection.execute(query.order_by(audit_events.c.id.desc()).limit(limit))
        return [_from_row(row._mapping) for row in rows]

    async def by_correlation(self, correlation_id: str) -> list[AuditEvent]:
        query = select(audit_events).where(audit_events.c.correlation_id == correlation_id)
        rows = await self._connection.execute(query.order_by(audit_events.c.id))
        return [_from_row(row._mapping) for row in rows]


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
    holder_id = _holder(after, "assignee_id") or _holder(before, "assignee_id")
    holder_upn = _holder(after, "assignee_upn") or _holder(before, "assignee_upn")
    return {
        "tenant": tenant,
        "at": at,
        "operator_id": actor.id,
        "operator_name": actor.name,
        "action": action,
        "number": number,
        "extension": extension,
        "holder_id": holder_id,
        "holder_upn": holder_upn.lower() if holder_upn else None,
        "before": before,
        "after": after,
        "correlation_id": correlation_id,
        "detail": detail,
    }


def _to_row(e: AuditEvent) -> dict[str, Any]:
    return {
        "tenant": e.tenant,
        "at": e.at,
        "operator_id": e.operator_id,
        "operator_name": e.operator_name,
        "action": e.action,
        "number": e.number,
        "extension": e.extension,
        "holder_id": e.holder_id,
        "holder_upn": e.holder_upn,
        "before": e.before,
        "after": e.after,
        "correlation_id": e.correlation_id,
        "detail": e.detail,
    }


def _from_row(row: Any) -> AuditEvent:
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
