"""The phone-number value and the values around it: statuses, types, holders, holds, actors. Pure.

How a number may move from one status to another is in `inventory.transitions`.
"""

from __future__ import annotations

import dataclasses
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
