"""The repositories a unit of work offers, in Switchboard's own terms (implemented in `inventory.store`).

Every state change is conditional: a number, a flow, a run, a journal entry or a note changes only if
it is still as it was read (`version`, `status`), and the result says who won. Every number change
writes its audit event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from inventory.audit import AuditEvent
from inventory.flows import Flow
from inventory.journal import JournalEntry
from inventory.model import Actor, NumberStatus, NumberType, PhoneNumber
from inventory.notifications import Conversation, Notification
from inventory.number_query import NumberQuery, Page
from inventory.sync.changes import Change, LocalNumber
from inventory.sync.runs import StoredChange, SyncRun

NumberKey = tuple[str, str]  # (E.164 number, extension)
WriteProgress = Callable[[int, int], Awaitable[None]]  # (rows written, rows to write)
Facet = str  # "location", "pool" or "range"


@dataclass(frozen=True, slots=True)
class NewNumber:
    """A number the inventory does not have yet, as an import adds it (nobody holds it)."""

    tenant: str
    number: str
    number_type: NumberType
    extension: str = ""
    status: NumberStatus = NumberStatus.AVAILABLE
    location: str | None = None
    range_label: str | None = None
    carrier: str | None = None
    pool: str | None = None
    tags: tuple[str, ...] = ()
    notes: str | None = None
    emergency_location_id: str | None = None


ChangePair = tuple[PhoneNumber, PhoneNumber]  # (as read, as it should become)


class NumberRepository(Protocol):
    async def get(self, tenant: str, number: str, extension: str = "") -> PhoneNumber | None: ...

    async def get_by_id(self, tenant: str, number_id: int) -> PhoneNumber | None: ...

    async def get_many(self, tenant: str, keys: Iterable[NumberKey]) -> dict[NumberKey, PhoneNumber]:
        """The numbers among `keys` that exist, by key, in a few queries (never one per key)."""
        ...

    async def by_ids(self, tenant: str, ids: Iterable[int], *, lock: bool = False) -> dict[int, PhoneNumber]:
        """The tenant's numbers among `ids`, by id; with `lock`, held for this transaction (`lock_by_ids`)."""
        ...

    async def lock_by_ids(self, tenant: str, ids: Iterable[int]) -> dict[int, PhoneNumber]:
        """Read rows and hold them until the transaction ends: a version check in Python is then final."""
        ...

    async def lock_expired(self, now: datetime, *, tenant: str | None, limit: int) -> list[PhoneNumber]:
        """Reserved numbers whose hold expired and quarantined ones whose days are over, locked; rows another
        transaction holds are skipped (another replica is freeing them)."""
        ...

    async def tenant_is_empty(self, tenant: str) -> bool: ...

    async def numbers_between(self, tenant: str, first: str, last: str) -> set[str]:
        """The numbers without extension the tenant has from `first` to `last` inclusive."""
        ...

    async def for_sync(self, tenant: str) -> list[LocalNumber]:
        """The tenant's numbers without extension, only what the sync diff compares."""
        ...

    async def lock_tenant_for_inserts(self, tenant: str) -> None:
        """Serialise "insert the numbers that are missing" in one tenant until this transaction ends."""
        ...

    async def add(
        self,
        numbers: Sequence[NewNumber],
        *,
        action: str,
        actor: Actor,
        at: datetime,
        correlation_id: str,
        progress: WriteProgress | None = None,
    ) -> None:
        """Insert new numbers and their audit events (the caller knows they are missing)."""
        ...

    async def save(
        self,
        before: PhoneNumber,
        after: PhoneNumber,
        *,
        action: str,
        actor: Actor,
        correlation_id: str,
        detail: str | None = None,
    ) -> PhoneNumber:
        """Write `after` if the row is still at `before.version`; raise `ConcurrentChange` if not."""
        ...

    async def save_many(
        self,
        changes: Sequence[ChangePair],
        *,
        action: str,
        actor: Actor,
        correlation_id: str,
        detail: str | None = None,
    ) -> list[PhoneNumber]:
        """Conditionally write many changes; returns the ones that won (the rest changed meanwhile)."""
        ...

    async def save_locked(
        self, changes: Sequence[ChangePair], *, action: str, actor: Actor, correlation_id: str
    ) -> list[PhoneNumber]:
        """`save_many` for rows this transaction locked: all of them win, written in one batch."""
        ...

    async def delete_tenant(self, tenant: str, *, actor: Actor, at: datetime, correlation_id: str) -> int:
        """Delete every number of `tenant`, writing a `delete` audit event with each one's last state."""
        ...

    async def search(self, query: NumberQuery, *, limit: int = 25, after: str | None = None) -> Page:
        """One page of matches ordered by number; pass `next_cursor` back as `after` for the next page."""
        ...

    async def count(self, query: NumberQuery) -> int: ...

    async def available_by(self, tenant: str, facet: Facet) -> list[tuple[str, int]]:
        """How many available numbers each location, pool or range has, largest first."""
        ...


class AuditRepository(Protocol):
    async def history(
        self,
        tenant: str,
        *,
        number: str | None = None,
        holder: str | None = None,
        before_id: int | None = None,
        limit: int = 20,
    ) -> list[AuditEvent]:
        """Newest first. `holder` matches an Entra object id or a UPN (case-insensitive)."""
        ...


class JournalRepository(Protocol):
    async def write(self, entry: JournalEntry) -> None: ...

    async def close(self, entry_id: str, status: str, *, detail: str | None, at: datetime) -> bool:
        """Close a pending entry; False when it was already closed (by the reconciler, say)."""
        ...

    async def get(self, entry_id: str) -> JournalEntry | None: ...

    async def pending(self, *, tenant: str | None = None, created_before: datetime) -> list[JournalEntry]: ...

    async def pending_tenants(self, *, created_before: datetime) -> list[str]: ...

    async def for_flow(self, flow_id: str) -> list[JournalEntry]: ...


class SyncRunRepository(Protocol):
    async def create(self, run: SyncRun, changes: Sequence[Change]) -> None: ...

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


class OutboxRepository(Protocol):
    async def add(self, tenant: str, kind: str, card: dict[str, Any], *, at: datetime) -> bool:
        """Queue a note for the tenant's channel; a tenant without one gets nothing queued (False)."""
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

    async def get(self, conversation_id: str) -> Conversation | None: ...


class PrefsRepository(Protocol):
    async def tenant(self, operator_id: str) -> str | None: ...

    async def choose_tenant(self, operator_id: str, tenant: str, *, upn: str | None, at: datetime) -> None: ...
