"""What the database says right now, for `/metrics` and `/readyz`: a few counts read in one snapshot."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, literal_column, select

from inventory import journal, notifications
from inventory.model import NumberStatus
from inventory.store.engine import Store
from inventory.store.tables import notifications as notifications_table
from inventory.store.tables import phone_numbers, teams_operations


@dataclass(frozen=True)
class DatabaseGauges:
    free_numbers: dict[tuple[str, str], int]  # (tenant, pool or "") -> available numbers
    outbox_backlog: int  # notes pending or being sent
    journal_pending: dict[str, int]  # tenant -> Teams operations not yet settled


async def read_gauges(store: Store) -> DatabaseGauges:
    """Three grouped counts; cheap on both databases (the status columns are indexed or small)."""
    c = phone_numbers.c
    # A literal, not a bound '': PostgreSQL sees coalesce(pool, $1) and coalesce(pool, $2) as different
    # expressions and refuses the GROUP BY.
    pool = func.coalesce(c.pool, literal_column("''"))
    free = select(c.tenant, pool, func.count()).where(c.status == NumberStatus.AVAILABLE.value).group_by(c.tenant, pool)
    outbox = (
        select(func.count())
        .select_from(notifications_table)
        .where(notifications_table.c.status.in_([notifications.PENDING, notifications.SENDING]))
    )
    ops = teams_operations.c
    pending = select(ops.tenant, func.count()).where(ops.status == journal.PENDING).group_by(ops.tenant)
    async with store.read() as uow:
        connection = uow.connection
        free_rows = (await connection.execute(free)).all()
        backlog = int((await connection.execute(outbox)).scalar_one())
        pending_rows = (await connection.execute(pending)).all()
    return DatabaseGauges(
        free_numbers={(str(tenant), str(pool)): int(count) for tenant, pool, count in free_rows},
        outbox_backlog=backlog,
        journal_pending={str(tenant): int(count) for tenant, count in pending_rows},
    )
