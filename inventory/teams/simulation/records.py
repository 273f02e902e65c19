"""The records of the simulated tenant, in Graph's own vocabulary (camelCase enum values as strings).

Strings rather than our enums on purpose: a test can put a value Graph might send tomorrow
(`numberType: "futureType"`) into the tenant and check that both adapters survive it.
"""

from __future__ import annotations

import base64
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime

_NAMESPACE = uuid.UUID("6b1d4a52-4e0c-4b0e-9a55-3c5f0c1f2d10")

# The Graph enum values (camelCase; PowerShell prints them PascalCase) that the simulation uses. Graph has
# more (numberType internalError, assignmentStatus conferenceAssigned, ...), which the mapping reads as unknown.
USER = "user"
RESOURCE_ACCOUNT = "resourceAccount"
GUEST = "guest"
UNASSIGNED = "unassigned"
USER_ASSIGNED = "userAssigned"
VOICE_APPLICATION_ASSIGNED = "voiceApplicationAssigned"
NUMBER_TYPES = ("directRouting", "callingPlan", "operatorConnect")

# Operation statuses as Graph reports them.
NOT_STARTED = "notStarted"
RUNNING = "running"
SUCCEEDED = "succeeded"
FAILED = "failed"
SKIPPED = "skipped"


@dataclass(frozen=True)
class SimGroup:
    """An Entra group an account is a member of (transitiveMemberOf lists it)."""

    id: str
    display_name: str


@dataclass
class SimAccount:
    """A user or resource account: an Entra user (for /users) with Teams settings (for userConfigurations)."""

    id: str
    upn: str | None
    display_name: str | None
    account_type: str = USER
    enterprise_voice: bool = False
    voice_routing_policy: str | None = None  # a policy name; None is the tenant's Global policy
    teams_enabled: bool = True  # False: in Entra only, so no userConfiguration exists
    department: str | None = None
    usage_location: str | None = None  # two letters, as Graph's usageLocation
    city: str | None = None
    office_location: str | None = None
    company_name: str | None = None
    member_of: list[SimGroup] = field(default_factory=list)  # directly or through other groups
    # Numbers userConfigurations shows for this account although no number record names it as holder:
    # the "number shown on two accounts" drift that real tenants produce.
    extra_numbers: list[str] = field(default_factory=list)


@dataclass
class SimNumber:
    """A Graph numberAssignment."""

    telephone_number: str
    number_type: str
    assignment_status: str = UNASSIGNED
    assignment_target_id: str | None = None
    assignment_category: str | None = None
    city: str | None = None
    iso_country_code: str | None = None
    location_id: str | None = None
    civic_address_id: str | None = None
    operator_id: str | None = None
    carrier: str | None = None  # not in Graph: what the carrier's spreadsheet would say (for demos and imports)
    activation_state: str = "activated"
    capabilities: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return number_id(self.telephone_number)


@dataclass
class SimOperation:
    """An assign or unassign in flight. `planned` is decided at creation (scripted or random failure)."""

    id: str
    action: str  # "assign" or "unassign"
    telephone_number: str
    number_type: str
    target_id: str | None
    location_id: str | None
    created_at: datetime
    planned: str | None = None  # None: decide when it settles; FAILED; or "stalled" (never finishes)
    planned_detail: str | None = None
    status: str = NOT_STARTED
    status_detail: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in (SUCCEEDED, FAILED, SKIPPED)


def number_id(telephone_number: str) -> str:
    """Opaque but stable, like Graph's ids: the same number always has the same id."""
    return base64.urlsafe_b64encode(telephone_number.encode("ascii")).decode("ascii").rstrip("=")


def number_from_id(identifier: str) -> str | None:
    padded = identifier + "=" * (-len(identifier) % 4)
    try:
        return base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
    except (ValueError, UnicodeError):
        return None


def stable_id(kind: str, name: str) -> str:
    """A UUID that depends only on its name (operators, locations, policies): the same every time."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{name}"))


def random_id(rng: random.Random) -> str:
    """A UUID drawn from `rng`, shaped like an Entra object id (version 4)."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))
