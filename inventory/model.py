"""The phone-number value and its lifecycle rules. Pure: no I/O, no clock reads.

Every transition is a function that takes the current number and returns the next one, or raises
`TransitionRefused` with a sentence that tells the operator what to do instead. Storage applies the
result with a conditional update on `version`, so the rules here and the race guard there compose.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from inventory.errors import TransitionRefused
from inventory.numbers import display_number


class NumberStatus(StrEnum):
    AVAILABLE = "available"
    USED = "used"
    RESERVED = "reserved"
    QUARANTINED = "quarantined"
    BLOCKED = "blocked"


class NumberType(StrEnum):
    DIRECT_ROUTING = "directRouting"
    CALLING_PLAN = "callingPlan"
    OPERATOR_CONNECT = "operatorConnect"

    @classmethod
    def parse(cls, text: str) -> NumberType:
        """Accept Graph's camelCase, PowerShell's PascalCase and common short names."""
        key = text.strip().replace("_", "").replace("-", "").replace(" ", "").lower()
        aliases = {"dr": cls.DIRECT_ROUTING, "cp": cls.CALLING_PLAN, "oc": cls.OPERATOR_CONNECT}
        for member in cls:
            if member.value.lower() == key:
                return member
        if key in aliases:
            return aliases[key]
        choices = ", ".join(m.value for m in cls)
        raise ValueError(f"'{text}' is not a number type; use one of {choices}")


class AccountType(StrEnum):
    USER = "user"
    RESOURCE_ACCOUNT = "resourceAccount"


# Which status may follow which. The functions below are the only way to move along these edges;
# the table exists so tests and the docs can enumerate them.
ALLOWED_TRANSITIONS: dict[NumberStatus, frozenset[NumberStatus]] = {
    NumberStatus.AVAILABLE: frozenset({NumberStatus.USED, NumberStatus.RESERVED, NumberStatus.BLOCKED}),
    NumberStatus.USED: frozenset({NumberStatus.AVAILABLE, NumberStatus.QUARANTINED}),
    NumberStatus.RESERVED: frozenset({NumberStatus.AVAILABLE, NumberStatus.USED, NumberStatus.BLOCKED}),
    NumberStatus.QUARANTINED: frozenset({NumberStatus.AVAILABLE, NumberStatus.BLOCKED}),
    NumberStatus.BLOCKED: frozenset({NumberStatus.AVAILABLE}),
}


@dataclass(frozen=True, slots=True)
class Assignee:
    """Who holds a number in Teams: a user or a resource account (auto attendant, call queue)."""

    id: str
    upn: str | None
    display_name: str | None
    account_type: AccountType = AccountType.USER

    @property
    def label(self) -> str:
        return self.display_name or self.upn or self.id


@dataclass(frozen=True, slots=True)
class Hold:
    """A reservation: who holds the number back, why, and until when."""

    owner: str
    note: str
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    tenant: str
    number: str
    extension: str = ""
    number_type: NumberType = NumberType.DIRECT_ROUTING
    status: NumberStatus = NumberStatus.AVAILABLE
    assignee: Assignee | None = None
    voice_routing_policy: str | None = None
    emergency_location_id: str | None = None
    location: str | None = None
    range_label: str | None = None
    carrier: str | None = None
    pool: str | None = None
    tags: tuple[str, ...] = ()
    notes: str | None = None
    hold: Hold | None = None
    quarantined_until: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    created_by: str | None = None
    last_modified_by: str | None = None
    version: int = 1
    id: int | None = None

    @property
    def label(self) -> str:
        """The number as an operator reads it: `+1 555 123 4567 ext. 12`."""
        return display_number(self.number, self.extension)

    def _touched(self, operator: str, now: datetime, **changes: object) -> PhoneNumber:
        return dataclasses.replace(self, updated_at=now, last_modified_by=operator, **changes)  # type: ignore[arg-type]


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
        holder = number.hold.note or number.hold.owner
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
    """available -> used, or reserved -> used when the hold is the caller's own (or has expired)."""
    if number.status is NumberStatus.RESERVED and not _hold_is_usable(number, hold_owner, now):
        raise TransitionRefused(why_not(number, "assign"))
    _refuse_unless(number, NumberStatus.USED, "assign")
    return _used_by(number, assignee, policy, operator, now)


