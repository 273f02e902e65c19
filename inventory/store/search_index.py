"""The trigram index behind substring search on SQLite, and when to use it.

Results are ordered by number and paged (`ORDER BY number LIMIT 26`). For a common substring (`555`,
`seattle`) walking the number index and testing each row finds a page within a few hundred rows; for a
rare one (`98765` among 1,000,000 numbers) the same walk reads every row. The trigram index finds rare
matches at once but must fetch and sort every match, which is slow for common ones. So we first ask the
index alone for up to `SPARSE` + 1 rows that hold every literal run of the search: fewer, and the search
runs among those ids; more, and matches are dense enough that the ordered walk reaches a page soon.

The index (`phone_numbers_text`, contentless FTS5 with the trigram tokenizer, migration 0021) covers the
number (as `^number$`, so that a suffix is a phrase too) and `search_text`, which holds the holder's name
and UPN, location, range, carrier, pool and tags; triggers keep it in step with every write, except that
bulk writers (imports, a sync's adds) index each batch in one statement (`bulk_indexed`, migration 0025).
It is a candidate filter only: the LIKE conditions still decide each row.
PostgreSQL gets the same choice another way (`few_matches`): its planner, asked for the ordered page, assumes
matches are spread evenly and for a rare clustered one (a range label) sometimes walks the number index from
the start (p95 0.9 s at 1,000,000). Asked for up to `SPARSE` + 1 matching ids in no order, it reads them from
its pg_trgm GIN indexes instead; the page is then sorted among those.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    any_,
    bindparam,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.store.tables import phone_numbers

# 1,000 candidate ids come back from the index and their rows are fetched and sorted in well under a
# millisecond; a substring with more matches than that is dense enough for the ordered walk (at 1,000,000
# numbers one in 1,000 or more matches: a page within about 25,000 index entries if spread evenly).
SPARSE = 1_000

# Not in `tables.metadata`: an FTS5 virtual table is SQLite-only and Alembic cannot compare it.
phone_numbers_text = Table(
    "phone_numbers_text",
    MetaData(),
    Column("rowid", Integer, primary_key=True),
    Column("number", String),
    Column("search_text", String),
)
# What migration 0021 builds outside `tables.metadata`, by name prefix (schema comparisons leave them out).
AUXILIARY_PREFIXES = ("phone_numbers_text", "ix_phone_numbers_search_")
_WILDCARDS = re.compile(r"[%_]+")
Indexed = str  # "number" or "search_text": the columns of `phone_numbers_text`


def _phrase(literal: str) -> str:
    # A quoted string: no FTS5 operator can hide in what an operator typed.
    return '"' + literal.replace('"', '""') + '"'


def like_term(column: Indexed, pattern: str) -> str | None:
    """What a row matching `column LIKE pattern` (unescaped) must hold, as an FTS5 query: each literal run
    of three or more characters as a phrase of that column. None if there is no such run (`%0`).

    The index holds the number as `^number$`, so a number pattern's ends anchor: `%0000` is "0000$"."""
    runs = _WILDCARDS.split(pattern)
    if column == "number":
        runs[0], runs[-1] = "^" + runs[0] if runs[0] else "", runs[-1] + "$" if runs[-1] else ""
        if len(runs) == 1:
            runs = ["^" + pattern + "$"]
    return " AND ".join(f"{column} : {_phrase(run)}" for run in runs if len(run) >= 3) or None


def any_term(column: Indexed, literals: Iterable[str]) -> str:
    """An FTS5 query for a row whose `column` holds any of `literals` (each three characters or more)."""
    return f"{column} : (" + " OR ".join(_phrase(literal) for literal in literals) + ")"


async def narrowing(connection: AsyncConnection, terms: list[str]) -> ColumnElement[bool] | None:
    """`id IN (candidates)` when the trigram index says the rows holding all `terms` are few; None to walk
    in number order (PostgreSQL, no terms, or many candidates)."""
    if connection.dialect.name != "sqlite" or not terms:
        return None
    probe = (
        select(phone_numbers_text.c.rowid)
        .where(text("phone_numbers_text MATCH :terms").bindparams(terms=" AND ".join(terms)))
        .limit(SPARSE + 1)
    )
    candidates = list((await connection.execute(probe)).scalars())
    if len(candidates) > SPARSE:
        return None
    # The ids found, handed back as one JSON array: asking the index again inside the search made SQLite
    # take ten times as long (it re-reads the index per sorted row), and 2,000 bound parameters cost more.
    found = func.json_each(json.dumps(candidates)).table_valued("value")
    return phone_numbers.c.id.in_(select(found.c.value))


async def few_matches(
    connection: AsyncConnection, matches: Select[tuple[object, ...]], values: Mapping[str, Any]
) -> ColumnElement[bool] | None:
    """PostgreSQL: `id = ANY(ids)` when `matches`, asked in no order, has at most `SPARSE` rows; None to walk
    in number order. Without ORDER BY the planner has no reason to walk the number index, so a rare match
    comes from the trigram bitmap and a common one stops after `SPARSE` + 1 rows of whatever scan it picks."""
    probe = matches.with_only_columns(phone_numbers.c.id).limit(SPARSE + 1)
    ids = list((await connection.execute(probe, values)).scalars())
    if len(ids) > SPARSE:
        return None
    # One array parameter: the statement stays the same whatever the number of ids (asyncpg prepares it once).
    return phone_numbers.c.id == any_(bindparam("candidate_ids", ids, type_=ARRAY(Integer)))


_BULK_FLAG = text("INSERT INTO phone_numbers_text_bulk (writer) VALUES (1)")
_BULK_UNFLAG = text("DELETE FROM phone_numbers_text_bulk")
_BULK_INDEX = text(
    "INSERT INTO phone_numbers_text (rowid, number, search_text) "
    "SELECT id, '^' || number || '$', search_text FROM phone_numbers WHERE id > :last"
)


@asynccontextmanager
async def bulk_indexed(connection: AsyncConnection) -> AsyncIterator[None]:
    """Numbers inserted in the block are indexed when it ends, in one `INSERT ... SELECT`, instead of one
    FTS5 insert per row from the trigger (which about doubled an import). SQLite only; a no-op elsewhere.

    Only for a write transaction (SQLite's one writer): new ids are then exactly those above the largest
    before the block, and the flag that silences the insert trigger is gone before anyone else can see it.
    Not nestable: a second flag fails loudly rather than index a batch twice."""
    if connection.dialect.name != "sqlite":
        yield
        return
    last = (await connection.execute(select(func.coalesce(func.max(phone_numbers.c.id), 0)))).scalar_one()
    await connection.execute(_BULK_FLAG)
    try:
        yield
    finally:
        # Also after an error: rows that did land stay findable if the caller goes on in this transaction.
        await connection.execute(_BULK_INDEX, {"last": last})
        await connection.execute(_BULK_UNFLAG)
