"""Onboarding suggestions, the pure part: who is enabled for Teams Phone and has no number yet, and the key
that says whether that set changed since the channel was last told. Teams shows the enablement on the
userConfiguration (`isEnterpriseVoiceEnabled`, and `PhoneSystem` among `featureTypes`)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from inventory.model import AccountType
from inventory.ports.phone_system import TeamsAccount


@dataclass(frozen=True)
class OnboardingPost:
    """What the tenant's channel was last shown: the people (as bulk assign's state keeps them) and when."""

    id: str
    tenant: str
    people: tuple[dict[str, Any], ...]
    people_key: str
    posted_at: datetime


def people_needing_numbers(accounts: Iterable[TeamsAccount]) -> list[TeamsAccount]:
    """Users Teams has enabled for Teams Phone who hold no number, by name (resource accounts are the voice
    team's own business, not onboarding)."""
    needing = [a for a in accounts if a.account_type is AccountType.USER and a.enterprise_voice and not a.numbers]
    return sorted(needing, key=lambda a: (a.label.lower(), a.id))


def people_key(ids: Sequence[str]) -> str:
    """The same set of people gives the same key, in any order."""
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()[:32]
