"""The sync diff: what Teams says against what the inventory holds. Pure: data in, changes out.

Teams is the truth for *who holds a number*; the inventory is the truth for numbers nobody holds
(Teams does not know a Direct Routing number until it is assigned). So:
- a number Teams has that the inventory lacks is *added* (used with its holder, or available);
- a difference in holder, policy, status, type, emergency location or Teams' activation state is an
  *update*, field by field;
- a number Teams holds for an id it cannot resolve (a deleted user, a third-party app, an unknown id)
  is added or updated as used by an *unresolved* holder (its id and Teams' assignmentStatus): Teams
  says it is taken, so it must never be offered; the review says so once, and a later sync finds the
  row as Teams has it (unchanged), so it never stops a picker at a drift review again;
- *drift* is everything a person should look at before it is applied: the inventory says used but
  Teams says nobody (release), Teams has it on two accounts (nothing we can fix), or a local
  reservation, quarantine or block that Teams overrides.
A number Teams shows unassigned that is reserved, quarantined or blocked locally keeps its status.
Numbers match on E.164 plus extension (`TeamsNumber.key`, `LocalNumber.key`): Teams reports a
Direct Routing extension as `;ext=` in both the number list and userConfigurations.
"""

from __future__ import annotations

from collections.abc import Iterable

from inventory.model import AccountType, ActivationState, NumberStatus, NumberType
from inventory.ports.phone_system import TeamsAccount, TeamsNumber, TeamsSnapshot
from inventory.sync.changes import ADD, DRIFT, UPDATE, Change, Diff, LocalNumber, Proposal

_LOCAL_HOLDS = (NumberStatus.RESERVED, NumberStatus.QUARANTINED, NumberStatus.BLOCKED)


def compute_diff(
    local: Iterable[LocalNumber],
    snapshot: TeamsSnapshot,
    *,
    default_type: NumberType = NumberType.DIRECT_ROUTING,
    in_flight: frozenset[str] = frozenset(),
) -> Diff:
    """Compare every number once; O(numbers), no I/O. Written for 100,000 numbers in about a second.

    Numbers `in_flight` (a Teams operation of ours is pending on them) are left out: Teams may already
    show the new holder while the inventory records it a moment later, and that is not drift.
    """
    local_by_number = {row.key: row for row in local}
    teams_by_number, reported_twice = _group(snapshot.numbers)
    claims, claimed_twice = _claims_by_account(snapshot.accounts.values())
    accounts = snapshot.accounts
    changes: list[Change] = []
    unchanged = 0
    for number in sorted(teams_by_number):
        entry = teams_by_number[number]
        row = local_by_number.pop(number, None)
        if number in in_flight:
            unchanged += 1
            continue
        holder = entry.holder_id if entry.is_assigned else None
        claimant = claims.get(number)
        if number in reported_twice or number in claimed_twice or (claimant and holder and claimant != holder):
            holders = reported_twice.get(number, set()) | claimed_twice.get(number, set())
            holders |= {h for h in (holder, claimant) if h}
            if len(holders) > 1:
                changes.append(_double(entry, row, holders, accounts, default_type))
                continue
        change = _compare(entry, row, accounts, default_type)
        if change is None:
            unchanged += 1
        else:
            changes.append(change)
    for row in local_by_number.values():
        if row.status is NumberStatus.USED and row.assignee_id and row.key not in in_flight:
            changes.append(_release(row, "Teams does not know this number any more."))
        else:
            unchanged += 1
    # Numbers were visited in order, so a stable sort by category keeps each category in number order.
    changes.sort(key=_category_of)
    return Diff(changes, unchanged)


def _category_of(change: Change) -> str:
    return change.category


