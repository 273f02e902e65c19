"""A card flow's record: a wizard's state in the database, so any replica can continue any flow.

Card actions carry only the flow's id, its version and a verb; every step moves the flow on with a
conditional update on `version`, so a stale or repeated click loses cleanly (`FlowMoved`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Flow:
    id: str
    tenant: str
    kind: str
    operator_id: str
    step: str
    state: dict[str, Any]
    version: int
    created_at: datetime
    updated_at: datetime
    expires_at: datetime

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at <= now


class FlowMoved(Exception):
    """Someone moved the flow on since it was read (a second click, another replica). Nothing was written;
    `current` is the flow as it is now, whose card is the answer to the stale click."""

    def __init__(self, current: Flow) -> None:
        super().__init__(current.id)
        self.current = current
