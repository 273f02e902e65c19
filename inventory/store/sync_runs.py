"""Stored sync runs and their changes, so any bot replica can show, page or commit a reviewed diff."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.model import AccountType, NumberStatus, NumberType
from inventory.store.bulk import bulk_insert
from inventory.store.rows import holder_text_of, search_text_of
from inventory.store.tables import UtcDateTime, audit_events, phone_numbers, sync_changes, sync_runs
from inventory.sync_diff import ADD, Change, LocalNumber, Proposal

OPEN, COMMITTED, DISCARDED = "open", "committed", "discarded"


@dataclass(frozen=True)
class SyncRun:
    id: str
    tenant: str
    status: str
    started_by_id: str
    started_by_name: str
    started_at: datetime
    expires_at: datetime
    counts: dict[str, int]
    fetch_stats: dict[str, Any]
    closed_at: datetime | None = None
    closed_by_name: str | None = None
    result: dict[str, Any] | None = None


@dataclass(frozen=True)
class StoredChange:
    id: int
    change: Change


class SyncRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def local_numbers(self, tenant: str) -> list[LocalNumber]:
        """The tenant's numbers without extension, only the columns the diff compares."""
        c = phone_numbers.c
        query = select(
            c.id,
            c.number,
            c.status,
            c.version,
            c.assignee_id,
            c.assignee_upn,
            c.assignee_name,
            c.voice_routing_policy,
            c.number_type,
            c.emergency_location_id,
            c.location,
        ).where(c.tenant == tenant, c.extension == "")
        return [
            LocalNumber(
                id=row[0],
                number=row[1],
                status=NumberStatus(row[2]),
                version=row[3],
                assignee_id=row[4],
                assignee_upn=row[5],
                assignee_name=row[6],
                voice_routing_policy=row[7],
                number_type=NumberType(row[8]),
                emergency_location_id=row[9],
                location=row[10],
            )
            for row in await self._connection.execute(query)
        ]

    async def create(self, run: SyncRun, changes: Sequence[Change]) -> None:
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
        await bulk_insert(self._connection, sync_changes, [_change_row(run.id, change) for change in changes])

    async def get(self, run_id: str) -> SyncRun | None:
        row = (await self._connection.execute(select(sync_runs).where(sync_runs.c.id == run_id))).first()
        return _run(row._mapping) if row else None

    async def latest_open(self, tenant: str, now: datetime) -> SyncRun | None:
        query = (
            select(sync_runs)
            .where(sync_runs.c.tenant == tenant, sync_runs.c.status == OPEN, sync_runs.c.expires_at > now)
            .order_by(sync_runs.c.started_at.desc())
            .limit(1)
        )
        row = (await self._connection.execute(query)).first()
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

    async def apply_adds(
        self, run_id: str, tenant: str, *, operator_id: str, operator_name: str, at: datetime, correlation_id: str
    ) -> tuple[int, list[str]]:
        """Insert the run's *adds* the inventory still lacks, set-based: one INSERT ... SELECT for the
        audit events and one for the numbers, so 100,000 adds never pass through Python one by one.

        The caller holds the tenant's insert lock, so "still lacks" cannot change between the three
        statements. Returns (numbers added, numbers skipped because someone added them meanwhile).
        """
        c, p = sync_changes.c, phone_numbers.c
        adds = and_(c.run_id == run_id, c.category == ADD)
        present = exists().where(p.tenant == tenant, p.number == c.number, p.extension == "")
        taken_rows = await self._connection.execute(select(c.number).where(adds, present).order_by(c.number))
        taken = [row[0] for row in taken_rows]
        missing = and_(adds, ~present)
        fields = (
            "number",
            "number_type",
            "status",
            "assignee_id",
            "assignee_upn",
            "assignee_name",
            "assignee_type",
            "voice_routing_policy",
            "emergency_location_id",
            "location",
        )
        json_object = func.json_build_object if self._connection.dialect.name == "postgresql" else func.json_object
        snapshot = json_object(
            *[part for name in fields for part in (literal(name), c[name])], literal("version"), literal(1)
        )
        audit_select = select(
            literal(tenant),
            literal(at, UtcDateTime()),
            literal(operator_id),
            literal(operator_name),
            literal("sync-add"),
            c.number,
            literal(""),
            c.assignee_id,
            func.lower(c.assignee_upn),
            snapshot,
            literal(correlation_id),
        ).where(missing)
        await self._connection.execute(
            insert(audit_events).from_select(
                [
                    "tenant",
                    "at",
                    "operator_id",
                    "operator_name",
                    "action",
                    "number",
                    "extension",
                    "holder_id",
                    "holder_upn",
                    "after",
                    "correlation_id",
                ],
                audit_select,
            )
        )
        number_select = select(
            literal(tenant),
            c.number,
            literal(""),
            c.number_type,
            c.status,
            c.assignee_id,
            c.assignee_upn,
            c.assignee_name,
            c.assignee_type,
            c.voice_routing_policy,
            c.emergency_location_id,
            c.location,
            literal(""),
            func.coalesce(c.search_text, literal("")),
            c.holder_text,
            literal(at, UtcDateTime()),
            literal(at, UtcDateTime()),
            literal(operator_name),
            literal(operator_name),
            literal(1),
        ).where(missing)
        result = await self._connection.execute(
            insert(phone_numbers).from_select(
                [
                    "tenant",
                    "number",
                    "extension",
                    "number_type",
                    "status",
                    "assignee_id",
                    "assignee_upn",
                    "assignee_name",
                    "assignee_type",
                    "voice_routing_policy",
                    "emergency_location_id",
                    "location",
                    "tags",
                    "search_text",
                    "holder_text",
                    "created_at",
                    "updated_at",
                    "created_by",
                    "last_modified_by",
                    "version",
                ],
                number_select,
            )
        )
        return int(result.rowcount), taken

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
        "number_id": change.number_id,
        "base_version": change.base_version,
        "status": proposal.status.value if proposal.status else None,
        "number_type": proposal.number_type.value,
        "assignee_id": proposal.assignee_id,
        "assignee_upn": proposal.assignee_upn,
        "assignee_name": proposal.assignee_name,
        "assignee_type": proposal.assignee_type.value if proposal.assignee_type else None,
        "voice_routing_policy": proposal.voice_routing_policy,
        "emergency_location_id": proposal.emergency_location_id,
        "location": proposal.location,
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
