"""The numbers a sync can call unchanged in SQL: Teams and the inventory agree on every field the diff compares.

On a re-sync almost every number is unchanged, and building a Python record of each side only for the
diff to find them equal is most of the work. A number is *settled* when the diff (`inventory.sync.diff`)
could not propose anything for it: Teams reports it once, no other account's settings list it, and each
field the diff compares is already what the diff would propose — holder id, name, UPN and policy for a
held number; no holder at all for a free one; number type, emergency location, location and Teams' state
for both. Anything else (a holder Teams cannot resolve, a local reservation, a number on two accounts,
a repeated report) is left to the diff in Python, which is where the rules live; this predicate only
ever answers "certainly unchanged", and the storage tests compare both ways on every database.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, literal, or_
from sqlalchemy.sql.selectable import NamedFromClause

from inventory.model import AccountType, ActivationState, NumberStatus
from inventory.ports.phone_system import TeamsAssignmentStatus
from inventory.store.tables import sync_staged_accounts, sync_staged_claims, sync_staged_names, sync_staged_numbers

_UNASSIGNED = TeamsAssignmentStatus.UNASSIGNED.value
_USED = NumberStatus.USED.value
_UNRESOLVED = AccountType.UNRESOLVED.value
_ACTIVATED = ActivationState.ACTIVATED.value


def settled(
    run_id: str, s: NamedFromClause, p: NamedFromClause, a: NamedFromClause, n: NamedFromClause
) -> ColumnElement[bool]:
    """True where staged number `s` (of `run_id`) and inventory row `p` are the same number and the diff
    would find nothing to change. `a` and `n` are the staged account and Entra name of `s`'s holder,
    joined beside it (`holder_joins`): a join is one lookup each, where subqueries were three."""
    return and_(
        p.c.number == s.c.number,
        p.c.extension == s.c.extension,
        reported_once(run_id, s),
        claimed_by_holder_only(run_id, s),
        or_(p.c.assignee_type.is_(None), p.c.assignee_type != _UNRESOLVED),
        or_(s.c.number_type.is_(None), s.c.number_type == p.c.number_type),
        or_(_blank(s.c.location_id), s.c.location_id == p.c.emergency_location_id),
        or_(~_blank(p.c.location), s.c.city.is_not_distinct_from(p.c.location)),
        _state(s.c.activation_state) == _state(p.c.activation_state),
        or_(and_(held(s), _held_alike(s, p, a, n)), and_(~held(s), _free_alike(p))),
    )


def holder_joins(run_id: str, joined: Any, s: NamedFromClause) -> Any:
    """`joined` (which holds staged numbers `s`) with the staged account of each number's holder and its Entra
    name, joined one after the other (SQLite materializes a nested join and scans it for every number)."""
    a, n = sync_staged_accounts.c, sync_staged_names.c
    return joined.outerjoin(sync_staged_accounts, and_(held(s), a.run_id == run_id, a.id == s.c.holder_id)).outerjoin(
        sync_staged_names, and_(n.run_id == run_id, n.id == a.id)
    )


def _held_alike(s: NamedFromClause, p: NamedFromClause, a: NamedFromClause, n: NamedFromClause) -> ColumnElement[bool]:
    """Teams and the inventory name the same holder, with the same name, UPN and policy."""
    return and_(
        p.c.status == _USED,
        p.c.assignee_id == s.c.holder_id,
        a.c.id.is_not(None),
        _or_else(a.c.display_name, n.c.display_name).is_not_distinct_from(p.c.assignee_name),
        _or_else(a.c.upn, n.c.upn).is_not_distinct_from(p.c.assignee_upn),
        not_empty(a.c.display_name),
        not_empty(a.c.upn),
        a.c.voice_routing_policy.is_not_distinct_from(p.c.voice_routing_policy),
    )


def _free_alike(p: NamedFromClause) -> ColumnElement[bool]:
    """Teams has nobody on it, and neither has the inventory."""
    return and_(
        p.c.status != _USED,
        p.c.assignee_name.is_(None),
        p.c.assignee_upn.is_(None),
        p.c.voice_routing_policy.is_(None),
    )


def reported_once(run_id: str, s: NamedFromClause) -> ColumnElement[bool]:
    """Teams reported staged number `s` once in this run."""
    other = sync_staged_numbers.alias("again")
    return ~exists().where(
        other.c.run_id == run_id,
        other.c.number == s.c.number,
        other.c.extension == s.c.extension,
        other.c.seq != s.c.seq,
    ).correlate_except(other)


def claimed_by_holder_only(run_id: str, s: NamedFromClause) -> ColumnElement[bool]:
    """No account's settings list staged number `s` but its holder's (none at all when nobody holds it)."""
    c = sync_staged_claims.c
    return ~exists().where(
        c.run_id == run_id,
        c.number == s.c.number,
        c.extension == s.c.extension,
        or_(s.c.holder_id.is_(None), s.c.assignment_status == _UNASSIGNED, c.account_id != s.c.holder_id),
    ).correlate_except(sync_staged_claims)


def _blank(column: Any) -> ColumnElement[bool]:
    return or_(column.is_(None), column == "")


def _or_else(first: Any, second: Any) -> Any:
    # `named`'s `first or second` where `first` is not "" (`not_empty`: that case is left to the diff).
    return case((first.is_(None), second), else_=first)


def held(s: NamedFromClause) -> ColumnElement[bool]:
    """Someone holds staged number `s` (`TeamsNumber.is_assigned`)."""
    return and_(s.c.holder_id.is_not(None), s.c.assignment_status != _UNASSIGNED)


def not_empty(column: Any) -> ColumnElement[bool]:
    """NULL or text, not "" (which Python's `or` in `named` reads as missing)."""
    return or_(column.is_(None), column != "")


def _state(column: Any) -> Any:
    # The diff's `_state`: no state reads as activated.
    return case((_blank(column), literal(_ACTIVATED)), else_=column)
