"""The lifecycle rules of a phone number. Pure: no I/O, no clock reads.

Every transition is a function that takes the current number and returns the next one, or raises
`TransitionRefused` with a sentence that tells the operator what to do instead. Storage applies the
result with a conditional update on `version`, so the rules here and the race guard there compose.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from inventory.errors import TransitionRefused
from inventory.model import RESERVATION_MAX_DAYS, Assignee, Hold, NumberStatus, PhoneNumber, offerable

# Which status may follow which. The functions below are the only way to move along these edges;
# the table exists so tests and the docs can enumerate them.
ALLOWED_TRANSITIONS: dict[NumberStatus, frozenset[NumberStatus]] = {
    NumberStatus.AVAILABLE: frozenset({NumberStatus.USED, NumberStatus.RESERVED, NumberStatus.BLOCKED}),
    NumberStatus.USED: frozenset({NumberStatus.AVAILABLE, NumberStatus.QUARANTINED}),
    NumberStatus.RESERVED: frozenset({NumberStatus.AVAILABLE, NumberStatus.USED, NumberStatus.BLOCKED}),
    NumberStatus.QUARANTINED: frozenset({NumberStatus.AVAILABLE, NumberStatus.BLOCKED}),
    NumberStatus.BLOCKED: frozenset({NumberStatus.AVAILABLE}),
}


def _refuse_unless(number: PhoneNumber, target: NumberStatus, action: str) -> None:
    if target in ALLOWED_TRANSITIONS[number.status]:
        return
    raise TransitionRefused(why_not(number, action))


def why_not(number: PhoneNumber, action: str) -> str:
    """A sentence explaining why `action` cannot happen to `number` in its current state."""
    label = number.label
    if number.status is NumberStatus.USED:
        holder = number.assignee.label if number.assignee else "someone in Teams"
        return f"{label} is used by {holder}; remove it first, then {action} it."
    if number.status is NumberStatus.RESERVED and number.hold:
        until = f" until {number.hold.expires_at:%Y-%m-%d %H:%M} UTC" if number.hold.expires_at else ""
        hold = number.hold
        holder = hold.note or hold.owner
        if hold.owner_name:  # an operator's reservation: who made it, and for whom
            holder = hold.owner_name + (f" for {hold.for_name}" if hold.for_name else "")
        return f"{label} is reserved by {holder}{until}; cancel the reservation first, then {action} it."
    if number.status is NumberStatus.QUARANTINED:
        until = f" until {number.quarantined_until:%Y-%m-%d}" if number.quarantined_until else ""
        return f"{label} is in quarantine{until} after its last release; wait, or ask an admin to release it early."
    if number.status is NumberStatus.BLOCKED:
        return f"{label} is blocked; an admin must unblock it before you can {action} it."
    return f"{label} is {number.status.value}; you cannot {action} it."


def assign(
    number: PhoneNumber,
    assignee: Assignee,
    *,
    policy: str | None,
    operator: str,
    now: datetime,
    hold_owner: str | None = None,
) -> PhoneNumber:
    """available -> used, or reserved -> used when the hold is the caller's own, is a reservation for
    `assignee`, or has expired."""
    if number.status is NumberStatus.RESERVED and not _hold_is_usable(number, hold_owner, now, assignee):
        raise TransitionRefused(why_not(number, "assign"))
    _refuse_unless(number, NumberStatus.USED, "assign")
    _refuse_unless_offerable(number)
    return _used_by(number, assignee, policy, operator, now)


def _used_by(number: PhoneNumber, assignee: Assignee, policy: str | None, operator: str, now: datetime) -> PhoneNumber:
    return number.touched(
        operator,
        now,
        status=NumberStatus.USED,
        assignee=assignee,
        voice_routing_policy=policy,
        hold=None,
        quarantined_until=None,
    )


def _refuse_unless_offerable(number: PhoneNumber) -> None:
    state = number.activation_state
    if not offerable(state):
        assert state is not None
        raise TransitionRefused(
            f"Teams reports {number.label} as {state.label}; it cannot be picked until Teams shows it active "
            "(sync again later, or check the number in the Teams admin center)."
        )


def _hold_is_usable(number: PhoneNumber, hold_owner: str | None, now: datetime, assignee: Assignee) -> bool:
    hold = number.hold
    if hold is None:
        return True
    expired = hold.expires_at is not None and hold.expires_at <= now
    return expired or hold.owner == hold_owner or is_reserved_for(number, assignee.id)


def is_reserved_for(number: PhoneNumber, person_id: str) -> bool:
    """Whether `number` is an operator's reservation for the person with Entra object id `person_id`."""
    hold = number.hold
    return number.status is NumberStatus.RESERVED and hold is not None and hold.for_id == person_id


