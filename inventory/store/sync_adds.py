"""A sync's adds, set-based: one `INSERT ... SELECT` for their audit events and one for the numbers.

100,000 adds never pass through Python one by one. Each statement is built from one mapping of column to
expression over the stored changes; the audit one goes through `audit_columns`, the shape every audit
row has, so the two ways of writing audit rows cannot drift apart.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, exists, func, insert, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.e164 import number_key
from inventory.model import Actor
from inventory.store import search_index
from inventory.store.audit_repository import audit_columns
from inventory.store.column_types import UtcDateTime
from inventory.store.executemany import insert_skipping_conflicts
from inventory.store.tables import audit_events, phone_numbers, sync_changes
from inventory.sync.changes import ADD

# What a sync-add's audit snapshot keeps (the proposal's fields), as the audit of any other add would.
_SNAPSHOT_FIELDS = (
    "number",
    "number_type",
    "status",
    "assignee_id",
    "assignee_upn",
    "assignee_name",
    "assignee_type",
    "assignee_assignment",
    "voice_routing_policy",
    "emergency_location_id",
    "location",
    "activation_state",
)


async def apply_adds(
    connection: AsyncConnection, run_id: str, tenant: str, *, actor: Actor, at: datetime, correlation_id: str
) -> tuple[int, list[str]]:
    """Insert the run's adds the inventory still lacks. The caller holds the tenant's insert lock, so "still
    lacks" cannot change between the statements. Returns (numbers added, the keys (`e164.number_key`) of
    numbers someone added meanwhile)."""
    c, p = sync_changes.c, phone_numbers.c
    adds = and_(c.run_id == run_id, c.category == ADD)
    present = exists().where(p.tenant == tenant, p.number == c.number, p.extension == c.extension)
    found = await connection.execute(select(c.number, c.extension).where(adds, present).order_by(c.number))
    taken = [number_key(row[0], row[1] or "") for row in found]
    missing = and_(adds, ~present)
    now = literal(at, UtcDateTime())
    audit = audit_columns(
        tenant=literal(tenant),
        at=now,
        operator_id=literal(actor.id),
        operator_name=literal(actor.name),
        action=literal("sync-add"),
        number=c.number,
        extension=c.extension,
        holder_id=c.assignee_id,
        holder_upn=func.lower(c.assignee_upn),
        after=_snapshot(connection),
        correlation_id=literal(correlation_id),
    )
    number = {
        "tenant": literal(tenant),
        **{name: c[name] for name in _SNAPSHOT_FIELDS},
        "extension": c.extension,
        "tags": literal(""),
        "search_text": func.coalesce(c.search_text, literal("")),
        "holder_text": c.holder_text,
        "created_at": now,
        "updated_at": now,
        "created_by": literal(actor.name),
        "last_modified_by": literal(actor.name),
        "version": literal(1),
    }
    await _insert_select(connection, audit_events, audit, missing)
    async with search_index.bulk_indexed(connection):
        # The unique key leaves out the numbers found taken above, not NOT EXISTS: PostgreSQL, told by fresh
        # statistics that the tenant is empty, planned the anti-join as a scan of phone_numbers per row, and
        # the scan grew with every row this statement inserted (100,000 adds ran for minutes).
        added = await _insert_select(connection, phone_numbers, number, adds, skip_conflicts=True)
    return added, taken


def _snapshot(connection: AsyncConnection) -> ColumnElement[Any]:
    c = sync_changes.c
    json_object = func.json_build_object if connection.dialect.name == "postgresql" else func.json_object
    parts = [part for name in _SNAPSHOT_FIELDS for part in (literal(name), c[name])]
    return json_object(*parts, literal("version"), literal(1))


async def _insert_select(
    connection: AsyncConnection,
    table: Table,
    columns: dict[str, Any],
    where: ColumnElement[bool],
    *,
    skip_conflicts: bool = False,
) -> int:
    """INSERT INTO table (the mapping's columns) SELECT (its expressions) FROM sync_changes WHERE `where`
    (`skip_conflicts`: ON CONFLICT DO NOTHING). Columns mapped to None are left to their default (NULL)."""
    given = {name: expression for name, expression in columns.items() if expression is not None}
    rows = select(*given.values()).where(where)
    statement = (insert_skipping_conflicts(connection, table) if skip_conflicts else insert(table)).from_select(
        list(given), rows
    )
    return int((await connection.execute(statement)).rowcount)
