"""Assigning and removing numbers: Teams first, then the inventory, with the journal in between.

1. In one transaction: check the number may be assigned (or removed) and write a pending journal entry.
2. Call Teams and wait for its operation to finish.
3. In one transaction: update the number (used / available / quarantined) and close the entry.
A crash between 1 and 3 leaves a pending entry that `reconcile` finishes against what Teams shows.
When Teams does not finish before our deadline the entry stays pending (and a picked number stays
held) rather than guessing: the reconciler decides later.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from inventory import journal
from inventory.audit import new_correlation_id
from inventory.e164 import display_number, number_key, teams_number
from inventory.errors import NotFound, TeamsError, TransitionRefused
from inventory.journal import JournalEntry
from inventory.model import AccountType, Actor, Assignee, NumberStatus, NumberType, PhoneNumber
from inventory.pacing import lane
from inventory.ports.phone_system import OperationOutcome, OperationStatus, PhoneSystem
from inventory.services.bulk_openings import Opened, Opening, intent, open_batch, others_of
from inventory.services.bulk_settlements import settle_batch
from inventory.services.context import ServiceContext
from inventory.services.group_commit import BatchCommit, GroupCommit, OwnTransaction, Transactions
from inventory.services.operation_locations import OperationLocations
from inventory.services.policy_check import PolicyCheck
from inventory.services.policy_retry import PolicySettled, retry_due_policies
from inventory.services.settlement import (
    Assigned,
    Settling,
    close_failed,
    fail_assign,
    finish_assign,
    finish_unassign,
)

log = logging.getLogger(__name__)
RECONCILER = Actor("system:reconcile", "Switchboard (reconcile)")
_NOT_GRANTED = "Teams finished the assignment after Switchboard stopped waiting; the policy is granted next."
SETTLE_AFTER = timedelta(minutes=2)  # younger pending entries may still be finished by the operator's own turn
# An operation Teams still calls running after this long is stuck: the number's holder in Teams decides.
STUCK_AFTER = timedelta(minutes=30)


@dataclass(frozen=True)
class AssignRequest:
    tenant: str
    number: str
    account: Assignee
    policy: str | None
    extension: str = ""
    hold_owner: str | None = None  # the flow whose hold the number is under, if any
    flow_id: str | None = None
    location_id: str | None = None
    # A number Teams refuses is blocked with Teams' reason instead of going back to the pool (bulk runs:
    # the next plan must not offer it again), until someone returns it.
    keep_refused_out: bool = False


@dataclass(frozen=True)
class OperationResult:
    """What happened, in words an operator can act on. `pending`: Teams has not finished yet."""

    succeeded: bool
    number: PhoneNumber | None
    detail: str | None
    correlation_id: str
    journal_id: str
    pending: bool = False
    policy_warning: str | None = None
    policy_pending: bool = False  # the grant failed after the assignment: the journal retries it
    replaced: tuple[PhoneNumber, ...] = ()  # the holder's numbers Teams replaced with this one (now released)

    @property
    def failed(self) -> bool:
        return not self.succeeded and not self.pending


class AssignmentService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context
        self._storage = context.storage
        self._clock = context.clock
        self.policies = PolicyCheck(context)
        self._locations = OperationLocations(context.storage)
        # A bulk run's journal entries are opened, and settled, many to a transaction (`group_commit`);
        # apart, so that on PostgreSQL an opening and a settlement can run at the same time.
        self._openings: BatchCommit[Opening, Opened] = BatchCommit(context.storage, open_batch)
        self._settlements: BatchCommit[Settling, Assigned] = BatchCommit(context.storage, settle_batch)
        self._failures = GroupCommit(context.storage)
        self._own = OwnTransaction(context.storage)

    def _transactions(self, group: GroupCommit) -> Transactions:
        """The group commit for bulk work; a transaction of its own for an operator waiting on a card
        (which must not wait for a batch of bulk writes ahead of it)."""
        return group if lane.current() is lane.Lane.BULK else self._own

    async def assign(self, request: AssignRequest, actor: Actor) -> OperationResult:
        """Assign `request.number` to `request.account` in Teams, grant the policy, then record it.

        The policy is looked up in Teams first: an unknown one is refused before the number moves.
        """
        if request.policy:
            await self.policies.require(request.tenant, request.policy)
        entry, replaces = await self._begin_assign(request, actor)
        phone = self._context.phones(request.tenant)
        number_type = NumberType(entry.number_type)
        wire = teams_number(request.number, request.extension)
        outcome = await self._in_teams(
            request.tenant,
            phone.assign_number(
                wire, request.account.id, number_type, request.location_id, on_started=self._keeper(entry)
            ),
        )
        if outcome.status is OperationStatus.TIMED_OUT:
            return _still_pending(entry)
        if not outcome.succeeded:
            await fail_assign(
                self._storage,
                entry,
                _failure_text(outcome),
                actor,
                self._clock.now(),
                keep_out=request.keep_refused_out,
                transactions=self._transactions(self._failures),
            )
            return OperationResult(False, None, _failure_text(outcome), entry.correlation_id, entry.id)
        warning = None
        if request.policy:
            try:
                await phone.grant_voice_routing_policy(request.account.id, request.policy)
            except TeamsError as error:
                warning = str(error)
        policy = request.policy if request.policy and warning is None else None
        still_held = await _still_held(phone, request.account.id) if replaces else frozenset()
        done = await finish_assign(
            self._storage,
            entry,
            request.account,
            policy,
            actor,
            self._clock.now(),
            still_held=still_held,
            quarantine_days=self._context.tenant(request.tenant).quarantine_days,
            policy_failure=warning,
            settle=self._settlements.run if lane.current() is lane.Lane.BULK else None,
        )
        return OperationResult(
            True,
            done.number,
            None,
            entry.correlation_id,
            entry.id,
            policy_warning=warning,
            policy_pending=warning is not None,
            replaced=done.replaced,
        )

    async def unassign(
        self, tenant: str, number_text: str, actor: Actor, *, extension: str = "", flow_id: str | None = None
    ) -> OperationResult:
        """Remove the number from its holder in Teams, then return it to the pool (or quarantine)."""
        async with self._storage.write() as uow:
            current = await uow.numbers.get(tenant, number_text, extension)
            if current is None:
                raise NotFound(f"{display_number(number_text, extension)} is not in the {tenant} inventory.")
            if current.status is not NumberStatus.USED:
                raise TransitionRefused(
                    f"{current.label} is {current.status.value}, not assigned to anyone; there is nothing to remove."
                )
            entry = journal.begin(
                journal.Kind.UNASSIGN,
                current,
                current.assignee,
                actor,
                at=self._clock.now(),
                correlation_id=new_correlation_id(),
                flow_id=flow_id,
            )
            await uow.journal.write(entry)
        phone = self._context.phones(tenant)
        outcome = await self._in_teams(
            tenant,
            phone.unassign_number(
                teams_number(current.number, current.extension), current.number_type, on_started=self._keeper(entry)
            ),
        )
        if outcome.status is OperationStatus.TIMED_OUT:
            return _still_pending(entry)
        if not outcome.succeeded:
            await close_failed(self._storage, entry, _failure_text(outcome), self._clock.now())
            return OperationResult(False, None, _failure_text(outcome), entry.correlation_id, entry.id)
        saved = await self._finish_unassign(entry, actor)
        return OperationResult(True, saved, None, entry.correlation_id, entry.id)

    async def reconcile(self, tenant: str, *, older_than: timedelta = SETTLE_AFTER) -> int:
        """Finish journal entries left pending (a crash, or Teams slower than our deadline) from what
        Teams shows now. Returns how many entries were closed."""
        now = self._clock.now()
        async with self._storage.read() as uow:
            pending = await uow.journal.pending(tenant=tenant, created_before=now - older_than)
        return await self._settle(tenant, pending)

    async def reconcile_flow(self, tenant: str, flow_id: str) -> int:
        """Settle the pending entries of one flow whatever their age: its runner is gone (a restart), so
        nobody else is waiting for Teams' answer to them."""
        async with self._storage.read() as uow:
            pending = [e for e in await uow.journal.for_flow(flow_id) if e.status == journal.PENDING]
        return await self._settle(tenant, pending)

    async def _settle(self, tenant: str, pending: list[JournalEntry]) -> int:
        """Close what Teams has finished: an entry whose operation Teams still runs stays pending (its
        number stays held), one whose operation failed closes with Teams' reason, and the rest (succeeded,
        or no operation to ask) are settled from who holds the number in Teams now."""
        pending, failed, done = await self._ask_operations(tenant, pending)
        for entry, reason in failed:
            if entry.kind == journal.Kind.ASSIGN:
                await fail_assign(self._storage, entry, reason, RECONCILER, self._clock.now())
            else:
                await close_failed(self._storage, entry, reason, self._clock.now())
        if not pending:
            return len(failed)
        holders = {
            n.key: (n.holder_id if n.is_assigned else None) for n in await self._context.phones(tenant).list_numbers()
        }
        quarantine_days = self._context.tenant(tenant).quarantine_days
        for entry in pending:
            holder = holders.get(number_key(entry.number, entry.extension))
            # Teams' own word that the operation succeeded stands even if its listing lags behind.
            confirmed = entry.id in done
            if entry.kind == journal.Kind.ASSIGN and ((holder and holder == entry.account_id) or confirmed):
                still_held = frozenset(key for key, held_by in holders.items() if held_by == entry.account_id)
                await finish_assign(
                    self._storage,
                    entry,
                    _account_of(entry),
                    None,
                    RECONCILER,
                    self._clock.now(),
                    still_held=still_held,
                    quarantine_days=quarantine_days,
                    # Nobody granted the entry's policy while Teams was slow: the retries do it now.
                    policy_failure=_NOT_GRANTED if entry.policy else None,
                )
            elif entry.kind == journal.Kind.ASSIGN:
                await fail_assign(
                    self._storage, entry, "Teams never completed the assignment.", RECONCILER, self._clock.now()
                )
            elif holder is None or confirmed:
                await self._finish_unassign(entry, RECONCILER)
            else:
                await close_failed(self._storage, entry, "Teams still shows the number assigned.", self._clock.now())
        log.info("reconciled tenant=%s entries=%d", tenant, len(pending) + len(failed))
        return len(pending) + len(failed)

    async def _ask_operations(
        self, tenant: str, entries: list[JournalEntry]
    ) -> tuple[list[JournalEntry], list[tuple[JournalEntry, str]], set[str]]:
        """Ask Teams about each entry's own operation: (entries to settle, entries whose operation failed
        with the reason, ids of the entries Teams says succeeded). Entries whose operation still runs are
        left out."""
        phone = self._context.phones(tenant)
        settle: list[JournalEntry] = []
        failed: list[tuple[JournalEntry, str]] = []
        done: set[str] = set()
        for entry in entries:
            if entry.operation_location is None:
                settle.append(entry)  # the crash came before Teams accepted it (or the entry predates this)
                continue
            try:
                outcome = await phone.operation_outcome(entry.operation_location)
            except TeamsError as error:
                log.warning("operation unreadable entry=%s error=%s", entry.id, error)
                continue  # ask again next time rather than guess
            if outcome is not None and outcome.succeeded:
                done.add(entry.id)
                settle.append(entry)
            elif outcome is None:
                settle.append(entry)  # Teams forgot the operation: who holds the number decides
            elif outcome.status is OperationStatus.RUNNING and self._clock.now() - entry.created_at >= STUCK_AFTER:
                log.warning("operation stuck entry=%s number=%s", entry.id, entry.number)
                settle.append(entry)
            elif outcome.status is OperationStatus.RUNNING:
                log.info("operation still running entry=%s number=%s", entry.id, entry.number)
            else:
                failed.append((entry, _failure_text(outcome)))
        return settle, failed, done

    async def _in_teams(self, tenant: str, operation: Awaitable[OperationOutcome]) -> OperationOutcome:
        """Await a Teams operation, counted at the tenant's gate so bulk runs leave it room (a bulk run's
        own operations already hold their place there)."""
        if lane.current() is lane.Lane.BULK:
            return await _call(operation)
        async with self._context.gate(tenant).interactive_slot():
            return await _call(operation)

    def _keeper(self, entry: JournalEntry) -> Callable[[str], Awaitable[None]]:
        """Keeps the operation's Location on the entry the moment Teams accepts it (a crash after this
        leaves an entry the reconciler can ask Teams about)."""

        async def keep(location: str) -> None:
            await self._locations.keep(entry.id, location)

        return keep

    async def retry_policies(self) -> list[PolicySettled]:
        """Grant the voice routing policies that failed after their assignment, where due (see policy_retry)."""
        return await retry_due_policies(self._context)

    async def reconcile_all(self) -> int:
        """`reconcile` every tenant that has entries old enough to settle."""
        async with self._storage.read() as uow:
            tenants = await uow.journal.pending_tenants(created_before=self._clock.now() - SETTLE_AFTER)
        return sum([await self.reconcile(tenant) for tenant in tenants])

    async def _begin_assign(self, request: AssignRequest, actor: Actor) -> Opened:
        """The pending entry, and the numbers the inventory has on the account besides this one (which
        Teams may replace). Bulk work opens its entries a batch to a transaction (`bulk_openings`)."""
        opening = Opening(request, actor, self._clock.now())
        if lane.current() is lane.Lane.BULK:
            return await self._openings.run(opening)
        async with self._storage.write() as uow:
            current = await uow.numbers.get(request.tenant, request.number, request.extension)
            entry = intent(current, opening)
            assert current is not None  # `intent` refused a missing number
            await uow.journal.write(entry)
            held = await uow.numbers.held_by(request.tenant, [request.account.id])
        return entry, others_of(current, request.account.id, held)

    async def _finish_unassign(self, entry: JournalEntry, actor: Actor) -> PhoneNumber:
        days = self._context.tenant(entry.tenant).quarantine_days
        return await finish_unassign(self._storage, entry, actor, self._clock.now(), quarantine_days=days)