def _used_by(number: PhoneNumber, assignee: Assignee, policy: str | None, operator: str, now: datetime) -> PhoneNumber:
    return number._touched(
        operator,
        now,
        status=NumberStatus.USED,
        assignee=assignee,
        voice_routing_policy=policy,
        hold=None,
        quarantined_until=None,
    )


def _hold_is_usable(number: PhoneNumber, hold_owner: str | None, now: datetime) -> bool:
    hold = number.hold
    if hold is None:
        return True
    expired = hold.expires_at is not None and hold.expires_at <= now
    return expired or hold.owner == hold_owner


def release(number: PhoneNumber, *, operator: str, now: datetime, quarantine_days: int = 0) -> PhoneNumber:
    """used -> available, or used -> quarantined when the tenant ages released numbers."""
    target = NumberStatus.QUARANTINED if quarantine_days > 0 else NumberStatus.AVAILABLE
    if number.status is not NumberStatus.USED:
        raise TransitionRefused(f"{number.label} is {number.status.value}, not used; there is nothing to remove.")
    until = now + timedelta(days=quarantine_days) if quarantine_days > 0 else None
    return number._touched(
        operator,
        now,
        status=target,
        assignee=None,
        voice_routing_policy=None,
        quarantined_until=until,
    )


def hold(number: PhoneNumber, new_hold: Hold, *, operator: str, now: datetime) -> PhoneNumber:
    """available -> reserved (a picker's hold or an operator's reservation)."""
    if number.status is NumberStatus.RESERVED:
        raise TransitionRefused(why_not(number, "reserve"))
    _refuse_unless(number, NumberStatus.RESERVED, "reserve")
    return number._touched(operator, now, status=NumberStatus.RESERVED, hold=new_hold)


def cancel_hold(number: PhoneNumber, *, operator: str, now: datetime) -> PhoneNumber:
    """reserved -> available (the owner cancels, or the hold expired)."""
    if number.status is not NumberStatus.RESERVED:
        raise TransitionRefused(f"{number.label} is {number.status.value}, not reserved; there is nothing to cancel.")
    return number._touched(operator, now, status=NumberStatus.AVAILABLE, hold=None)


def end_quarantine(number: PhoneNumber, *, operator: str, now: datetime, early: bool = False) -> PhoneNumber:
    """quarantined -> available once its days are over (or early, which the service allows admins only)."""
    if number.status is not NumberStatus.QUARANTINED:
        raise TransitionRefused(f"{number.label} is {number.status.value}, not in quarantine.")
    until = number.quarantined_until
    if not early and until is not None and until > now:
        raise TransitionRefused(why_not(number, "release"))
    return number._touched(operator, now, status=NumberStatus.AVAILABLE, quarantined_until=None)


def block(number: PhoneNumber, *, operator: str, now: datetime, reason: str | None = None) -> PhoneNumber:
    """Any status but used -> blocked. A block clears a hold or a quarantine."""
    if number.status is NumberStatus.BLOCKED:
        raise TransitionRefused(f"{number.label} is already blocked.")
    _refuse_unless(number, NumberStatus.BLOCKED, "block")
    notes = reason if reason else number.notes
    return number._touched(operator, now, status=NumberStatus.BLOCKED, hold=None, quarantined_until=None, notes=notes)


def unblock(number: PhoneNumber, *, operator: str, now: datetime) -> PhoneNumber:
    """blocked -> available."""
    if number.status is not NumberStatus.BLOCKED:
        raise TransitionRefused(f"{number.label} is {number.status.value}, not blocked.")
    return number._touched(operator, now, status=NumberStatus.AVAILABLE)


def observe_teams_holder(
    number: PhoneNumber, assignee: Assignee, *, policy: str | None, operator: str, now: datetime
) -> PhoneNumber:
    """Teams says someone holds the number: it is used, whatever the inventory thought.

    This is the one edge outside the table: Teams is the source of truth for who holds a number,
    so a sync that the operator reviewed and committed may turn a reserved, quarantined or blocked
    number into used. The sync flags such rows as drift so it never happens silently.
    """
    return _used_by(number, assignee, policy, operator, now)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made a change: the operator's Entra object id (or `cli:<login>`) and a readable name (UPN/e-mail).

    Comes from the authenticated activity or the shell user, never from card data a client could forge.
    """

    id: str
    name: str

    @property
    def label(self) -> str:
        return self.name or self.id
