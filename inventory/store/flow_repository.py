"""Card flows in SQL: any replica can continue any flow, and a stale click loses cleanly."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.flows import Flow
from inventory.store.tables import flows


class SqlFlowRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def create(self, flow: Flow) -> None:
        await self._connection.execute(flows.insert().values(**dataclasses.asdict(flow)))

    async def get(self, flow_id: str) -> Flow | None:
        row = (await self._connection.execute(select(flows).where(flows.c.id == flow_id))).first()
        return Flow(**row._mapping) if row else None

    async def advance(
        self, flow: Flow, *, step: str, state: dict[str, Any], now: datetime, expires_at: datetime | None = None
    ) -> Flow | None:
        """Move `flow` to its next step if nobody moved it since it was read; None when someone did."""
        values = {"step": step, "state": state, "version": flow.version + 1, "updated_at": now}
        if expires_at is not None:
            values["expires_at"] = expires_at
        statement = update(flows).where(and_(flows.c.id == flow.id, flows.c.version == flow.version)).values(**values)
        if (await self._connection.execute(statement)).rowcount != 1:
            return None
        return dataclasses.replace(flow, **values)  # type: ignore[arg-type]

    async def purge_expired(self, before: datetime) -> int:
        result = await self._connection.execute(delete(flows).where(flows.c.expires_at < before))
        return int(result.rowcount)

    async def in_step(self, kind: str, step: str) -> list[Flow]:
        query = select(flows).where(and_(flows.c.kind == kind, flows.c.step == step)).order_by(flows.c.created_at)
        return [Flow(**row._mapping) for row in await self._connection.execute(query)]
