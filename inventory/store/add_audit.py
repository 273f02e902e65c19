"""The audit of numbers just added, set-based: one `INSERT ... SELECT` from the rows the add wrote.

An import of a million numbers used to build, encode and bind a million audit rows in Python; the
database builds them from the numbers themselves instead, as a sync's adds do (`sync_adds`). The
snapshot is `snapshot_of_new_row`'s (keys with no value left out; a test keeps the two equal).
Reserved rows keep the Python path (`number_repository`): their expiry's text differs between the
stored column and the snapshot's ISO form, and a file reserves few numbers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, Insert, and_, cast, func, insert, literal, literal_column, select
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.model import Actor
from inventory.store.audit_repository import audit_columns
from inventory.store.column_types import UtcDateTime
from inventory.store.tables import audit_events, phone_numbers

# What a new row can fill (`number_rows._NEW_ROW_FIELDS`) besides the hold, and who added it.
_SNAPSHOT_TEXT = (
    "number",
    "extension",
    "number_type",
    "status",
    "emergency_location_id",
    "location",
    "range_label",
    "carrier",
    "pool",
    "tags",
    "notes",
    "last_modified_by",
)


async def last_number_id(connection: AsyncConnection) -> int:
    """The highest number id so far: the rows an add writes next are the tenant's rows above it (the add
    holds the tenant's insert lock, so nobody else adds to the tenant meanwhile)."""
    found = await connection.scalar(select(func.coalesce(func.max(phone_numbers.c.id), 0)))
    return int(found or 0)


async def audit_unreserved_adds(
    connection: AsyncConnection,
    tenant: str,
    after_id: int,
    *,
    action: str,
    actor: Actor,
    at: datetime,
    correlation_id: str,
) -> None:
    """One audit row per number of `tenant` above `after_id` that no reservation holds, in id order."""
    statement = unreserved_adds_audit(
        connection, tenant, after_id, action=action, actor=actor, at=at, correlation_id=correlation_id
    )
    await connection.execute(statement)


def unreserved_adds_audit(
    connection: AsyncConnection,
    tenant: str,
    after_id: int,
    *,
    action: str,
    actor: Actor,
    at: datetime,
    correlation_id: str,
) -> Insert:
    """The `INSERT ... SELECT` of `audit_unreserved_adds` (a test reads its plan)."""
    p = phone_numbers.c
    columns = audit_columns(
        tenant=literal(tenant),
        at=literal(at, UtcDateTime()),
        operator_id=literal(actor.id),
        operator_name=literal(actor.name),
        action=literal(action),
        number=p.number,
        extension=p.extension,
        holder_id=None,  # a new row has nobody on it
        holder_upn=None,
        after=_snapshot(connection),
        correlation_id=literal(correlation_id),
    )
    given = {name: expression for name, expression in columns.items() if expression is not None}
    # coalesce() of the (NOT NULL) tenant keeps the planner on the id range: offered the tenant's indexes,
    # SQLite walked every number of the tenant for each batch, which made an import quadratic.
    just_added = and_(func.coalesce(p.tenant, "") == tenant, p.id > after_id, p.hold_owner.is_(None))
    rows = select(*given.values()).where(just_added).order_by(p.id)
    return insert(audit_events).from_select(list(given), rows)


def _snapshot(connection: AsyncConnection) -> ColumnElement[Any]:
    """The row's JSON snapshot without its empty keys ('' becomes NULL first, as the Python snapshot leaves
    '' out too). SQLite: a merge patch onto `{}` drops the nulls (RFC 7396). PostgreSQL: `"key":value`
    pairs joined by `concat_ws`, which skips a pair whose value is NULL; json_build_object then
    json_strip_nulls cost about twice as much server CPU (20,000 numbers: 145 -> 80 ms)."""
    if connection.dialect.name == "postgresql":
        pairs = [_pair(name, func.to_json(func.nullif(phone_numbers.c[name], literal("")))) for name in _SNAPSHOT_TEXT]
        pairs.append(_pair("version", phone_numbers.c.version))
        joined = func.concat_ws(literal_column("','"), *pairs)
        return cast(literal_column("'{'").op("||")(joined).op("||")(literal_column("'}'")), JSON)
    parts: list[Any] = []
    for name in _SNAPSHOT_TEXT:
        parts += [literal(name), func.nullif(phone_numbers.c[name], literal(""))]
    parts += [literal("version"), phone_numbers.c.version]
    return func.json_patch(literal("{}"), func.json_object(*parts))


def _pair(name: str, value: ColumnElement[Any]) -> ColumnElement[Any]:
    """`"name":value` as text, NULL when the value is (`||` with NULL is NULL). The names are ours, plain
    identifiers: no JSON escaping needed."""
    return literal_column(f"'\"{name}\":'").op("||")(value)
