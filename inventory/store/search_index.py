"""The trigram index behind substring search on SQLite, and when to use it.

Results are ordered by number and paged (`ORDER BY number LIMIT 26`). For a common substring (`555`,
`seattle`) walking the number index and testing each row finds a page within a few hundred rows; for a
rare one (`98765` among 1,000,000 numbers) the same walk reads every row. The trigram index finds rare
matches at once but must fetch and sort every match, which is slow for common ones. So we first count, in
the index alone, up to `SPARSE` rows holding every trigram of the search: fewer, and the search runs among
them; more, and matches are dense enough that the ordered walk reaches a page soon.

The index (`phone_numbers_text`, FTS5 with the trigram tokenizer, migration 0021) covers the number and
`search_text`, which holds the holder's name and UPN, location, range, carrier, pool and tags; triggers keep
it in step with every write. It is a candidate filter only: the LIKE conditions still decide each row.
PostgreSQL needs none of this: its pg_trgm GIN indexes and statistics let the planner make the same choice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import Column, ColumnElement, Integer, MetaData, String, Table, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.store.tables import phone_numbers

# At 1,000,000 numbers, 2,000 candidates fetch and sort in about a millisecond, and a denser substring
# (one row in 500 or more) gives a page of 25 within about 13,000 index entries of the ordered walk.
SPARSE = 2_000

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


def trigrams(like_patterns: Iterable[str]) -> list[str]:
    """Every trigram a row must hold to match all of `like_patterns` (unescaped LIKE patterns)."""
    found: dict[str, None] = {}
    for pattern in like_patterns:
        for literal in _WILDCARDS.split(pattern.lower()):
            for start in range(len(literal) - 2):
                found[literal[start : start + 3]] = None
    return list(found)


def match_expression(grams: list[str]) -> str:
    """An FTS5 query: each trigram a quoted string (no operator can hide in one), all of them required."""
    return " ".join('"' + gram.replace('"', '""') + '"' for gram in grams)


async def narrowing(connection: AsyncConnection, like_patterns: list[str]) -> ColumnElement[bool] | None:
    """`id IN (candidates)` when the trigram index says the matches are few; None to walk in number order."""
    if connection.dialect.name != "sqlite" or not like_patterns:
        return None
    grams = trigrams(like_patterns)
    if not grams:
        return None  # no run of three characters (`*00`): nothing to look up, and such searches match many
    candidates = select(phone_numbers_text.c.rowid).where(
        text("phone_numbers_text MATCH :trigrams").bindparams(trigrams=match_expression(grams))
    )
    counted = select(func.count()).select_from(candidates.limit(SPARSE + 1).subquery())
    if (await connection.execute(counted)).scalar_one() > SPARSE:
        return None
    return phone_numbers.c.id.in_(candidates)