def _account_of(entry: JournalEntry) -> Assignee:
    assert entry.account_id is not None, "an assign entry always names its account"
    return Assignee(entry.account_id, entry.account_upn, entry.account_name, AccountType(entry.account_type or "user"))


async def _still_held(phone: PhoneSystem, account_id: str) -> frozenset[str] | None:
    """The numbers Teams lists on the account now; None when Teams cannot say (then the settlement applies
    the documented rule: a new number replaces the holder's number of the same type)."""
    try:
        account = await phone.get_account(account_id)
    except TeamsError as error:
        log.warning("holder numbers unreadable account=%s error=%s", account_id, error)
        return None
    return frozenset(account.numbers) if account is not None else frozenset()


def _still_pending(entry: JournalEntry) -> OperationResult:
    text = (
        f"Teams has not finished with {display_number(entry.number)} yet. Switchboard keeps checking and "
        "will record the outcome; nothing else can take the number meanwhile."
    )
    return OperationResult(False, None, text, entry.correlation_id, entry.id, pending=True)


async def _call(operation: Awaitable[OperationOutcome]) -> OperationOutcome:
    """Await a Teams operation; a Teams error becomes a failed outcome carrying its message."""
    try:
        return await operation
    except TeamsError as error:
        return OperationOutcome(OperationStatus.FAILED, str(error))


def _failure_text(outcome: OperationOutcome) -> str:
    return outcome.detail or f"Teams reported the operation as {outcome.status.value} without a reason."
