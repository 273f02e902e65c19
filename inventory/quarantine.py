"""How long a quarantined number has left, in the words cards and `numbers` show. Pure."""

from __future__ import annotations

import math
from datetime import datetime


def countdown(until: datetime | None, now: datetime) -> str:
    """'back in the pool in 12 days' (rounded up: a number due in 11.2 days is not back in 11)."""
    if until is None:
        return "in quarantine until an admin ends it"
    left = (until - now).total_seconds()
    if left <= 0:
        return "back in the pool within a minute"  # the expiry job runs every minute
    if left < 86_400:
        hours = math.ceil(left / 3_600)
        return f"back in the pool in {hours} hour{'s' if hours != 1 else ''}"
    days = math.ceil(left / 86_400)
    return f"back in the pool in {days} days"