def _group(numbers: Iterable[TeamsNumber]) -> tuple[dict[str, TeamsNumber], dict[str, set[str]]]:
    """One entry per number (an assigned one when Teams lists several), and the holders of numbers
    Teams reported more than once with different holders. The same number and holder twice counts once.
    """
    grouped: dict[str, TeamsNumber] = {}
    twice: dict[str, set[str]] = {}
    for entry in numbers:
        key = entry.key
        first = grouped.setdefault(key, entry)
        if first is entry or first.holder_id == entry.holder_id:
            continue
        if entry.is_assigned and not first.is_assigned:
            grouped[key] = entry
        holders = {e.holder_id for e in (first, entry) if e.is_assigned and e.holder_id}
        twice.setdefault(key, set()).update(holders)
    return grouped, twice


def _claims_by_account(accounts: Iterable[TeamsAccount]) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Which account userConfigurations lists each number on, and the numbers listed on several."""
    claims: dict[str, str] = {}
    twice: dict[str, set[str]] = {}
    for account in accounts:
        for number in account.numbers:
            first = claims.setdefault(number, account.id)
            if first != account.id:
                twice.setdefault(number, {first}).add(account.id)
    return claims, twice


def _compare(
    teams: TeamsNumber,
    row: LocalNumber | None,
    accounts: dict[str, TeamsAccount],
    default_type: NumberType,
) -> Change | None:
    holder_id = teams.holder_id if teams.is_assigned else None
    account = accounts.get(holder_id) if holder_id else None
    number_type = teams.number_type or (row.number_type if row else default_type)
    if holder_id and account is None:
        return _unresolved(teams, holder_id, row, number_type)
    if account is not None:
        proposal = _held_by(account, teams, number_type, row)
        if row is None:
            return _change(ADD, "new", teams, proposal, None)
        if row.status in _LOCAL_HOLDS:
            note = f"It is {row.status.value} here, but Teams assigns it to {account.label}."
            return _change(DRIFT, "override", teams, proposal, row, note)
        return _change(UPDATE, "fields", teams, proposal, row)
    # Teams knows the number and nobody holds it.
    if row is None:
        proposal = Proposal(
            NumberStatus.AVAILABLE,
            number_type,
            emergency_location_id=teams.location_id,
            location=teams.city,
            activation_state=teams.activation_state,
        )
        return _change(ADD, "new", teams, proposal, None)
    if row.status is NumberStatus.USED:
        return _release(row, "Teams shows it unassigned.")
    proposal = Proposal(
        row.status,
        number_type,
        emergency_location_id=teams.location_id or row.emergency_location_id,
        location=_location(row, teams),
        activation_state=teams.activation_state,
    )
    return _change(UPDATE, "fields", teams, proposal, row)


def _unresolved(teams: TeamsNumber, holder_id: str, row: LocalNumber | None, number_type: NumberType) -> Change | None:
    """Teams holds it for an id that is no user or resource account it lists: used, holder unresolved."""
    how = teams.assignment_status.value
    proposal = Proposal(
        NumberStatus.USED,
        number_type,
        assignee_id=holder_id,
        assignee_type=AccountType.UNRESOLVED,
        assignee_assignment=how,
        emergency_location_id=teams.location_id or (row.emergency_location_id if row else None),
        location=_location(row, teams),
        activation_state=teams.activation_state,
    )
    note = (
        f"Teams holds it for {holder_id} ({how}), which is no user or resource account Teams lists "
        "(a deleted user, a third-party app or an unknown id): recorded as used by an unresolved holder."
    )
    if row is None:
        return _change(ADD, "unresolved", teams, proposal, None, note)
    if row.status in _LOCAL_HOLDS:
        held = f"It is {row.status.value} here, but Teams holds it for {holder_id} ({how}), an unresolved account."
        return _change(DRIFT, "override", teams, proposal, row, held)
    return _change(UPDATE, "unresolved", teams, proposal, row, note)


def _held_by(account: TeamsAccount, teams: TeamsNumber, number_type: NumberType, row: LocalNumber | None) -> Proposal:
    kind = account.account_type if account.account_type is not None else AccountType.USER
    return Proposal(
        NumberStatus.USED,
        number_type,
        assignee_id=account.id,
        assignee_upn=account.upn,
        assignee_name=account.display_name,
        assignee_type=kind,
        voice_routing_policy=account.voice_routing_policy,
        emergency_location_id=teams.location_id or (row.emergency_location_id if row else None),
        location=_location(row, teams),
        activation_state=teams.activation_state,
    )


def _location(row: LocalNumber | None, teams: TeamsNumber) -> str | None:
    # The operator's own site label wins; Teams' city only fills an empty one.
    return row.location if row and row.location else teams.city


def _release(row: LocalNumber, why: str) -> Change:
    proposal = Proposal(
        NumberStatus.AVAILABLE, row.number_type, emergency_location_id=row.emergency_location_id, location=row.location
    )
    holder = row.assignee_name or row.assignee_upn or row.assignee_id
    note = f"The inventory has it on {holder}, but {why[0].lower()}{why[1:]} Proposed: release it."
    fields = _field_changes(row, proposal)
    return Change(DRIFT, "release", row.number, proposal, fields, row.id, row.version, note, row.extension)


def _double(
    teams: TeamsNumber,
    row: LocalNumber | None,
    holders: set[str],
    accounts: dict[str, TeamsAccount],
    default_type: NumberType,
) -> Change:
    names = sorted(accounts[h].label if h in accounts else h for h in holders)
    proposal = Proposal(
        None, row.number_type if row else default_type, activation_state=row.activation_state if row else None
    )
    note = f"Teams shows it on {len(names)} accounts ({', '.join(names)}); fix it in Teams, then sync again."
    row_id, version = (row.id, row.version) if row else (None, None)
    return Change(DRIFT, "double", teams.number, proposal, (), row_id, version, note, teams.extension)


def _change(
    category: str, kind: str, teams: TeamsNumber, proposal: Proposal, row: LocalNumber | None, note: str | None = None
) -> Change | None:
    if row is None:
        # An add shows its proposal whole; a field-by-field list would be every field against nothing.
        return Change(category, kind, teams.number, proposal, (), None, None, note, teams.extension)
    fields = _field_changes(row, proposal)
    if not fields:
        return None
    return Change(category, kind, teams.number, proposal, fields, row.id, row.version, note, teams.extension)


def _field_changes(row: LocalNumber, proposal: Proposal) -> tuple[tuple[str, str | None, str | None], ...]:
    old = {
        "status": row.status.value,
        "holder": _unresolved_holder(row.assignee_type, row.assignee_assignment),
        "display name": row.assignee_name,
        "UPN": row.assignee_upn,
        "policy": row.voice_routing_policy,
        "number type": row.number_type.value,
        "emergency location": row.emergency_location_id,
        "location": row.location,
        "Teams state": _state(row.activation_state),
    }
    new = {
        "status": proposal.status.value if proposal.status else row.status.value,
        "holder": _unresolved_holder(proposal.assignee_type, proposal.assignee_assignment),
        "display name": proposal.assignee_name,
        "UPN": proposal.assignee_upn,
        "policy": proposal.voice_routing_policy,
        "number type": proposal.number_type.value,
        "emergency location": proposal.emergency_location_id,
        "location": proposal.location,
        "Teams state": _state(proposal.activation_state),
    }
    changes = [(name, old.get(name), value) for name, value in new.items() if old.get(name) != value]

    if row.assignee_id and proposal.assignee_id and row.assignee_id != proposal.assignee_id:
        # Another account took the number (names can repeat): say so even when names match.
        changes.insert(0, ("holder id", row.assignee_id, proposal.assignee_id))
    return tuple(changes)


def _unresolved_holder(kind: AccountType | None, assignment: str | None) -> str | None:
    """A line only when a holder becomes, or stops being, unresolved (user -> resource account is no news)."""
    if kind is not AccountType.UNRESOLVED:
        return None
    return f"unresolved ({assignment})" if assignment else "unresolved"


def _state(state: ActivationState | None) -> str:
    # "Teams does not say" and "active" offer the number alike: only a move to or from a pending, failed or
    # unknown state is news (so the first sync after upgrading, or after our own assignment, stays quiet).
    return state.value if state is not None else ActivationState.ACTIVATED.value
