"""Where the bot may speak, and the notes it owes a tenant's channel (the outbox's records and rules)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

PENDING, SENDING, SENT, FAILED, DROPPED = "pending", "sending", "sent", "failed", "dropped"
MAX_ATTEMPTS = 6
LEASE = timedelta(minutes=2)  # a replica that dies mid-post leaves the note to be claimed again after this


@dataclass(frozen=True)
class Conversation:
    id: str
    kind: str
    reference: dict[str, Any]  # a Bot Framework ConversationReference, as JSON
    team_id: str | None = None
    team_name: str | None = None
    channel_name: str | None = None
    teams_tenant_id: str | None = None
    notify_tenant: str | None = None
    person_id: str | None = None  # a personal chat's person (their Entra object id)


@dataclass(frozen=True)
class Notification:
    id: int
    tenant: str
    kind: str
    card: dict[str, Any]
    attempts: int
    subject: str | None = None  # what it is about, for whoever must find the post again ("request:ID")

    @property
    def is_last_attempt(self) -> bool:
        return self.attempts >= MAX_ATTEMPTS

    def retry_delay(self, base_seconds: float) -> timedelta:
        """Exponential backoff after a failed post, capped at 5 minutes."""
        return timedelta(seconds=min(300, base_seconds * 2 ** (self.attempts - 1)))
