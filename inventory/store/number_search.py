"""A `NumberQuery` as SQL: filters, free text and digit patterns, keyset pages ordered by number.

Keyset (`WHERE (number, extension) > (:last_number, :last_extension)`) rather than OFFSET: page 400
costs what page 1 costs, and a number added meanwhile never shifts a page under the operator.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.model import ActivationState, NumberStatus
from inventory.number_query import NumberQuery, Page, decode_cursor, encode_cursor
from inventory.store import search_index
from inventory.store.number_rows import from_table_row
from inventory.store.tables import phone_numbers

MAX_PAGE = 10_000  # callers facing people page far smaller; exports read big pages
_DIGIT_PATTERN = re.compile(r"^\+?[\d\s().\-*?#x]+$", re.IGNORECASE)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _digit_like(pattern: str) -> str | None:
    """The LIKE pattern of a digit search, or None for a `+` prefix (a range on the number index)."""
    cleaned = re.sub(r"[\s().\-]", "", pattern)
    if "*" in cleaned or "?" in cleaned:
        like = re.sub(r"\*{2,}", lambda run: "?" * len(run.group()), _like_escape(cleaned))
        like = like.replace("*", "%").replace("?", "_")
        return like if like.startswith("+") else "%" + like
    if cleaned.startswith("+"):
        return None
    return "%" + _like_escape(cleaned) + "%"


def digit_condition(pattern: str) -> ColumnElement[bool]:
    """`+1555` -> starts with; `555` -> contains; with `*`/`?` a glob over the whole E.164 number.

    A glob is anchored at the end (`*1234` ends with 1234) and, when it starts with `+`, at the start;
    without a `+` it may begin anywhere, since nobody types the country code of their own area. A lone
    `*` is any digits; two or more in a row are one digit each (`+1425555****`: that block of 10,000).
    """
    like = _digit_like(pattern)
    if like is None:
        return _starts_with(re.sub(r"[\s().\-]", "", pattern))
    condition = phone_numbers.c.number.like(like, escape="\\")
    head = _head(like)
    # `+1425555****` is also a range of the number index: without it the walk starts at the first number.
    return and_(_starts_with(head), condition) if len(head) > 1 else condition


def _head(like: str) -> str:
    """The literal start of a LIKE pattern (before its first wildcard or escape)."""
    return re.split(r"[%_\\]", like, maxsplit=1)[0]


def _after_head(like: str | None) -> str | None:
    """A number pattern without the head its range already covers: `+1425%0000` -> `%0000`. Asking the
    trigram index for `^+1425` as well only reads a long list: every number starts with `+1`."""
    if like is None or len(_head(like)) <= 1:
        return like
    return "%" + like[len(_head(like)) :]


def _starts_with(prefix: str) -> ColumnElement[bool]:
    # A range scan on the unique index: much faster than LIKE 'x%', which SQLite won't index.
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1) if len(prefix) > 1 else "+~"
    return and_(phone_numbers.c.number >= prefix, phone_numbers.c.number < upper)


def _is_digits(text: str) -> bool:
    return bool(_DIGIT_PATTERN.match(text)) and any(ch.isdigit() for ch in text)


def _text_like(text: str) -> str:
    return "%" + _like_escape(text.lower()) + "%"


def _text_condition(text: str) -> ColumnElement[bool]:
    if _is_digits(text):
        return digit_condition(text)
    return phone_numbers.c.search_text.like(_text_like(text), escape="\\")


def substring_terms(query: NumberQuery) -> list[str]:
    """What the trigram index can narrow `query` by (FTS5 terms): number, free text, holder, repeats.

    Free text and holder both match `search_text` (which starts with the holder text), so a row matching
    `query` holds every term. Patterns with an escaped `%`, `_` or `\\` are left to the LIKEs.
    """
    likes: list[tuple[str, str | None]] = []
    text = query.text.strip() if query.text else ""
    if text:
        if _is_digits(text):
            likes.append(("number", _after_head(_digit_like(text))))
        else:
            likes.append(("search_text", _text_like(text)))
    if query.digits:
        likes.append(("number", _after_head(_digit_like(query.digits))))
    if query.assignee:  # not the tag: `search_text` is cut at 1,200 characters, and tags come last in it
        likes.append(("search_text", _text_like(query.assignee)))
    terms = [search_index.like_term(column, like) for column, like in likes if like and "\\" not in like]
    if query.repeated_digits and query.repeated_digits >= 3:
        terms.append(search_index.any_term("number", (digit * query.repeated_digits for digit in "0123456789")))
    return [term for term in terms if term]


def _ci_equals(column: ColumnElement[str | None], value: str) -> ColumnElement[bool]:
    return func.lower(column) == value.lower()


def build_query(query: NumberQuery) -> Select[tuple[object, ...]]:
    conditions: list[ColumnElement[bool]] = [phone_numbers.c.tenant == query.tenant]
    if query.text and query.text.strip():
        conditions.append(_text_condition(query.text.strip()))
    if query.digits:
        conditions.append(digit_condition(query.digits))
    if query.statuses:
        conditions.append(phone_numbers.c.status.in_([s.value for s in query.statuses]))
    if query.number_type:
        conditions.append(phone_numbers.c.number_type == query.number_type.value)
    if query.location:
        conditions.append(_ci_equals(phone_numbers.c.location, query.location))
    if query.pool:
        conditions.append(_ci_equals(phone_numbers.c.pool, query.pool))
    if query.range_label:
        conditions.append(phone_numbers.c.range_label == query.range_label)
    if query.carrier:
        conditions.append(_ci_equals(phone_numbers.c.carrier, query.carrier))
    if query.assignee:
        conditions.append(phone_numbers.c.holder_text.like(_text_like(query.assignee), escape="\\"))
    if query.tag:
        conditions.append(phone_numbers.c.tags.like("%," + _like_escape(query.tag) + ",%", escape="\\"))
    if query.reservations_only:
        conditions.append(phone_numbers.c.status == NumberStatus.RESERVED.value)
        conditions.append(phone_numbers.c.hold_owner.not_like("flow:%"))
    if query.hold_owner:
        conditions.append(phone_numbers.c.hold_owner == query.hold_owner)
    if query.reserved_for:
        conditions.append(phone_numbers.c.status == NumberStatus.RESERVED.value)
        conditions.append(phone_numbers.c.hold_for_id == query.reserved_for)
    if query.repeated_digits:
        # Ten LIKEs rather than a regular expression: SQLite has none built in, and both databases run these.
        runs = [phone_numbers.c.number.like("%" + digit * query.repeated_digits + "%") for digit in "0123456789"]
        conditions.append(or_(*runs))
    if query.exclude_ids:
        conditions.append(phone_numbers.c.id.not_in(query.exclude_ids))
    if query.offerable_only:
        state = phone_numbers.c.activation_state
        conditions.append(or_(state.is_(None), state == ActivationState.ACTIVATED.value))
    return select(phone_numbers).where(*conditions)


async def search_numbers(
    connection: AsyncConnection, query: NumberQuery, *, limit: int = 25, after: str | None = None
) -> Page:
    """One page of matches ordered by number; pass `next_cursor` back as `after` for the next page."""
    limit = max(1, min(limit, MAX_PAGE))
    statement = await _narrowed(connection, query)
    if after:
        last_number, last_extension = decode_cursor(after)
        statement = statement.where(
            tuple_(phone_numbers.c.number, phone_numbers.c.extension) > tuple_(last_number, last_extension)
        )
    statement = statement.order_by(phone_numbers.c.number, phone_numbers.c.extension).limit(limit + 1)
    items = [from_table_row(row) for row in await connection.execute(statement)]
    more = len(items) > limit
    items = items[:limit]
    return Page(items, encode_cursor(items[-1]) if more and items else None)


async def count_numbers(connection: AsyncConnection, query: NumberQuery, *, at_most: int | None = None) -> int:
    """How many numbers match; with `at_most`, counting stops at `at_most + 1` (a card says "more than").

    A search box counts on every keystroke: at 1,000,000 numbers an uncapped count of `555` reads them all.
    """
    matches = await _narrowed(connection, query)
    if at_most is not None:
        matches = matches.limit(at_most + 1)
    statement = select(func.count()).select_from(matches.subquery())
    return int((await connection.execute(statement)).scalar_one())


async def _narrowed(connection: AsyncConnection, query: NumberQuery) -> Select[tuple[object, ...]]:
    """`build_query`, among the trigram index's candidates when a substring's matches are few."""
    statement = build_query(query)
    terms = substring_terms(query)
    if not terms:
        return statement
    if connection.dialect.name == "postgresql":
        candidates = await search_index.few_matches(connection, statement)
    else:
        candidates = await search_index.narrowing(connection, terms)
    return statement if candidates is None else statement.where(candidates)


FACETS = {"location": phone_numbers.c.location, "pool": phone_numbers.c.pool, "range": phone_numbers.c.range_label}


async def available_by(connection: AsyncConnection, tenant: str, facet: str) -> list[tuple[str, int]]:
    """How many available numbers each location, pool or range has (largest first), for choosing a source."""
    column = FACETS[facet]
    query = (
        select(column, func.count())
        .where(phone_numbers.c.tenant == tenant, phone_numbers.c.status == NumberStatus.AVAILABLE.value)
        .where(column.is_not(None))
        .group_by(column)
        .order_by(func.count().desc(), column)
        .limit(50)
    )
    return [(str(value), int(count)) for value, count in await connection.execute(query)]


async def status_counts_by_pool(
    connection: AsyncConnection, tenant: str, pools: Collection[str] | None = None
) -> list[tuple[str | None, str, int]]:
    """(pool, status, count) for every pool of `tenant` (None: numbers in no pool), one grouped scan;
    with `pools`, of those only (the (tenant, pool, status) index reads just their rows)."""
    pool, status = phone_numbers.c.pool, phone_numbers.c.status
    where = phone_numbers.c.tenant == tenant
    if pools is not None:
        where = where & pool.in_(list(pools))
    query = select(pool, status, func.count()).where(where).group_by(pool, status).order_by(pool, status)
    return [(value, str(state), int(count)) for value, state, count in await connection.execute(query)]


async def available_up_to(connection: AsyncConnection, tenant: str, pool: str, limit: int) -> int:
    """How many of `pool`'s numbers are available, counting no further than `limit`: a range of the
    (tenant, pool, status) index that stops at `limit` entries, however large the pool."""
    first = (
        select(phone_numbers.c.id)
        .where(
            (phone_numbers.c.tenant == tenant)
            & (phone_numbers.c.pool == pool)
            & (phone_numbers.c.status == NumberStatus.AVAILABLE.value)
        )
        .limit(limit)
        .subquery()
    )
    return int((await connection.execute(select(func.count()).select_from(first))).scalar_one())
