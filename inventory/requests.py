"""A number request: someone asks for a number in a chat, an approver of the tenant decides. Pure values.

The request holds a suggested number from the moment it is made (the hold's owner is `request:<id>`), so
what the approver sees is what gets assigned. Every change of a request is conditional on its `version`
and status: two approvers clicking at once give one outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class RequestStatus(StrEnum):
    PENDING = "pending"  # waiting for an approver; the number is held
    APPROVING = "approving"  # an approver clicked Approve: Teams is being asked
    ASSIGNED = "assigned"
    REJECTED = "rejected"
    EXPIRED = "expired"
    FAILED = "failed"  # Teams refused the assignment; the reason says why

    @property
    def is_open(self) -> bool:
        return self is RequestStatus.PENDING


_REQUEST_TAG = "request:"


def request_hold_owner(request_id: str) -> str:
    """The owner written on the number a request holds: only that request's approval may assign it."""
    return f"{_REQUEST_TAG}{request_id}"


def request_note_subject(request_id: str) -> str:
    """The subject of the note that posts a personal-chat request's copy to the channel, by which the post
    finds the request again."""
    return f"{_REQUEST_TAG}{request_id}"


def request_of_note_subject(subject: str | None) -> str | None:
    """The request id a queued note's subject names (None: the note is not a request's channel copy)."""
    if subject and subject.startswith(_REQUEST_TAG):
        return subject[len(_REQUEST_TAG) :]
    return None


@dataclass(frozen=True)
class Person:
    """Whom a number is for: their Entra object id, name and UPN (from Teams, never from a card)."""

    id: str
    name: str
    upn: str = ""


@dataclass(frozen=True)
class NumberRequest:
    id: str
    tenant: str
    requester_id: str  # Entra object id
    requester_name: str
    requester_mri: str  # the Teams user id (29:...) the card's refresh and the @mention need
    person: Person
    pool: str | None
    location: str | None
    note: str
    number: str | None  # E.164 of the held number
    extension: str
    status: RequestStatus
    created_at: datetime
    expires_at: datetime
    version: int = 1
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    conversation: dict[str, Any] | None = None  # a ConversationReference (JSON) of where the card was posted
    activity_id: str | None = None  # the posted card's message id, to update it in place
    # The copy posted to the tenant's channel when the request was made in a personal chat (a
    # ConversationReference and the message id), to update with the outcome too.
    channel_conversation: dict[str, Any] | None = None
    channel_activity_id: str | None = None
    approver_mris: tuple[str, ...] = ()  # the approvers' Teams user ids, found when the request was made
    # Set when an operator's own assignment waits for a second person (four eyes): what they chose on the
    # confirm card. None: the tenant's default policy, and no emergency location of our own.
    policy: str | None = None
    location_id: str | None = None
    person_type: str = "user"  # inventory.model.AccountType values

    @property
    def short_id(self) -> str:
        return self.id[:8]
