"""The journal between Teams and the inventory: every assign or unassign is written down before Teams is
called, and closed with the outcome, so a crash in between leaves an entry the reconciler can finish."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from inventory.model import Actor, Assignee, PhoneNumber


class Kind(StrEnum):
    ASSIGN = "assign"
    UNASSIGN = "unassign"


PENDING, SUCCEEDED, FAILED = "pending", "succeeded", "failed"
DELETED = "deleted"  # closed by `delete inventory`: the number it was about no longer exists here
# Teams assigned the number but the voice routing policy grant failed: the entry stays open and the
# grant is retried with backoff (`AssignmentService.retry_policies`) until it lands or is given up.
POLICY_PENDING = "policy_pending"
POLICY_ATTEMPTS = 8  # then the grant is given up and the channel gets the PowerShell command to run


def policy_retry_delay(attempts: int) -> timedelta:
    """How long after its `attempts`-th failure a policy grant is tried again: 1 minute doubling to 30."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 30))


@dataclass(frozen=True)
class JournalEntry:
    id: str
    tenant: str
    kind: str  # a Kind
    number: str
    extension: str
    number_type: str
    operator_id: str
    operator_name: str
    correlation_id: str
    created_at: datetime
    status: str = PENDING
    account_id: str | None = None
    account_upn: str | None = None
    account_name: str | None = None
    account_type: str | None = None
    policy: str | None = None
    location_id: str | None = None
    hold_owner: str | None = None
    flow_id: str | None = None
    detail: str | None = None
    finished_at: datetime | None = None
    # The Location Teams answered with (202): the reconciler asks that operation how it went.
    operation_location: str | None = None
    attempts: int = 0  # policy grants tried (status policy_pending)
    retry_at: datetime | None = None  # when the next policy grant is due


def begin(
    kind: Kind,
    number: PhoneNumber,
    account: Assignee | None,
    actor: Actor,
    *,
    at: datetime,
    correlation_id: str,
    policy: str | None = None,
    location_id: str | None = None,
    hold_owner: str | None = None,
    flow_id: str | None = None,
) -> JournalEntry:
    """The pending entry for `kind` on `number` (for `account`: the new holder, or the one losing it)."""
    return JournalEntry(
        id=str(uuid.uuid4()),
        tenant=number.tenant,
        kind=kind.value,
        number=number.number,
        extension=number.extension,
        number_type=number.number_type.value,
        operator_id=actor.id,
        operator_name=actor.name,
        correlation_id=correlation_id,
        created_at=at,
        account_id=account.id if account else None,
        account_upn=account.upn if account else None,
        account_name=account.display_name if account else None,
        account_type=account.account_type.value if account else None,
        policy=policy,
        location_id=location_id,
        hold_owner=hold_owner,
        flow_id=flow_id,
    )
