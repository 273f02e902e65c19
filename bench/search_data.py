"""The inventory the search benchmark reads: N numbers written by one INSERT ... SELECT, on either database.

One statement rather than an import: the benchmark measures search, and 1,000,000 rows through the CSV
import would take minutes (the import has its own benchmark). The rows are what an import and a sync
leave: numbers in blocks of 10,000 per area code, a location, carrier, pool and range per block of 1,000,
and 40% held by a person, with the derived `search_text` and `holder_text` as the store writes them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.store.column_types import UtcDateTime

LOCATIONS = ["Seattle", "Redmond", "London", "Dublin", "Sydney", "Austin", "Boston", "Denver", "Paris", "Tokyo"]
POOLS = ["Sales", "Support", "Finance", "Engineering", "Legal", "HR", "Ops", "Reception"]
CARRIERS = ["Contoso Telecom", "Fabrikam Voice", "Northwind Carrier"]
FIRST = ["Adele", "Alex", "Diego", "Grady", "Henrietta", "Isaiah", "Johanna", "Joni", "Lee", "Lidia", "Lynne", "Megan"]
LAST = ["Vance", "Wilber", "Siciliani", "Archie", "Mueller", "Langer", "Lanier", "Sherman", "Gu", "Holloway"]
FIRST_AREA = 206


def number_of(index: int) -> str:
    """The number the seed gives row `index` (the benchmark builds its searches from these)."""
    return f"+1{FIRST_AREA + index // 10_000 % 700:03d}555{index % 10_000:04d}"


def _pick(values: list[str], expression: str) -> str:
    cases = " ".join(f"WHEN {position} THEN '{value}'" for position, value in enumerate(values))
    return f"(CASE ({expression}) % {len(values)} {cases} END)"


def _padded(expression: str, width: int, dialect: str) -> str:
    if dialect == "postgresql":
        return f"lpad(({expression})::text, {width}, '0')"
    return f"printf('%0{width}d', {expression})"


def seed_statement(count: int, dialect: str) -> str:
    series = (
        f"SELECT generate_series(0::bigint, {count - 1}) AS i"
        if dialect == "postgresql"
        else f"WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < {count - 1}) SELECT i FROM s"
    )
    held = "(i * 7919) % 100 < 40"  # a spread of 40%, the same on every run
    name = f"{_pick(FIRST, 'i * 31')} || ' ' || {_pick(LAST, 'i / 12 * 17')} || ' ' || i"
    upn = f"lower({_pick(FIRST, 'i * 31')} || '.' || {_pick(LAST, 'i / 12 * 17')} || '.' || i || '@contoso.test')"
    labels = (
        f"lower({_pick(LOCATIONS, 'i / 1000')} || ' | r-' || {_padded('i / 1000', 3, dialect)} || ' | ' || "
        f"{_pick(CARRIERS, 'i / 1000')} || ' | ' || {_pick(POOLS, 'i / 1000')})"
    )
    return f"""
        INSERT INTO phone_numbers (tenant, number, extension, number_type, status, assignee_id, assignee_name,
            assignee_upn, assignee_type, location, range_label, carrier, pool, tags, search_text, holder_text,
            created_at, updated_at, version)
        SELECT 'contoso', '+1' || {_padded(f"{FIRST_AREA} + i / 10000 % 700", 3, dialect)} || '555' ||
                {_padded("i % 10000", 4, dialect)}, '', 'directRouting',
            CASE WHEN {held} THEN 'used' ELSE 'available' END,
            CASE WHEN {held} THEN 'obj-' || i END,
            CASE WHEN {held} THEN {name} END,
            CASE WHEN {held} THEN {upn} END,
            CASE WHEN {held} THEN 'user' END,
            {_pick(LOCATIONS, "i / 1000")}, 'R-' || {_padded("i / 1000", 3, dialect)},
            {_pick(CARRIERS, "i / 1000")}, {_pick(POOLS, "i / 1000")}, '',
            CASE WHEN {held} THEN lower({name} || ' | ' || {upn}) || ' | ' || {labels} ELSE {labels} END,
            CASE WHEN {held} THEN lower({name} || ' | ' || {upn}) END,
            :now, :now, 1
        FROM ({series}) AS seq
    """


async def seed(connection: AsyncConnection, count: int) -> None:
    """Write `count` numbers for tenant `contoso` (the table must be empty of them)."""
    statement = text(seed_statement(count, connection.dialect.name)).bindparams(bindparam("now", type_=UtcDateTime()))
    await connection.execute(statement, {"now": datetime.now(UTC)})
