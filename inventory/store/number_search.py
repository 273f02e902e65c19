"""A `NumberQuery` as SQL: filters, free text and digit patterns, keyset pages ordered by number.

Keyset (`WHERE (number, extension) > (:last_number, :last_extension)`) rather than OFFSET: page 400
costs what page 1 costs, and a number added meanwhile never shifts a page under the operator.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, or_, select, tuple_
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


def _digit_plan(field: str, pattern: str) -> tuple[str, dict[str, Any]]:
    """The condition kind and bound values of a digit search typed into `field` (text or digits).

    `+1555` -> starts with; `555` -> contains; with `*`/`?` a glob over the whole E.164 number.
    A glob is anchored at the end (`*1234` ends with 1234) and, when it starts with `+`, at the start;
    without a `+` it may begin anywhere, since nobody types the country code of their own area. A lone
    `*` is any digits; two or more in a row are one digit each (`+1425555****`: that block of 10,000).
    """
    like = _digit_like(pattern)
    if like is None:
        return f"{field}:range", _range_values(field, re.sub(r"[\s().\-]", "", pattern))
    head = _head(like)
    # `+1425555****` is also a range of the number index: without it the walk starts at the first number.
    if len(head) > 1:
        return f"{field}:range+like", {**_range_values(field, head), f"{field}_like": like}
    return f"{field}:like", {f"{field}_like": like}


def _head(like: str) -> str:
    """The literal start of a LIKE pattern (before its first wildcard or escape)."""
    return re.split(r"[%_\\]", like, maxsplit=1)[0]


def _after_head(like: str | None) -> str | None:
    """A number pattern without the head its range already covers: `+1425%0000` -> `%0000`. Asking the
    trigram index for `^+1425` as well only reads a long list: every number starts with `+1`."""
    if like is None or len(_head(like)) <= 1:
        return like
    return "%" + like[len(_head(like)) :]


def _range_values(field: str, prefix: str) -> dict[str, Any]:
    # A range scan on the unique index: much faster than LIKE 'x%', which SQLite won't index.
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1) if len(prefix) > 1 else "+~"
    return {f"{field}_from": prefix, f"{field}_to": upper}


def _is_digits(text: str) -> bool:
    return bool(_DIGIT_PATTERN.match(text)) and any(ch.isdigit() for ch in text)


def _text_like(text: str) -> str:
    return "%" + _like_escape(text.lower()) + "%"


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


def plan(query: NumberQuery) -> tuple[tuple[str, ...], dict[str, Any]]:
    """`query` as its shape (which conditions, of which kind) and the values bound into them.

    Searches of one shape share one statement (`statement_of`): building and cache-keying a fresh
    SQLAlchemy statement per keystroke was a fifth of a digit search's CPU.
    """
    shape: list[str] = []
    values: dict[str, Any] = {"tenant": query.tenant}

    def add(kind: str, **bound: Any) -> None:
        shape.append(kind)
        values.update(bound)

    text = query.text.strip() if query.text else ""
    if text and _is_digits(text):
        kind, bound = _digit_plan("text", text)
        add(kind, **bound)
    elif text:
        add("text:words", text_like=_text_like(text))
    if query.digits:
        kind, bound = _digit_plan("digits", query.digits)
        add(kind, **bound)
    if query.statuses:
        add("statuses", statuses=[status.value for status in query.statuses])
    if query.number_type:
        add("number_type", number_type=query.number_type.value)
    if query.location:
        add("location", location=query.location.lower())
    if query.pool:
        add("pool", pool=query.pool.lower())
    if query.range_label:
        add("range_label", range_label=query.range_label)
    if query.carrier:
        add("carrier", carrier=query.carrier.lower())
    if query.assignee:
        add("assignee", assignee_like=_text_like(query.assignee))
    if query.tag:
        add("tag", tag_like="%," + _like_escape(query.tag) + ",%")
    if query.reservations_only:
        add("reservations_only")
    if query.hold_owner:
        add("hold_owner", hold_owner=query.hold_owner)
    if query.reserved_for:
        add("reserved_for", reserved_for=query.reserved_for)
    if query.repeated_digits:
        add(
            "repeated_digits",
            **{f"repeat_{digit}": "%" + digit * query.repeated_digits + "%" for digit in "0123456789"},
        )
    if query.exclude_ids:
        add("exclude_ids", exclude_ids=list(query.exclude_ids))
    if query.offerable_only:
        add("offerable_only")
    return tuple(shape), values


def _conditions(kind: str) -> list[ColumnElement[bool]]:
    """The WHERE terms of one shape entry, over the parameters `plan` names for it."""
    c = phone_numbers.c
    field, _, how = kind.partition(":")
    if how in ("range", "range+like"):
        in_range = [c.number >= bindparam(f"{field}_from"), c.number < bindparam(f"{field}_to")]
        return in_range + ([c.number.like(bindparam(f"{field}_like"), escape="\\")] if how == "range+like" else [])
    if how == "like":
        return [c.number.like(bindparam(f"{field}_like"), escape="\\")]
    if how == "words":
        return [c.search_text.like(bindparam("text_like"), escape="\\")]
    if kind in ("location", "pool", "carrier"):
        return [func.lower(c[kind]) == bindparam(kind)]
    if kind in ("number_type", "range_label", "hold_owner"):
        return [c[kind] == bindparam(kind)]
    if kind == "statuses":
        return [c.status.in_(bindparam("statuses", expanding=True))]
    if kind == "assignee":
        return [c.holder_text.like(bindparam("assignee_like"), escape="\\")]
    if kind == "tag":
        return [c.tags.like(bindparam("tag_like"), escape="\\")]
    if kind == "reservations_only":
        return [c.status == NumberStatus.RESERVED.value, c.hold_owner.not_like("flow:%")]
    if kind == "reserved_for":
        return [c.status == NumberStatus.RESERVED.value, c.hold_for_id == bindparam("reserved_for")]
    if kind == "repeated_digits":
        # Ten LIKEs rather than a regular expression: SQLite has none built in, and both databases run these.
        return [or_(*(c.number.like(bindparam(f"repeat_{digit}")) for digit in "0123456789"))]
    if kind == "exclude_ids":
        return [c.id.not_in(bindparam("exclude_ids", expanding=True))]
    if kind == "offerable_only":
        return [or_(c.activation_state.is_(None), c.activation_state == ActivationState.ACTIVATED.value)]
    raise ValueError(f"no search condition {kind!r}")


@lru_cache(maxsize=512)
def statement_of(shape: tuple[str, ...]) -> Select[tuple[object, ...]]:
    """The matches of a query of `shape`, every value a named parameter (see `plan`)."""
    conditions = [phone_numbers.c.tenant == bindparam("tenant")]
    for kind in shape:
        conditions.extend(_conditions(kind))
    return select(phone_numbers).where(*conditions)


def _paged(statement: Select[tuple[object, ...]], after: bool, limit: int) -> Select[tuple[object, ...]]:
    if after:
        keyset = tuple_(bindparam("after_number"), bindparam("after_extension"))
        statement = statement.where(tuple_(phone_numbers.c.number, phone_numbers.c.extension) > keyset)
    return statement.order_by(phone_numbers.c.number, phone_numbers.c.extension).limit(limit + 1)


@lru_cache(maxsize=512)
def _page_of(shape: tuple[str, ...], after: bool, limit: int) -> Select[tuple[object, ...]]:
    return _paged(statement_of(shape), after, limit)


async def search_numbers(
    connection: AsyncConnection, query: NumberQuery, *, limit: int = 25, after: str | None = None
) -> Page:
    """One page of matches ordered by number; pass `next_cursor` back as `after` for the next page."""
    limit = max(1, min(limit, MAX_PAGE))
    shape, values = plan(query)
    candidates = await _candidates(connection, query, shape, values)
    # Unnarrowed (most searches), the whole page statement is shared by every query of its shape.
    if candidates is None:
        statement = _page_of(shape, bool(after), limit)
    else:
        statement = _paged(statement_of(shape).where(candidates), bool(after), limit)
    if after:
        values["after_number"], values["after_extension"] = decode_cursor(after)
    items = [from_table_row(row) for row in await connection.execute(statement, values)]
    more = len(items) > limit
    items = items[:limit]
    return Page(items, encode_cursor(items[-1]) if more and items else None)


async def count_numbers(connection: AsyncConnection, query: NumberQuery, *, at_most: int | None = None) -> int:
    """How many numbers match; with `at_most`, counting stops at `at_most + 1` (a card says "more than").

    A search box counts on every keystroke: at 1,000,000 numbers an uncapped count of `555` reads them all.
    """
    shape, values = plan(query)
    candidates = await _candidates(connection, query, shape, values)
    matches = statement_of(shape) if candidates is None else statement_of(shape).where(candidates)
    if at_most is not None:
        matches = matches.limit(at_most + 1)
    statement = select(func.count()).select_from(matches.subquery())
    return int((await connection.execute(statement, values)).scalar_one())


async def _candidates(
    connection: AsyncConnection, query: NumberQuery, shape: tuple[str, ...], values: dict[str, Any]
) -> ColumnElement[bool] | None:
    """The trigram index's candidates for `query` when a substring's matches are few; None to walk."""
    terms = substring_terms(query)
    if not terms:
        return None
    if connection.dialect.name == "postgresql":
        return await search_index.few_matches(connection, statement_of(shape), values)
    return await search_index.narrowing(connection, terms)


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
