"""Reading the bot's database from a test: a number, its audit trail, flows, and a snapshot to compare."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from inventory.audit import AuditEvent
from inventory.flows import Flow
from inventory.model import PhoneNumber
from inventory.store.engine import Store
from inventory.store.tables import audit_events, flows, number_requests, phone_numbers, sync_runs, teams_operations


async def number(store: Store, e164: str, tenant: str = "contoso") -> PhoneNumber:
    async with store.read() as uow:
        found = await uow.numbers.get(tenant, e164)
    assert found is not None, f"{e164} is not in the {tenant} inventory"
    return found


async def channel_copy_kept(store: Store, activity_id: str | None, *, within_seconds: float = 10.0) -> None:
    """Until the only request's channel copy is recorded as `activity_id`: the poster writes it after Teams
    answered its post, in a task of its own that no event of the test's follows."""
    async with asyncio.timeout(within_seconds):
        while True:
            async with store.engine.connect() as connection:
                query = select(number_requests.c.channel_activity_id)
                if (await connection.execute(query)).scalar_one() == activity_id:
                    return
            await asyncio.sleep(0.02)


async def history(store: Store, e164: str, tenant: str = "contoso") -> list[AuditEvent]:
    """The number's audit events, oldest first."""
    async with store.read() as uow:
        events = await uow.audit.history(tenant, number=e164, limit=100)
    return list(reversed(events))


async def flow(store: Store, flow_id: str) -> Flow:
    async with store.read() as uow:
        found = await uow.flows.get(flow_id)
    assert found is not None, f"no flow {flow_id}"
    return found


async def sync_statuses(store: Store) -> list[str]:
    async with store.read() as uow:
        rows = await uow.connection.execute(select(sync_runs.c.status).order_by(sync_runs.c.started_at))
        return [row[0] for row in rows]


@dataclass(frozen=True)
class Snapshot:
    """Every number's status and version, and how many audit events, Teams intents and flows exist."""

    numbers: tuple[tuple[Any, ...], ...]
    audit_events: int
    teams_operations: int
    flows: int


async def snapshot(store: Store) -> Snapshot:
    async with store.read() as uow:
        rows = await uow.connection.execute(
            select(
                phone_numbers.c.tenant, phone_numbers.c.number, phone_numbers.c.status, phone_numbers.c.version
            ).order_by(phone_numbers.c.id)
        )
        numbers = tuple(tuple(row) for row in rows)

        async def count(table: Any) -> int:
            return int((await uow.connection.execute(select(func.count()).select_from(table))).scalar_one())

        return Snapshot(numbers, await count(audit_events), await count(teams_operations), await count(flows))
