"""The adds a sync decides in SQL: numbers Teams reports that the inventory lacks, with nothing for the diff's rules.

A first sync of 1,000,000 numbers is 1,000,000 adds, and building a Python record of each staged number,
its account and its change only to write it back as a `sync_changes` row was most of the diff's work.
A staged number is a *plain add* when the inventory has no row for it, Teams reports it once, no other
account's settings list it, no operation of ours is pending on it, and either nobody holds it or a staged
account does, whose display name and UPN are not "" (Python's `or` reads "" as missing; that case is
left to the diff). Such a number's change is exactly what `inventory.sync.diff` proposes for it: an
available number with Teams' location, or a used one with its account's name, UPN, type and policy.
Everything else (an unresolved holder, a number on two accounts, a repeated report) stays with the diff
in Python, where the rules live; the storage tests compare both ways on every database.

The search texts are lower-cased as `search_text_of` does: PostgreSQL's `lower` is Unicode-aware, and
SQLite's (ASCII only) is replaced by Python's own `str.lower`, registered on every connection as
`unicode_lower` (`inventory.store.engine`).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, insert, literal, null, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.selectable import NamedFromClause

from inventory.model import AccountType, NumberStatus, NumberType
from inventory.store.sync_settled import claimed_by_holder_only, held, holder_joins, not_empty, reported_once
from inventory.store.tables import (
    phone_numbers,
    sync_changes,
    sync_staged_accounts,
    sync_staged_names,
    sync_staged_numbers,
)
from inventory.sync.changes import ADD

_MAX_SEARCH_TEXT = 1200  # `search_text_of`'s cut


def plain_add(run_id: str, s: NamedFromClause, a: NamedFromClause, in_flight: Collection[str]) -> ColumnElement[bool]:
    """True where staged number `s` (of `run_id`), which the inventory lacks, is an add the diff would propose
    as it is. `a`: the staged account of its holder, joined beside it (`sync_settled.holder_joins`);
    `in_flight`: the numbers (E.164, any extension) a pending operation of ours is on."""
    conditions = [
        reported_once(run_id, s),
        claimed_by_holder_only(run_id, s),
        or_(~held(s), and_(a.c.id.is_not(None), not_empty(a.c.display_name), not_empty(a.c.upn))),
    ]
    if in_flight:
        conditions.append(s.c.number.not_in(sorted(in_flight)))
    return and_(*conditions)


async def store_plain_adds(
    connection: AsyncConnection,
    run_id: str,
    tenant: str,
    in_range: list[ColumnElement[bool]],
    *,
    default_type: NumberType,
    in_flight: Collection[str],
) -> int:
    """Store as changes of `run_id`, in number order, the plain adds among the staged numbers `in_range`;
    how many."""
    s, a, n, p = sync_staged_numbers.c, sync_staged_accounts.c, sync_staged_names.c, phone_numbers.c
    is_held = held(sync_staged_numbers)
    joined = holder_joins(run_id, sync_staged_numbers, sync_staged_numbers)
    name = case((a.display_name.is_(None), n.display_name), else_=a.display_name)
    upn = case((a.upn.is_(None), n.upn), else_=a.upn)
    location = s.city
    lower = func.lower if connection.dialect.name == "postgresql" else func.unicode_lower
    holder_text = _search_text(lower, name, upn)
    columns: dict[str, Any] = {
        "run_id": literal(run_id),
        "category": literal(ADD),
        "kind": literal("new"),
        "number": s.number,
        "extension": s.extension,
        "status": case((is_held, literal(NumberStatus.USED.value)), else_=literal(NumberStatus.AVAILABLE.value)),
        "number_type": func.coalesce(s.number_type, literal(default_type.value)),
        "assignee_id": a.id,
        "assignee_upn": upn,
        "assignee_name": name,
        "assignee_type": case((is_held, func.coalesce(a.account_type, literal(AccountType.USER.value))), else_=null()),
        "voice_routing_policy": a.voice_routing_policy,
        # The diff's `teams.location_id or row's`: a held number's "" is no location; a free one's is kept.
        "emergency_location_id": case((is_held, func.nullif(s.location_id, "")), else_=s.location_id),
        "location": location,
        "activation_state": func.nullif(s.activation_state, ""),
        "search_text": _search_text(lower, name, upn, location),
        "holder_text": case((is_held, func.nullif(holder_text, "")), else_=null()),
    }
    plain = plain_add(run_id, sync_staged_numbers, sync_staged_accounts, in_flight)
    lacking = ~exists().where(p.tenant == tenant, p.number == s.number, p.extension == s.extension)
    query = (
        select(*columns.values())
        .select_from(joined)
        .where(s.run_id == run_id, *in_range, lacking, plain)
        .order_by(s.number, s.extension)
    )
    result = await connection.execute(insert(sync_changes).from_select(list(columns), query))
    return int(result.rowcount)


def _search_text(lower: Any, *parts: Any) -> Any:
    """`search_text_of(*parts)` in SQL: each non-empty part followed by the separator, the last separator
    taken off, lower-cased, then cut."""
    separator = " | "
    text: Any = literal("")
    for part in parts:
        text = text.op("||")(func.coalesce(func.nullif(part, "").op("||")(literal(separator)), literal("")))
    joined = case((func.length(text) == 0, literal("")), else_=func.substr(text, 1, func.length(text) - len(separator)))
    return func.substr(lower(joined), 1, _MAX_SEARCH_TEXT)