def release(number: PhoneNumber, *, operator: str, now: datetime, quarantine_days: int = 0) -> PhoneNumber:
    """used -> available, or used -> quarantined when the tenant ages released numbers."""
    target = NumberStatus.QUARANTINED if quarantine_days > 0 else NumberStatus.AVAILABLE
    if number.status is not NumberStatus.USED:
        raise TransitionRefused(f"{number.label} is {number.status.value}, not used; there is nothing to remove.")
    until = now + timedelta(days=quarantine_days) if quarantine_days > 0 else None
    return number.touched(
        operator,
        now,
        status=target,
        assignee=None,
        voice_routing_policy=None,
        quarantined_until=until,
    )


def hold(number: PhoneNumber, new_hold: Hold, *, operator: str, now: datetime) -> PhoneNumber:
    """available -> reserved (a picker's hold or an operator's reservation); never a number Teams is busy
    with or stuck on (a stale card or a tampered click may still name one)."""
    if number.status is NumberStatus.RESERVED:
        raise TransitionRefused(why_not(number, "reserve"))
    _refuse_unless_offerable(number)
    _refuse_unless(number, NumberStatus.RESERVED, "reserve")
    return number.touched(operator, now, status=NumberStatus.RESERVED, hold=new_hold)


def check_reservation_end(end: datetime | None, now: datetime) -> None:
    """An operator's reservation ends after now and within `RESERVATION_MAX_DAYS` (`reserve` and imports)."""
    if end is not None and end <= now:
        raise TransitionRefused(f"{end:%Y-%m-%d %H:%M} UTC is in the past; choose a later end.")
    if end is not None and end > now + timedelta(days=RESERVATION_MAX_DAYS):
        raise TransitionRefused(f"A reservation may last {RESERVATION_MAX_DAYS} days at most; choose an earlier end.")


def extend_hold(number: PhoneNumber, until: datetime, *, operator: str, now: datetime) -> PhoneNumber:
    """reserved -> reserved until later: an operator's reservation only (a flow's hold is the flow's)."""
    hold = number.hold
    if number.status is not NumberStatus.RESERVED or hold is None or not hold.is_reservation:
        raise TransitionRefused(f"{number.label} is {number.status.value}, not reserved; there is nothing to extend.")
    if until <= now:
        raise TransitionRefused(f"{until:%Y-%m-%d %H:%M} UTC is in the past; a reservation can only end later.")
    return number.touched(operator, now, hold=dataclasses.replace(hold, expires_at=until, warned_at=None))


def warned(number: PhoneNumber, *, now: datetime) -> PhoneNumber:
    """Record that the reservation's owner was told it ends soon (the status does not change)."""
    hold = number.hold
    if number.status is not NumberStatus.RESERVED or hold is None:
        raise TransitionRefused(f"{number.label} is {number.status.value}, not reserved.")
    return dataclasses.replace(number, hold=dataclasses.replace(hold, warned_at=now))


def cancel_hold(number: PhoneNumber, *, operator: str, now: datetime) -> PhoneNumber:
    """reserved -> available (the owner cancels, or the hold expired)."""
    if number.status is not NumberStatus.RESERVED:
        raise TransitionRefused(f"{number.label} is {number.status.value}, not reserved; there is nothing to cancel.")
    return number.touched(operator, now, status=NumberStatus.AVAILABLE, hold=None)


def end_quarantine(number: PhoneNumber, *, operator: str, now: datetime, early: bool = False) -> PhoneNumber:
    """quarantined -> available once its days are over (or early, which the service allows admins only)."""
    if number.status is not NumberStatus.QUARANTINED:
        raise TransitionRefused(f"{number.label} is {number.status.value}, not in quarantine.")
    until = number.quarantined_until
    if not early and until is not None and until > now:
        raise TransitionRefused(why_not(number, "release"))
    return number.touched(operator, now, status=NumberStatus.AVAILABLE, quarantined_until=None)


def block(number: PhoneNumber, *, operator: str, now: datetime, reason: str | None = None) -> PhoneNumber:
    """Any status but used -> blocked. A block clears a hold or a quarantine."""
    if number.status is NumberStatus.BLOCKED:
        raise TransitionRefused(f"{number.label} is already blocked.")
    _refuse_unless(number, NumberStatus.BLOCKED, "block")
    notes = reason if reason else number.notes
    return number.touched(operator, now, status=NumberStatus.BLOCKED, hold=None, quarantined_until=None, notes=notes)


def unblock(number: PhoneNumber, *, operator: str, now: datetime) -> PhoneNumber:
    """blocked -> available."""
    if number.status is not NumberStatus.BLOCKED:
        raise TransitionRefused(f"{number.label} is {number.status.value}, not blocked.")
    return number.touched(operator, now, status=NumberStatus.AVAILABLE)


def observe_teams_holder(
    number: PhoneNumber, assignee: Assignee, *, policy: str | None, operator: str, now: datetime
) -> PhoneNumber:
    """Teams says someone holds the number: it is used, whatever the inventory thought.

    This is the one edge outside the table: Teams is the source of truth for who holds a number,
    so a sync that the operator reviewed and committed may turn a reserved, quarantined or blocked
    number into used. The sync flags such rows as drift so it never happens silently.
    """
    return _used_by(number, assignee, policy, operator, now)
