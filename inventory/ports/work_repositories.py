"""The repositories of work in progress: Teams operations, sync runs, card flows, the notification outbox,
the conversations the bot knows, operators' choices and what the stuck-state watch has told (implemented
in `inventory.store`).

Every state change is conditional on the record still being as it was read (`version`, `status`): the
result says who won, so replicas and repeated clicks cannot both win.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from inventory.flows import Flow
from inventory.journal import JournalEntry
from inventory.model import Actor, NumberType, PhoneNumber
from inventory.notifications import Conversation, Notification
from inventory.ports.phone_system import DirectoryEntry, TeamsAccount, TeamsNumber
from inventory.sync.changes import Change
from inventory.sync.ranges import Bound, StagedRange
from inventory.sync.runs import StoredChange, SyncRun


class JournalRepository(Protocol):
    async def write(self, entry: JournalEntry) -> None: ...

    async def write_many(self, entries: Sequence[JournalEntry]) -> None: ...

    async def close_many(self, closes: Sequence[tuple[str, str | None, datetime]], status: str) -> None: ...

    async def close(
        self, entry_id: str, status: str, *, detail: str | None, at: datetime, from_status: str = "pending"
    ) -> bool:
        """Close an entry still in `from_status`; False when it was already closed (by the reconciler, say)."""
        ...

    async def retry_policy_later(
        self, entry_id: str, *, from_status: str, attempts: int, detail: str, retry_at: datetime
    ) -> bool:
        """Keep the entry open as policy_pending, its grant due again at `retry_at`."""
        ...

    async def policy_due(self, *, due_at: datetime) -> list[JournalEntry]:
        """Entries whose policy grant is due again, oldest first."""
        ...

    async def policy_pending_for(self, tenant: str, numbers: Sequence[str]) -> dict[str, str]:
        """Number (E.164) -> the policy still being granted, for those of `numbers` that have one."""
        ...

    async def close_pending_of_tenant(self, tenant: str, status: str, *, detail: str, at: datetime) -> int:
        """Close every pending entry of `tenant` (delete inventory); how many were closed."""
        ...

    async def get(self, entry_id: str) -> JournalEntry | None: ...

    async def set_operations(self, locations: Mapping[str, str]) -> None:
        """Keep the Location of each entry's Teams operation (entry id -> Location; pending entries only),
        in one statement."""
        ...

    async def pending(self, *, tenant: str | None = None, created_before: datetime) -> list[JournalEntry]: ...

    async def pending_tenants(self, *, created_before: datetime) -> list[str]: ...

    async def for_flow(self, flow_id: str) -> list[JournalEntry]: ...

    async def for_hold_owner(self, hold_owner: str) -> list[JournalEntry]:
        """The entries of the holds of one owner (a number request's approvals), oldest first."""
        ...


class SyncStagingRepository(Protocol):
    """What a sync fetched, staged by run so the diff reads it back one key range at a time."""

    async def begin(self, run_id: str, tenant: str, at: datetime) -> None: ...

    async def add_numbers(self, run_id: str, numbers: Iterable[TeamsNumber], *, first_seq: int = 0) -> int:
        """Stage numbers in arrival order from `first_seq` (a number staged twice keeps its first report)."""
        ...

    async def add_names(self, run_id: str, names: Iterable[DirectoryEntry]) -> None: ...

    async def add_accounts(self, run_id: str, accounts: Iterable[TeamsAccount]) -> None:
        """Stage accounts (a repeated one keeps its first staging) and the numbers their settings list."""
        ...

    async def next_bound(self, run_id: str, after: Bound | None, chunk: int) -> Bound | None:
        """The last key of the next `chunk` staged numbers after `after`; None when fewer are left."""
        ...

    async def store_plain_adds(
        self,
        run_id: str,
        tenant: str,
        after: Bound | None,
        upto: Bound | None,
        *,
        default_type: NumberType,
        in_flight: Collection[str],
    ) -> int:
        """Store as changes of the run the adds among the keys in (after, upto] that need none of the diff's
        rules (the inventory lacks the number, Teams reports it once on at most its holder's account, and
        no operation is pending on it, `in_flight` being their E.164 numbers); how many."""
        ...

    async def read_range(
        self,
        run_id: str,
        tenant: str,
        after: Bound | None,
        upto: Bound | None,
        *,
        in_flight: Collection[str] = (),
        plain_adds: int = 0,
    ) -> StagedRange:
        """Both sides of the keys in (after, upto] (None: to the end): the count both agree on, and the rest
        as records for the diff (Teams' numbers with the accounts they touch, the inventory's rows), less
        the `plain_adds` that `store_plain_adds` stored for the same `in_flight`."""
        ...

    async def counts(self, run_id: str) -> tuple[int, int]:
        """(numbers, accounts) staged for the run."""
        ...

    async def refresh_statistics(self, *, with_inventory: bool = False) -> None:
        """Let the database plan the next reads for the rows just staged (or the changes just stored;
        `with_inventory`: and the numbers as they are now)."""
        ...

    async def drop(self, run_ids: Iterable[str], *, with_changes: bool = False) -> None:
        """Forget what the runs staged (`with_changes`: and the changes a run that never finished stored)."""
        ...

    async def purge_before(self, cutoff: datetime) -> int:
        """Forget stagings started before `cutoff` (diffs that never finished); how many."""
        ...


class SyncRunRepository(Protocol):
    async def create(self, run: SyncRun, changes: Sequence[Change] = ()) -> None: ...

    async def add_changes(self, run_id: str, changes: Sequence[Change]) -> None:
        """Store more changes of a run (a diff in ranges stores each range's before the run itself)."""
        ...

    async def get(self, run_id: str) -> SyncRun | None: ...

    async def recent(self, tenant: str, *, since: datetime, limit: int = 5) -> list[SyncRun]:
        """The tenant's runs started since `since`, newest first."""
        ...

    async def changes(
        self,
        run_id: str,
        categories: Collection[str],
        *,
        after_id: int = 0,
        limit: int | None = None,
        with_fields: bool = True,
    ) -> list[StoredChange]:
        """Changes in id order; without `with_fields`, the field-by-field lists are left out."""
        ...

    async def failed_in_teams(self, run_id: str, *, limit: int) -> tuple[int, list[StoredChange]]:
        """How many of the run's changes bring a number into a state Teams reports as failed, and the first."""
        ...

    async def apply_adds(
        self, run_id: str, tenant: str, *, actor: Actor, at: datetime, correlation_id: str
    ) -> tuple[int, list[str]]:
        """Insert the run's adds the inventory still lacks (the caller holds the tenant's insert lock).
        Returns how many were added and the numbers someone else added meanwhile."""
        ...

    async def close(self, run_id: str, status: str, *, by: str, at: datetime, result: dict[str, Any] | None) -> bool:
        """Move an open run to `status`; False when it was no longer open (someone closed it first)."""
        ...

    async def set_result(self, run_id: str, result: dict[str, Any]) -> None: ...

    async def purge_before(self, cutoff: datetime) -> int:
        """Forget the changes of runs started before `cutoff` (the runs stay, with counts and results)."""
        ...


class FlowRepository(Protocol):
    async def create(self, flow: Flow) -> None: ...

    async def get(self, flow_id: str) -> Flow | None: ...

    async def advance(
        self, flow: Flow, *, step: str, state: dict[str, Any], now: datetime, expires_at: datetime | None = None
    ) -> Flow | None:
        """Move `flow` to its next step if nobody moved it since it was read; None when someone did."""
        ...

    async def purge_expired(self, before: datetime) -> int: ...

    async def in_step(self, kind: str, step: str) -> list[Flow]:
        """The flows of `kind` at `step` (a few at most: runs in flight), oldest first."""
        ...


class OutboxRepository(Protocol):
    async def add(
        self, tenant: str, kind: str, card: dict[str, Any], *, at: datetime, subject: str | None = None
    ) -> bool:
        """Queue a note for the tenant's channel; a tenant without one gets nothing queued (False)."""
        ...

    async def last_queued(self, tenant: str, kind: str) -> datetime | None:
        """When the tenant's last note of `kind` was queued (None: never), e.g. the weekly capacity summary."""
        ...

    async def claim_due(self, *, now: datetime, limit: int = 20) -> list[Notification]:
        """Claim due notes for this replica (pending, or sending with a lapsed lease)."""
        ...

    async def mark_sent(self, notification_id: int, *, at: datetime) -> None: ...

    async def mark_dropped(self, notification_id: int, reason: str) -> None: ...

    async def mark_failed(
        self, notification: Notification, error: str, *, now: datetime, retry_base_seconds: float = 5.0
    ) -> None:
        """Schedule a retry with backoff, or give up after the last attempt."""
        ...


class ConversationRepository(Protocol):
    async def remember(self, conversation: Conversation, *, at: datetime) -> None:
        """Insert or refresh a conversation; keeps which tenant it hears about."""
        ...

    async def notify_here(self, conversation_id: str, tenant: str) -> None:
        """Make `conversation_id` the tenant's one notification channel."""
        ...

    async def channel_for(self, tenant: str) -> Conversation | None: ...

    async def personal_for(self, person_id: str) -> Conversation | None:
        """The person's personal chat with the bot heard from last (None: the bot kept none)."""
        ...


class PrefsRepository(Protocol):
    async def tenant(self, operator_id: str) -> str | None: ...

    async def choose_tenant(self, operator_id: str, tenant: str, *, upn: str | None, at: datetime) -> None: ...


class StuckRepository(Protocol):
    async def not_activated(
        self, tenant: str, *, changed_before: datetime, limit: int
    ) -> tuple[int, list[PhoneNumber]]:
        """How many numbers Teams has shown not activated since before `changed_before`, and the oldest."""
        ...

    async def reported(self, tenant: str) -> set[str]:
        """The subjects (`StuckItem.subject`) the tenant's channel has been told about and not forgotten."""
        ...

    async def remember(self, tenant: str, subjects: Collection[str], *, at: datetime) -> None: ...

    async def forget(self, tenant: str, subjects: Collection[str]) -> None:
        """Subjects no longer stuck: told again should they get stuck again."""
        ...
