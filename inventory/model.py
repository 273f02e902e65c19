"""The phone-number value and the values around it: statuses, types, holders, holds, actors. Pure.

How a number may move from one status to another is in `inventory.transitions`.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from inventory.e164 import display_number


class NumberStatus(StrEnum):
    AVAILABLE = "available"
    USED = "used"
    RESERVED = "reserved"
    QUARANTINED = "quarantined"
    BLOCKED = "blocked"


_GRAPH_ENUM_VALUE = re.compile(r"^[a-z][A-Za-z0-9]{1,58}$")


class EvolvableEnum(StrEnum):
    """One of Graph's evolvable enums: Teams adds members over time. A value we do not list (but shaped
    like Graph's camelCase names) becomes an *unlisted* member holding the value verbatim, so it is
    stored, shown and sent back unchanged instead of being lost or read as something else."""

    @classmethod
    def _missing_(cls, value: object) -> EvolvableEnum | None:
        if not isinstance(value, str) or not _GRAPH_ENUM_VALUE.match(value):
            return None
        unlisted = str.__new__(cls, value)
        unlisted._name_ = "UNLISTED"
        unlisted._value_ = value
        return unlisted

    @property
    def listed(self) -> bool:
        return self._name_ != "UNLISTED"


class NumberType(EvolvableEnum):
    """Teams' `numberType`. Teams adds types (operatorConnectMobile, ...): a value we do not list is kept
    verbatim as an *unlisted* member, so it is stored, shown and sent back to Teams unchanged, and never
    silently read as Direct Routing. `NumberType("operatorConnectMobile").listed` is False."""

    DIRECT_ROUTING = "directRouting"
    CALLING_PLAN = "callingPlan"
    OPERATOR_CONNECT = "operatorConnect"

    @property
    def label(self) -> str:
        """What an operator reads: the three we know by their Teams admin center names, others verbatim."""
        return _NUMBER_TYPE_LABELS.get(self.value, self.value)

    @classmethod
    def parse(cls, text: str) -> NumberType:
        """Accept Graph's camelCase, PowerShell's PascalCase and common short names (typed by a person:
        a type we do not list is refused; only Teams brings new ones)."""
        key = text.strip().replace("_", "").replace("-", "").replace(" ", "").lower()
        aliases = {"dr": cls.DIRECT_ROUTING, "cp": cls.CALLING_PLAN, "oc": cls.OPERATOR_CONNECT}
        for member in cls:
            if member.value.lower() == key:
                return member
        if key in aliases:
            return aliases[key]
        choices = ", ".join(m.value for m in cls)
        raise ValueError(f"'{text}' is not a number type; use one of {choices}")


_NUMBER_TYPE_LABELS = {
    "directRouting": "Direct Routing",
    "callingPlan": "Calling Plan",
    "operatorConnect": "Operator Connect",
}


class ActivationState(EvolvableEnum):
    """Teams' `activationState` of a number. A state Teams adds later is kept verbatim (unlisted), like a
    new number type. Only an activated number (or one Teams does not know: a carrier range's spare
    numbers) may be offered: pending, failed and unknown states mean Teams is busy with it or stuck."""

    ACTIVATED = "activated"
    ASSIGNMENT_PENDING = "assignmentPending"
    ASSIGNMENT_FAILED = "assignmentFailed"
    UPDATE_PENDING = "updatePending"
    UPDATE_FAILED = "updateFailed"

    @property
    def failed(self) -> bool:
        return self in FAILED_STATES

    @property
    def label(self) -> str:
        return _ACTIVATION_LABELS.get(self.value, f"in a state Switchboard does not know ({self.value})")


FAILED_STATES = (ActivationState.ASSIGNMENT_FAILED, ActivationState.UPDATE_FAILED)
_ACTIVATION_LABELS = {
    "activated": "active",
    "assignmentPending": "assignment pending in Teams",
    "assignmentFailed": "assignment failed in Teams",
    "updatePending": "update pending in Teams",
    "updateFailed": "update failed in Teams",
}


@functools.cache
def activation_state_of(value: str | None) -> ActivationState | None:
    """Teams' text as an ActivationState (None for none, or for text no enum member could be); cached,
    since a sync reads it 100,000 times and Enum construction is slow."""
    if not value:
        return None
    try:
        return ActivationState(value)
    except ValueError:
        return None


def offerable(state: ActivationState | None) -> bool:
    """May a number in this Teams state be offered to an operator (None: Teams does not know it)?"""
    return state is None or state is ActivationState.ACTIVATED


class AccountType(StrEnum):
    USER = "user"
    RESOURCE_ACCOUNT = "resourceAccount"
    # Teams holds the number for an id it cannot resolve to a user or resource account (a deleted user,
    # a third-party app, an unknown id): the number is used, and nobody here can name the holder.
    UNRESOLVED = "unresolved"


@dataclass(frozen=True, slots=True)
class Assignee:
    """Who holds a number in Teams: a user or a resource account (auto attendant, call queue), or an
    account Teams cannot resolve (then `teams_assignment` is Teams' `assignmentStatus`, e.g.
    thirdPartyAppAssigned, the only thing known about it besides its id)."""

    id: str
    upn: str | None
    display_name: str | None
    account_type: AccountType = AccountType.USER
    teams_assignment: str | None = None

    @property
    def unresolved(self) -> bool:
        return self.account_type is AccountType.UNRESOLVED

    @property
    def label(self) -> str:
        if self.unresolved:
            how = f", {self.teams_assignment}" if self.teams_assignment else ""
            return f"an unresolved account ({self.id}{how})"
        return self.display_name or self.upn or self.id


HOLD_NOTE_LIMIT = 512  # characters of a hold's purpose that are kept
RESERVATION_MAX_DAYS = 366  # the longest an operator's reservation may last


@dataclass(frozen=True, slots=True)
class Hold:
    """A number held back: by a card flow for a few minutes, or an operator's reservation.

    `owner` is who may use or give back the hold (`flow:<id>`, or the reserving operator's id), `note`
    its purpose. A reservation may name the person it is for (`for_id`, their Entra object id): assigning
    that person may use it and is offered it first. `warned_at` is when the owner was told it ends soon,
    so the expiry job tells them once.
    """

    owner: str
    note: str
    expires_at: datetime | None
    owner_name: str | None = None
    for_id: str | None = None
    for_name: str | None = None
    ticket: str | None = None
    warned_at: datetime | None = None

    @property
    def is_reservation(self) -> bool:
        """An operator's reservation rather than a card flow's short hold."""
        return not self.owner.startswith("flow:")

    @property
    def owner_label(self) -> str:
        return self.owner_name or self.owner


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
    activation_state: ActivationState | None = None  # what Teams reports; None while Teams does not know it
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

    def touched(self, operator: str, now: datetime, **changes: object) -> PhoneNumber:
        return dataclasses.replace(self, updated_at=now, last_modified_by=operator, **changes)  # type: ignore[arg-type]


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
