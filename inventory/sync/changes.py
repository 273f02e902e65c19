"""What a sync proposes, number by number: the records of a diff, and how a change is applied. Pure.

A change is computed from one local row at one version; `apply_change` turns that row into what Teams
says, through the lifecycle rules (a release follows the tenant's quarantine; a holder Teams reports is
recorded as Teams' truth).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from inventory import transitions
from inventory.e164 import display_number, number_key
from inventory.model import AccountType, ActivationState, Assignee, NumberStatus, NumberType, PhoneNumber

ADD, UPDATE, DRIFT = "add", "update", "drift"
CATEGORIES = (ADD, UPDATE, DRIFT)


@dataclass(frozen=True, slots=True)
class LocalNumber:
    """The columns of an inventory row the diff compares (read in one lean query)."""

    id: int
    number: str
    status: NumberStatus
    version: int
    assignee_id: str | None
    assignee_upn: str | None
    assignee_name: str | None
    voice_routing_policy: str | None
    number_type: NumberType
    emergency_location_id: str | None
    location: str | None
    extension: str = ""
    assignee_type: AccountType | None = None
    assignee_assignment: str | None = None  # Teams' assignmentStatus, kept for unresolved holders only
    activation_state: ActivationState | None = None

    @property
    def key(self) -> str:
        """The number with its extension, as the diff matches it with Teams (`e164.number_key`)."""
        return number_key(self.number, self.extension)


@dataclass(frozen=True, slots=True)
class Proposal:
    """The state a change proposes for the row."""

    status: NumberStatus | None  # None: leave the status alone (a double assignment)
    number_type: NumberType
    assignee_id: str | None = None
    assignee_upn: str | None = None
    assignee_name: str | None = None
    assignee_type: AccountType | None = None
    voice_routing_policy: str | None = None
    emergency_location_id: str | None = None
    location: str | None = None
    assignee_assignment: str | None = None  # Teams' assignmentStatus, for an unresolved holder
    activation_state: ActivationState | None = None  # Teams' state of the number (None: Teams does not know it)


@dataclass(frozen=True, slots=True)
class Change:
    category: str  # add, update, drift
    kind: str  # new, fields, unresolved, release, override, double
    number: str
    proposal: Proposal
    fields: tuple[tuple[str, str | None, str | None], ...] = ()  # (field, old, new); empty for adds
    number_id: int | None = None
    base_version: int | None = None
    note: str | None = None
    extension: str = ""  # a Direct Routing extension (`;ext=`), "" for none

    @property
    def label(self) -> str:
        return display_number(self.number, self.extension)


@dataclass(frozen=True, slots=True)
class Diff:
    changes: list[Change]
    unchanged: int

    def count(self, category: str) -> int:
        return sum(1 for change in self.changes if change.category == category)


def apply_change(
    before: PhoneNumber, change: Change, *, operator: str, now: datetime, quarantine_days: int
) -> PhoneNumber:
    """The row as it is once `change` (computed from `before`'s version) is applied."""
    proposal = change.proposal
    if change.kind == "release":
        after = transitions.release(before, operator=operator, now=now, quarantine_days=quarantine_days)
    elif proposal.status is NumberStatus.USED and proposal.assignee_id:
        after = transitions.observe_teams_holder(
            before, _assignee(proposal), policy=proposal.voice_routing_policy, operator=operator, now=now
        )
    else:
        after = dataclasses.replace(before, updated_at=now, last_modified_by=operator)
    return dataclasses.replace(
        after,
        number_type=proposal.number_type,
        emergency_location_id=proposal.emergency_location_id,
        location=proposal.location,
        activation_state=proposal.activation_state,
    )


def _assignee(proposal: Proposal) -> Assignee:
    assert proposal.assignee_id is not None
    return Assignee(
        id=proposal.assignee_id,
        upn=proposal.assignee_upn,
        display_name=proposal.assignee_name,
        account_type=proposal.assignee_type or AccountType.USER,
        teams_assignment=proposal.assignee_assignment,
    )
