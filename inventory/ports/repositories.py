"""The inventory's repositories, in Switchboard's own terms: the numbers and their audit trail.

Every number change is conditional (it is written only if the row is still at the version it was read
at, and the result says who won) and writes its audit event in the same transaction. The repositories
of work in progress (journal, sync runs, flows, outbox) are in `inventory.ports.work_repositories`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from inventory.audit import AuditEvent
from inventory.model import Actor, Hold, NumberStatus, NumberType, PhoneNumber
from inventory.number_query import NumberQuery, Page
from inventory.sync.changes import LocalNumber

NumberKey = tuple[str, str]  # (E.164 number, extension)
WriteProgress = Callable[[int, int], Awaitable[None]]  # (rows written, rows to write)
Facet = str  # "location", "pool" or "range"


@dataclass(frozen=True, slots=True)
class NewNumber:
    """A number the inventory does not have yet, as an import adds it (nobody in Teams holds it; a file may
    reserve it)."""

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
    hold: Hold | None = None


ChangePair = tuple[PhoneNumber, PhoneNumber]  # (as read, as it should become)


class FileFields(NamedTuple):
    """What a CSV row can set on a number the inventory has, as stored (`number_type` and `status` as
    their text): enough to see that a re-imported row changes nothing without building the whole number."""

    number_type: str
    status: str
    location: str | None
    range_label: str | None
    carrier: str | None
    pool: str | None
    tags: tuple[str, ...]
    notes: str | None
    emergency_location_id: str | None


@dataclass(frozen=True)
class Saving:
    """One number's change with what its history says about it."""

    before: PhoneNumber
    after: PhoneNumber
    action: str
    correlation_id: str
    detail: str | None = None


class NumberRepository(Protocol):
    async def get(self, tenant: str, number: str, extension: str = "") -> PhoneNumber | None: ...

    async def get_many(self, tenant: str, keys: Iterable[NumberKey]) -> dict[NumberKey, PhoneNumber]:
        """The numbers among `keys` that exist, by key, in a few queries (never one per key)."""
        ...

    async def file_fields(self, tenant: str, keys: Iterable[NumberKey]) -> dict[NumberKey, FileFields]:
        """`get_many`'s numbers, only the fields a CSV row can set: a re-import's first look."""
        ...

    async def listed(
        self, tenant: str, keys: Iterable[NumberKey], *, lock: bool = False
    ) -> dict[NumberKey, PhoneNumber]:
        """Like `get_many`, by the numbers themselves: for a few keys spread over a large tenant; with
        `lock`, held until the transaction ends."""
        ...

    async def save_each(self, changes: Sequence[Saving], *, actor: Actor) -> list[PhoneNumber]:
        """Each change with its own action, correlation and detail: one executemany and one audit batch.
        The rows must be locked (read with `lock` in this transaction): every one must win."""
        ...

    async def by_ids(self, tenant: str, ids: Iterable[int], *, lock: bool = False) -> dict[int, PhoneNumber]:
        """The tenant's numbers among `ids`, by id; with `lock`, held for this transaction (`lock_by_ids`)."""
        ...

    async def lock_by_ids(self, tenant: str, ids: Iterable[int]) -> dict[int, PhoneNumber]:
        """Read rows and hold them until the transaction ends: a version check in Python is then final."""
        ...

    async def held_by(self, tenant: str, assignee_ids: Collection[str], *, lock: bool = False) -> list[PhoneNumber]:
        """Every number the inventory has on these holders; with `lock`, held until the transaction ends."""
        ...

    async def lock_expired(self, now: datetime, *, tenant: str | None, limit: int) -> list[PhoneNumber]:
        """Reserved numbers whose hold expired and quarantined ones whose days are over, locked; rows another
        transaction holds are skipped (another replica is freeing them). A hold on a number with a pending
        Teams operation is never expired: the journal entry's outcome decides what becomes of it."""
        ...

    async def lock_expiring(self, now: datetime, before: datetime, *, limit: int) -> list[PhoneNumber]:
        """Operators' reservations that end after `now` and by `before` and whose owner was not warned yet,
        locked; rows another transaction holds are skipped."""
        ...

    async def tenant_is_empty(self, tenant: str) -> bool: ...

    async def types_in_use(self, tenant: str) -> frozenset[str]:
        """Every number type the tenant's numbers have: the listed ones and any Teams reported verbatim."""
        ...

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

    async def count(self, query: NumberQuery, *, at_most: int | None = None) -> int:
        """How many numbers match; with `at_most`, counting stops at `at_most + 1` ("more than at_most")."""
        ...

    async def available_by(self, tenant: str, facet: Facet) -> list[tuple[str, int]]:
        """How many available numbers each location, pool or range has, largest first."""
        ...

    async def status_counts_by_pool(
        self, tenant: str, pools: Collection[str] | None = None
    ) -> list[tuple[str | None, str, int]]:
        """(pool, status, count) for each pool of `tenant` and status it has numbers in; None: no pool.
        `pools`: only these (the capacity check counts only pools with a threshold)."""
        ...

    async def available_up_to(self, tenant: str, pool: str, limit: int) -> int:
        """The available numbers of `pool` (its exact name), counted up to `limit` at most."""
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

    async def get(self, tenant: str, event_id: int) -> AuditEvent | None:
        """One event of the tenant (another tenant's id reads as none)."""
        ...

    async def write_setting(
        self,
        tenant: str,
        action: str,
        actor: Actor,
        *,
        at: datetime,
        correlation_id: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        """An audited act that changes no number (a setting, a bulk plan sent for approval): what in before/after."""
        ...
