"""What Switchboard needs from one Teams tenant, in Switchboard's own terms.

`PhoneSystem` is implemented by `GraphPhoneSystem` (Microsoft Graph over HTTP, the production path) and
`SimulatedPhoneSystem` (an in-process tenant for other layers' tests). One contract suite runs against both.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol

from inventory.model import AccountType, ActivationState, NumberType
from inventory.rules import PersonAttributes


class TeamsAssignmentStatus(StrEnum):
    """Graph's `assignmentStatus`; anything Graph adds later reads as UNKNOWN."""

    UNASSIGNED = "unassigned"
    USER_ASSIGNED = "userAssigned"
    CONFERENCE_ASSIGNED = "conferenceAssigned"
    VOICE_APPLICATION_ASSIGNED = "voiceApplicationAssigned"
    THIRD_PARTY_APP_ASSIGNED = "thirdPartyAppAssigned"
    POLICY_ASSIGNED = "policyAssigned"
    INTERNAL_ERROR = "internalError"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, value: object) -> TeamsAssignmentStatus:
        for member in cls:
            if member.value == value:
                return member
        return cls.UNKNOWN


@dataclass(frozen=True, slots=True)
class TeamsNumber:
    """One number Teams knows (a Graph `numberAssignment`)."""

    number: str  # E.164, leading + (without the extension)
    number_type: NumberType | None  # None when Graph sent a value we do not know
    assignment_status: TeamsAssignmentStatus
    holder_id: str | None = None  # assignmentTargetId: the Entra object id of the user or resource account
    location_id: str | None = None  # emergency location
    city: str | None = None
    iso_country_code: str | None = None
    operator_id: str | None = None
    activation_state: ActivationState | None = None  # None: Teams sent none
    teams_id: str | None = None
    extension: str = ""  # a Direct Routing extension Teams reported as `;ext=` (see `e164.split_teams_number`)
    assignment_category: str | None = None  # primary, private, alternate (Graph's values, kept as text)

    @property
    def key(self) -> str:
        """The number with its extension, as the sync matches it (`e164.number_key`)."""
        return f"{self.number};ext={self.extension}" if self.extension else self.number

    @property
    def is_assigned(self) -> bool:
        return self.holder_id is not None and self.assignment_status is not TeamsAssignmentStatus.UNASSIGNED


@dataclass(frozen=True, slots=True)
class TeamsAccount:
    """A user or resource account as Teams sees it (userConfiguration plus Entra display name)."""

    id: str  # Entra object id
    upn: str | None
    display_name: str | None
    account_type: AccountType | None  # None for guests, SfB on-prem users and values we do not know
    enterprise_voice: bool = False
    voice_routing_policy: str | None = None
    numbers: tuple[str, ...] = ()  # number keys (`e164.number_key`): E.164 with any `;ext=`

    @property
    def label(self) -> str:
        return self.display_name or self.upn or self.id


@dataclass(frozen=True, slots=True)
class TeamsSnapshot:
    """Everything Teams knows about numbers and their holders, fetched in one sync."""

    numbers: list[TeamsNumber]
    accounts: dict[str, TeamsAccount]  # by Entra object id
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))


class OperationStatus(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"
    TIMED_OUT = "timedOut"  # ours: the operation did not finish before our deadline
    RUNNING = "running"  # ours: one look at an operation Teams has not finished (`operation_outcome`)


@dataclass(frozen=True, slots=True)
class OperationOutcome:
    """How a Teams assign or unassign operation ended. `detail` is Teams' `statusDetail`, verbatim."""

    status: OperationStatus
    detail: str | None = None
    operation_id: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status is OperationStatus.SUCCEEDED


@dataclass(frozen=True, slots=True)
class FetchProgress:
    pages: int
    items: int
    what: str  # "numbers", "accounts" or "names"


ProgressCallback = Callable[[FetchProgress], Awaitable[None]]
# Called with the operation's Location as soon as Teams accepted the request (202), before any wait.
OperationStarted = Callable[[str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    """An Entra user's name (from /users), read apart from Teams' settings and joined to them by id."""

    id: str
    display_name: str | None
    upn: str | None


def named(account: TeamsAccount, entry: DirectoryEntry | None) -> TeamsAccount:
    """The account from Teams' settings with Entra's display name (and Entra's UPN when Teams has none)."""
    if entry is None:
        return account
    return replace(account, upn=account.upn or entry.upn, display_name=account.display_name or entry.display_name)


class SnapshotSink(Protocol):
    """Where a streamed snapshot goes, a page at a time (calls may come concurrently from several listings)."""

    async def numbers(self, batch: Sequence[TeamsNumber]) -> None: ...

    async def accounts(self, batch: Sequence[TeamsAccount]) -> None:
        """Accounts as Teams' settings list them, named later by `names` (the first of a repeated id wins)."""
        ...

    async def names(self, batch: Sequence[DirectoryEntry]) -> None: ...


class PhoneSystem(Protocol):
    """What Switchboard needs from one Teams tenant."""

    async def list_numbers(self, progress: ProgressCallback | None = None) -> list[TeamsNumber]:
        """Every number Teams knows, assigned or not, across all pages."""
        ...

    async def list_accounts(self, progress: ProgressCallback | None = None) -> list[TeamsAccount]:
        """Every user and resource account with its Teams voice settings and display name."""
        ...

    async def fetch_snapshot(self, progress: ProgressCallback | None = None) -> TeamsSnapshot:
        """Numbers plus the accounts that hold them, for a sync."""
        ...

    async def stream_snapshot(self, sink: SnapshotSink, progress: ProgressCallback | None = None) -> None:
        """What `fetch_snapshot` reads, handed to `sink` page by page instead of held whole: a sync of a
        million numbers keeps a few pages in memory. A number reported twice may reach the sink twice."""
        ...

    async def search_accounts(self, query: str, limit: int = 25) -> list[TeamsAccount]:
        """Accounts whose display name or UPN starts with `query` (case-insensitive), for pickers."""
        ...

    async def person_attributes(self, account_id: str) -> PersonAttributes | None:
        """What Entra says about the person that assignment rules read (department, usage location, city,
        office, company, groups); None when there is no such user."""
        ...

    async def get_account(self, account_id: str) -> TeamsAccount | None:
        """One account by Entra object id, or None when it does not exist."""
        ...

    async def assign_number(
        self,
        number: str,
        account_id: str,
        number_type: NumberType,
        location_id: str | None = None,
        on_started: OperationStarted | None = None,
    ) -> OperationOutcome:
        """Assign and wait for Teams' operation to finish (or our deadline to pass)."""
        ...

    async def unassign_number(
        self, number: str, number_type: NumberType, on_started: OperationStarted | None = None
    ) -> OperationOutcome:
        """Unassign and wait for Teams' operation to finish (or our deadline to pass)."""
        ...

    async def operation_outcome(self, location: str) -> OperationOutcome | None:
        """One look at an operation by the Location `on_started` was given: RUNNING while Teams works on
        it, None when Teams no longer knows it."""
        ...

    async def resolve_policy_id(self, policy_name: str) -> str:
        """The id of a voice routing policy by name; raises TeamsError when Teams does not know it."""
        ...

    async def grant_voice_routing_policy(self, account_id: str, policy_name: str | None) -> None:
        """Grant a voice routing policy (None: back to the global default); raises TeamsError."""
        ...

    def allowed_policies(self) -> tuple[str, ...]:
        """The voice routing policies operators may pick (configuration: Graph cannot list them)."""
        ...
