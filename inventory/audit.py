"""The audit trail's record: who changed which number how, and the id that ties one action together."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any


def new_correlation_id() -> str:
    """A short id that ties a card, the log lines and the audit rows of one operator action together."""
    return uuid.uuid4().hex[:16]


@dataclass(frozen=True)
class AuditEvent:
    """One change, as the audit keeps it: the number's state before and after (JSON-ready snapshots)."""

    tenant: str
    at: datetime
    operator_id: str
    operator_name: str
    action: str
    correlation_id: str
    number: str | None = None
    extension: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    detail: str | None = None
    id: int | None = None

    @property
    def holder_id(self) -> str | None:
        return holder_in(self.before, self.after, "assignee_id")

    @property
    def holder_upn(self) -> str | None:
        upn = holder_in(self.before, self.after, "assignee_upn")
        return upn.lower() if upn else None


def holder_in(before: dict[str, Any] | None, after: dict[str, Any] | None, key: str) -> str | None:
    """The holder field `key` of the state after the change, else of the state before it."""
    for state in (after, before):
        value = state.get(key) if state else None
        if value:
            return str(value)
    return None
