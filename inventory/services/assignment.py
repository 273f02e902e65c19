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
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from inventory import model, transitions
from inventory.config import TenantConfig
from inventory.e164 import display_number
from inventory.errors import NotFound, TeamsError, TransitionRefused
from inventory.model import Actor, Assignee, NumberStatus, PhoneNumber
from inventory.ports.clock import Clock
from inventory.ports.phone_system import OperationOutcome, OperationStatus, PhoneSystem
from inventory.store.audit import new_correlation_id
from inventory.store.engine import Store
from inventory.store.journal import FAILED, SUCCEEDED, Journal, JournalEntry
from inventory.store.numbers import NumberRepository

log = logging.getLogger(__name__)


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

    @property
    def failed(self) -> bool:
        return not self.succeeded and not self.pending


class AssignmentService:
    def __init__(
        self,
        store: Store,
        phone_system_for: Callable[[str], PhoneSystem],
        tenant_config: Callable[[str], TenantConfig],
        clock: Clock,
    ) -> None:
        self._store = store
        self._phone_system_for = phone_system_for
        self._tenant_config = tenant_config
        self._clock = clock

    async def assign(self, request: AssignRequest, actor: Actor) -> OperationResult:
        """Assign `request.number` to `request.account` in Teams, grant the policy, then record it."""
        entry = await self._begin_assign(request, actor)
        phone = self._phone_system_for(request.tenant)
        number_type = model.NumberType(entry.number_type)
        outcome = await _call(phone.assign_number(request.number, request.account.id, number_type, request.location_id))
        if outcome.status is OperationStatus.TIMED_OUT:
            return self._still_pending(entry)
        if not outcome.succeeded:
            await self._fail_assign(entry, request, actor, outcome)
            return OperationResult(False, None, _failure_text(outcome), entry.correlation_id, entry.id)
        warning = None
        if request.policy:
            try:
                await phone.grant_voice_routing_policy(request.account.id, request.policy)
            except TeamsError as error:
                warning = str(error)
        policy = request.policy if request.policy and warning is None else None
        saved = await self._finish_assign(entry, request.account, policy, actor)
        return OperationResult(True, saved, None, entry.correlation_id, entry.id, policy_warning=warning)

    async def unassign(
        self, tenant: str, number_text: str, actor: Actor, *, extension: str = "", flow_id: str | None = None
    ) -> OperationResult:
        """Remove the number from its holder in Teams, then return it to the pool (or quarantine)."""
        now = self._clock.now()
        correlation_id = new_correlation_id()
        async with self._store.write() as connection:
            current = await _get(NumberRepository(connection), tenant, number_text, extension)
            if current.status is not NumberStatus.USED:
                raise TransitionRefused(
                    f"{current.label} is {current.status.value}, not assigned to anyone; there is nothing to remove."
                )
            holder = current.assignee
            entry = JournalEntry(
                id=str(uuid.uuid4()),
                tenant=tenant,
                kind="unassign",
                number=current.number,
                extension=current.extension,
                number_type=current.number_type.value,
                operator_id=actor.id,
                operator_name=actor.name,
                correlation_id=correlation_id,
                created_at=now,
                account_id=holder.id if holder else None,
                account_upn=holder.upn if holder else None,
                account_name=holder.display_name if holder else None,
                flow_id=flow_id,
            )
            await Journal(connection).write(entry)
        outcome = await _call(self._phone_system_for(tenant).unassign_number(current.number, current.number_type))
        if outcome.status is OperationStatus.TIMED_OUT:
            return self._still_pending(entry)
        if not outcome.succeeded:
            async with self._store.write() as connection:
                await Journal(connection).close(entry.id, FAILED, detail=_failure_text(outcome), at=self._clock.now())
            return OperationResult(False, None, _failure_text(outcome), correlation_id, entry.id)
        saved = await self._finish_unassign(entry, actor)
        return OperationResult(True, saved, None, correlation_id, entry.id)

    async def reconcile(self, tenant: str, *, older_than: timedelta = timedelta(minutes=2)) -> int:
        """Finish journal entries left pending (a crash, or Teams slower than our deadline) from what
        Teams shows now. Returns how many entries were closed."""
        now = self._clock.now()
        async with self._store.read() as connection:
            pending = await Journal(connection).pending(tenant=tenant, created_before=now - older_than)
        if not pending:
            return 0
        holders = {
            n.number: (n.holder_id if n.is_assigned else None)
            for n in await self._phone_system_for(tenant).list_numbers()
        }
        closed = 0
        system = Actor("system:reconcile", "Switchboard (reconcile)")
        for entry in pending:
            holder = holders.get(entry.number)
            if entry.kind == "assign":
                if holder and holder == entry.account_id:
                    assignee = Assignee(
                        entry.account_id,
                        entry.account_upn,
                        entry.account_name,
                        model.AccountType(entry.account_type or "user"),
                    )
                    await self._finish_assign(entry, assignee, None, system)
                else:
                    outcome = OperationOutcome(OperationStatus.FAILED, "Teams never completed the assignment.")
                    request = AssignRequest(
                        entry.tenant,
                        entry.number,
                        Assignee(entry.account_id or "", None, None),
                        None,
                        entry.extension,
                        entry.hold_owner,
                    )
                    await self._fail_assign(entry, request, system, outcome)
            elif holder is None:
                await self._finish_unassign(entry, system)
            else:
                async with self._store.write() as connection:
                    await Journal(connection).close(
                        entry.id, FAILED, detail="Teams still shows the number assigned.", at=self._clock.now()
                    )
            closed += 1
        log.info("reconciled tenant=%s entries=%d", tenant, closed)
        return closed

    async def _begin_assign(self, request: AssignRequest, actor: Actor) -> JournalEntry:
        now = self._clock.now()
        async with self._store.write() as connection:
            current = await _get(NumberRepository(connection), request.tenant, request.number, request.extension)
            # Check the rules now, before Teams is touched: the real transition happens after it succeeds.
            transitions.assign(
                current,
                request.account,
                policy=request.policy,
                operator=actor.name,
                now=now,
                hold_owner=request.hold_owner,
            )
            entry = JournalEntry(
                id=str(uuid.uuid4()),
                tenant=request.tenant,
                kind="assign",
                number=current.number,
                extension=current.extension,
                number_type=current.number_type.value,
                operator_id=actor.id,
                operator_name=actor.name,
                correlation_id=new_correlation_id(),
                created_at=now,
                account_id=request.account.id,
                account_upn=request.account.upn,
                account_name=request.account.display_name,
                account_type=request.account.account_type.value,
                policy=request.policy,
                location_id=request.location_id,
                hold_owner=request.hold_owner,
                flow_id=request.flow_id,
            )
            await Journal(connection).write(entry)
        return entry

    async def _finish_assign(
        self, entry: JournalEntry, account: Assignee, policy: str | None, actor: Actor
    ) -> PhoneNumber:
        now = self._clock.now()
        async with self._store.write() as connection:
            numbers = NumberRepository(connection)
            current = await _get(numbers, entry.tenant, entry.number, entry.extension)
            detail = None
            try:
                after = transitions.assign(
                    current, account, policy=policy, operator=actor.name, now=now, hold_owner=entry.hold_owner
                )
            except TransitionRefused as refused:
                # Teams assigned it, and Teams is the truth about holders: record it, and say what we overrode.
                detail = f"Assigned in Teams although the inventory said: {refused}"
                after = transitions.observe_teams_holder(current, account, policy=policy, operator=actor.name, now=now)
            saved = await numbers.save(
                current, after, action="assign", actor=actor, correlation_id=entry.correlation_id, detail=detail
            )
            await Journal(connection).close(entry.id, SUCCEEDED, detail=detail, at=now)
        log.info("assigned tenant=%s number=%s correlation=%s", entry.tenant, entry.number, entry.correlation_id)
        return saved

    async def _fail_assign(
        self, entry: JournalEntry, request: AssignRequest, actor: Actor, outcome: OperationOutcome
    ) -> None:
        """Close the entry and give a picked number back to the pool: the inventory is as before the flow."""
        now = self._clock.now()
        async with self._store.write() as connection:
            numbers = NumberRepository(connection)
            current = await numbers.get(entry.tenant, entry.number, entry.extension)
            if _held_by(current, request.hold_owner):
                assert current is not None
                released = transitions.cancel_hold(current, operator=actor.name, now=now)
                await numbers.save(
                    current,
                    released,
                    action="release-hold",
                    actor=actor,
                    correlation_id=entry.correlation_id,
                    detail=_failure_text(outcome),
                )
            await Journal(connection).close(entry.id, FAILED, detail=_failure_text(outcome), at=now)
        log.info(
            "assign failed tenant=%s number=%s detail=%s correlation=%s",
            entry.tenant,
            entry.number,
            outcome.detail,
            entry.correlation_id,
        )

    async def _finish_unassign(self, entry: JournalEntry, actor: Actor) -> PhoneNumber:
        now = self._clock.now()
        quarantine_days = self._tenant_config(entry.tenant).quarantine_days
        async with self._store.write() as connection:
            numbers = NumberRepository(connection)
            current = await _get(numbers, entry.tenant, entry.number, entry.extension)
            if current.status is NumberStatus.USED:
                after = transitions.release(current, operator=actor.name, now=now, quarantine_days=quarantine_days)
                current = await numbers.save(
                    current, after, action="unassign", actor=actor, correlation_id=entry.correlation_id
                )
            await Journal(connection).close(entry.id, SUCCEEDED, detail=None, at=now)
        return current

    def _still_pending(self, entry: JournalEntry) -> OperationResult:
        text = (
            f"Teams has not finished with {display_number(entry.number)} yet. Switchboard keeps checking and "
            "will record the outcome; nothing else can take the number meanwhile."
        )
        return OperationResult(False, None, text, entry.correlation_id, entry.id, pending=True)


async def _get(numbers: NumberRepository, tenant: str, number: str, extension: str) -> PhoneNumber:
    found = await numbers.get(tenant, number, extension)
    if found is None:
        raise NotFound(f"{display_number(number, extension)} is not in the {tenant} inventory.")
    return found


async def _call(operation: Awaitable[OperationOutcome]) -> OperationOutcome:
    """Await a Teams operation; a Teams error becomes a failed outcome carrying its message."""
    try:
        return await operation
    except TeamsError as error:
        return OperationOutcome(OperationStatus.FAILED, str(error))


def _held_by(number: PhoneNumber | None, owner: str | None) -> bool:
    return bool(
        owner
        and number is not None
        and number.status is NumberStatus.RESERVED
        and number.hold is not None
        and number.hold.owner == owner
    )


def _failure_text(outcome: OperationOutcome) -> str:
    if outcome.detail:
        return outcome.detail
    return f"Teams reported the operation as {outcome.status.value} without a reason."
