"""Stored sync runs and their changes, so any bot replica can show, page or commit a reviewed diff."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.model import FAILED_STATES, AccountType, Actor, NumberStatus, NumberType, activation_state_of
from inventory.store.executemany import insert_many
from inventory.store.number_rows import holder_text_of, search_text_of
from inventory.store.sync_adds import apply_adds
from inventory.store.tables import sync_changes, sync_runs
from inventory.sync.changes import ADD, Change, Proposal
from inventory.sync.runs import OPEN, StoredChange, SyncRun


class SqlSyncRunRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def create(self, run: SyncRun, changes: Sequence[Change] = ()) -> None:
        await self._connection.execute(
            sync_runs.insert().values(
                id=run.id,
                tenant=run.tenant,
                status=run.status,
                started_by_id=run.started_by_id,
                started_by_name=run.started_by_name,
                started_at=run.started_at,
                expires_at=run.expires_at,
                counts=run.counts,
                fetch_stats=run.fetch_stats,
            )
        )
        await self.add_changes(run.id, changes)

    async def add_changes(self, run_id: str, changes: Sequence[Change]) -> None:
        await insert_many(self._connection, sync_changes, [_change_row(run_id, change) for change in changes])

    async def get(self, run_id: str) -> SyncRun | None:
        row = (await self._connection.execute(select(sync_runs).where(sync_runs.c.id == run_id))).first()
        return _run(row._mapping) if row else None

    async def recent(self, tenant: str, *, since: datetime, limit: int = 5) -> list[SyncRun]:
        query = (
            select(sync_runs)
            .where(sync_runs.c.tenant == tenant, sync_runs.c.started_at >= since)
            .order_by(sync_runs.c.started_at.desc())
            .limit(limit)
        )
        return [_run(row._mapping) for row in await self._connection.execute(query)]

    async def changes(
        self,
        run_id: str,
        categories: Collection[str],
        *,
        after_id: int = 0,
        limit: int | None = None,
        with_fields: bool = True,
    ) -> list[StoredChange]:
        """Changes in id order. A commit leaves out `fields` (only the review card reads them)."""
        columns = [c for c in sync_changes.c if with_fields or c.name != "fields"]
        query = (
            select(*columns)
            .where(
                sync_changes.c.run_id == run_id,
                sync_changes.c.category.in_(list(categories)),
                sync_changes.c.id > after_id,
            )
            .order_by(sync_changes.c.id)
        )
        if limit is not None:
            query = query.limit(limit)
        return [StoredChange(row.id, _change(row._mapping)) for row in await self._connection.execute(query)]

    async def failed_in_teams(self, run_id: str, *, limit: int) -> tuple[int, list[StoredChange]]:
        c = sync_changes.c
        failed = and_(c.run_id == run_id, c.activation_state.in_([s.value for s in FAILED_STATES]))
        count = int(
            (await self._connection.execute(select(func.count()).select_from(sync_changes).where(failed))).scalar_one()
        )
        rows = await self._connection.execute(select(sync_changes).where(failed).order_by(c.number).limit(limit))
        return count, [StoredChange(row.id, _change(row._mapping)) for row in rows]

    async def apply_adds(
        self, run_id: str, tenant: str, *, actor: Actor, at: datetime, correlation_id: str
    ) -> tuple[int, list[str]]:
        return await apply_adds(self._connection, run_id, tenant, actor=actor, at=at, correlation_id=correlation_id)

    async def close(self, run_id: str, status: str, *, by: str, at: datetime, result: dict[str, Any] | None) -> bool:
        """Move an open run to `status`; False when it was no longer open (someone closed it first)."""
        statement = (
            update(sync_runs)
            .where(and_(sync_runs.c.id == run_id, sync_runs.c.status == OPEN))
            .values(status=status, closed_at=at, closed_by_name=by, result=result)
        )
        return (await self._connection.execute(statement)).rowcount == 1

    async def set_result(self, run_id: str, result: dict[str, Any]) -> None:
        await self._connection.execute(update(sync_runs).where(sync_runs.c.id == run_id).values(result=result))

    async def purge_before(self, cutoff: datetime) -> int:
        """Forget the changes of runs started before `cutoff` (the runs stay, with their counts and results)."""
        old = select(sync_runs.c.id).where(sync_runs.c.started_at < cutoff)
        result = await self._connection.execute(delete(sync_changes).where(sync_changes.c.run_id.in_(old)))
        return int(result.rowcount)


def _change_row(run_id: str, change: Change) -> dict[str, Any]:
    proposal = change.proposal
    return {
        "run_id": run_id,
        "category": change.category,
        "kind": change.kind,
        "number": change.number,
        "extension": change.extension,
        "number_id": change.number_id,
        "base_version": change.base_version,
        "status": proposal.status.value if proposal.status else None,
        "number_type": proposal.number_type.value,
        "assignee_id": proposal.assignee_id,
        "assignee_upn": proposal.assignee_upn,
        "assignee_name": proposal.assignee_name,
        "assignee_type": proposal.assignee_type.value if proposal.assignee_type else None,
        "assignee_assignment": proposal.assignee_assignment,
        "voice_routing_policy": proposal.voice_routing_policy,
        "emergency_location_id": proposal.emergency_location_id,
        "location": proposal.location,
        "activation_state": proposal.activation_state.value if proposal.activation_state else None,
        "search_text": (
            search_text_of(proposal.assignee_name, proposal.assignee_upn, proposal.location)
            if change.category == ADD
            else None
        ),
        "holder_text": (
            holder_text_of(proposal.assignee_name, proposal.assignee_upn)
            if change.category == ADD and proposal.assignee_id
            else None
        ),
        "fields": [list(field) for field in change.fields] or None,
        "note": change.note[:512] if change.note else None,
    }


def _change(row: Any) -> Change:
    proposal = Proposal(
        status=NumberStatus(row["status"]) if row["status"] else None,
        number_type=NumberType(row["number_type"]),
        assignee_id=row["assignee_id"],
        assignee_upn=row["assignee_upn"],
        assignee_name=row["assignee_name"],
        assignee_type=AccountType(row["assignee_type"]) if row["assignee_type"] else None,
        voice_routing_policy=row["voice_routing_policy"],
        emergency_location_id=row["emergency_location_id"],
        location=row["location"],
        assignee_assignment=row["assignee_assignment"],
        activation_state=activation_state_of(row["activation_state"]),
    )
    stored = row.get("fields")
    fields = tuple((str(f[0]), f[1], f[2]) for f in stored) if stored else ()
    return Change(
        row["category"],
        row["kind"],
        row["number"],
        proposal,
        fields,
        row["number_id"],
        row["base_version"],
        row["note"],
        row["extension"] or "",
    )


def _run(row: Any) -> SyncRun:
    return SyncRun(
        id=row["id"],
        tenant=row["tenant"],
        status=row["status"],
        started_by_id=row["started_by_id"],
        started_by_name=row["started_by_name"],
        started_at=row["started_at"],
        expires_at=row["expires_at"],
        counts=dict(row["counts"]),
        fetch_stats=dict(row["fetch_stats"]),
        closed_at=row["closed_at"],
        closed_by_name=row["closed_by_name"],
        result=row["result"],
    )
