"""Number requests: made in a chat by anyone the tenant allows, decided by one of the tenant's approvers.

`create` holds a suggested number (the next free one of the pool or location asked) and records the request
in one transaction; `approve` assigns it through the normal journaled path (`AssignmentService.assign`,
with the request's hold owner and the tenant's default policy); `change_number` swaps the held number;
`reject` and `expire_due` give it back. Every transition is a conditional update of the request (version
and status), inside the same transaction as the number it touches: of two approvers clicking at once one
wins, and the other is answered with the outcome.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from inventory import journal, transitions
from inventory.e164 import parse_number
from inventory.errors import ConcurrentChange, NotFound, SwitchboardError, TransitionRefused
from inventory.flows import Flow
from inventory.journal import JournalEntry
from inventory.model import AccountType, Actor, Assignee, Hold, NumberStatus, PhoneNumber
from inventory.number_query import NumberQuery
from inventory.ports.storage import UnitOfWork
from inventory.requests import NumberRequest, Person, RequestStatus, request_hold_owner
from inventory.services.assignment import RECONCILER, SETTLE_AFTER, STUCK_AFTER, AssignmentService, AssignRequest
from inventory.services.context import ServiceContext
from inventory.services.flow_steps import Move, advance_in
from inventory.services.holds import NOTE_LIMIT, flow_hold_owner, take_free
from inventory.services.reservations import require_pool

log = logging.getLogger(__name__)
EXPIRER = Actor("system:request-expiry", "Switchboard (request expiry)")


@dataclass(frozen=True)
class NewRequest:
    tenant: str
    requester: Actor
    requester_mri: str
    person: Person
    pool: str | None = None
    location: str | None = None
    note: str = ""
    place: str | None = None  # `in X` as typed: a pool when one is called so, else a location
    conversation: dict[str, Any] | None = None
    approver_mris: tuple[str, ...] = ()


@dataclass(frozen=True)
class NumberKey:
    """The number an operator's card holds, and what their confirm card chose for it (four eyes)."""

    number: str
    extension: str = ""
    policy: str | None = None
    location_id: str | None = None
    person_type: str = "user"


@dataclass(frozen=True)
class Decision:
    """What a click did: the request as it is now, and whether this click decided it (False: it was decided,
    or changed, by someone else first; the request says how)."""

    request: NumberRequest
    decided: bool
    detail: str | None = None


class RequestService:
    def __init__(self, context: ServiceContext, assignments: AssignmentService) -> None:
        self._context = context
        self._storage = context.storage
        self._clock = context.clock
        self._assignments = assignments
        self._lifetime = timedelta(hours=context.settings.request_hours)

    async def create(self, new: NewRequest, *, correlation_id: str) -> NumberRequest:
        """Hold the next free number of the pool or location asked and record the request, in one
        transaction. Refuses, changing nothing, when the pool is unknown or nothing there is free."""
        now = self._clock.now()
        request_id = uuid.uuid4().hex
        async with self._storage.write() as uow:
            pool = await require_pool(uow, new.tenant, new.pool) if new.pool else None
            location = new.location
            if new.place:
                pool = await _pool_called(uow, new.tenant, new.place)
                location = None if pool else new.place
            query = NumberQuery(tenant=new.tenant, pool=pool, location=location)
            hold = _new_hold(request_id, new.requester.name, new.note, new.person)
            held = await take_free(
                uow, query, 1, hold, action="hold", actor=new.requester, correlation_id=correlation_id, now=now
            )
            if not held:
                where = f"pool {pool}" if pool else f"location {location}" if location else new.tenant
                raise TransitionRefused(f"No number is free in {where} right now; nothing was requested.")
            request = NumberRequest(
                id=request_id,
                tenant=new.tenant,
                requester_id=new.requester.id,
                requester_name=new.requester.name,
                requester_mri=new.requester_mri,
                person=new.person,
                pool=pool,
                location=location,
                note=new.note[:NOTE_LIMIT],
                number=held[0].number,
                extension=held[0].extension,
                status=RequestStatus.PENDING,
                created_at=now,
                expires_at=now + self._lifetime,
                conversation=new.conversation,
                approver_mris=new.approver_mris,
            )
            await uow.requests.add(request)
        return request

    async def from_assignment(
        self, new: NewRequest, flow: Flow, number: NumberKey, then: Move, *, correlation_id: str
    ) -> NumberRequest:
        """Four eyes: an operator's confirmed assignment becomes a request for the number their card holds.
        The hold passes from the flow to the request (both audited), the request is recorded with the policy
        and emergency location chosen, and the flow moves on, in one transaction. Refused, changing nothing,
        when the card no longer holds the number."""
        now = self._clock.now()
        request_id = uuid.uuid4().hex
        async with self._storage.write() as uow:
            current = await uow.numbers.get(new.tenant, number.number, number.extension)
            owner = flow_hold_owner(flow.id)
            if current is None or current.hold is None or current.hold.owner != owner:
                raise TransitionRefused("This card no longer holds the number; pick it again.")
            freed = await uow.numbers.save(
                current,
                transitions.cancel_hold(current, operator=new.requester.name, now=now),
                action="release-hold",
                actor=new.requester,
                correlation_id=correlation_id,
                detail="Four eyes: held for the approval request instead.",
            )
            hold = _new_hold(request_id, new.requester.name, new.note, new.person)
            taken = transitions.hold(freed, hold, operator=new.requester.name, now=now)
            await uow.numbers.save(freed, taken, action="hold", actor=new.requester, correlation_id=correlation_id)
            request = NumberRequest(
                id=request_id,
                tenant=new.tenant,
                requester_id=new.requester.id,
                requester_name=new.requester.name,
                requester_mri=new.requester_mri,
                person=new.person,
                pool=current.pool,
                location=None,
                note=new.note[:NOTE_LIMIT],
                number=current.number,
                extension=current.extension,
                status=RequestStatus.PENDING,
                created_at=now,
                expires_at=now + self._lifetime,
                conversation=new.conversation,
                approver_mris=new.approver_mris,
                policy=number.policy,
                location_id=number.location_id,
                person_type=number.person_type,
            )
            await uow.requests.add(request)
            await advance_in(uow, flow, then, now=now)
        return request

    async def get(self, request_id: str) -> NumberRequest:
        async with self._storage.read() as uow:
            found = await uow.requests.get(request_id)
        if found is None:
            raise NotFound("That number request does not exist (any more).")
        return found

    async def attach_card(self, request_id: str, activity_id: str) -> None:
        """Remember the posted card's message id, so a decision or expiry can update it for everyone."""
        async with self._storage.write() as uow:
            current = await uow.requests.get(request_id)
            if current is not None and current.activity_id != activity_id:
                await uow.requests.replace(current, replace(current, activity_id=activity_id))

    async def attach_channel_copy(
        self, request_id: str, conversation: dict[str, Any], activity_id: str
    ) -> NumberRequest | None:
        """Remember where the tenant's channel got its copy of a personal-chat request; returns the request as
        it is now (None: gone), so a decision that came before the copy was posted can be shown on it."""
        async with self._storage.write() as uow:
            if not await uow.requests.set_channel_copy(request_id, conversation, activity_id):
                return None
            return await uow.requests.get(request_id)

    async def approve(self, request_id: str, version: int, approver: Actor) -> Decision:
        """Assign the held number to the person: `claim_approval`, then (for the winner) `settle_approval`."""
        claim = await self.claim_approval(request_id, version, approver)
        return await self.settle_approval(claim.request, approver) if claim.decided else claim

    async def claim_approval(self, request_id: str, version: int, approver: Actor) -> Decision:
        """pending -> approving, conditional: of two approvers at once one wins (decided), the other is told how
        the request stands. Quick: Teams is not asked yet."""
        now = self._clock.now()
        async with self._storage.write() as uow:
            current = await _current(uow, request_id)
            if current.status is not RequestStatus.PENDING or current.version != version:
                return Decision(current, decided=False)
            claimed = _next(current, status=RequestStatus.APPROVING, decided_by=approver.name, decided_at=now)
            if not await uow.requests.replace(current, claimed):
                return Decision(await _current(uow, request_id), decided=False)
        return Decision(claimed, decided=True)

    async def claim_retry(self, request_id: str, version: int, approver: Actor, *, correlation_id: str) -> Decision:
        """failed -> approving again, with a fresh hold: the same number when it is still free, else the next
        free one of what was asked. Conditional like `claim_approval` (a stale or repeated Retry is told how
        the request stands); refused, changing nothing, when nothing is free. `settle_approval` follows."""
        now = self._clock.now()
        async with self._storage.write() as uow:
            current = await _current(uow, request_id)
            if current.status is not RequestStatus.FAILED or current.version != version:
                return Decision(current, decided=False)
            hold = _request_hold(current)
            held = await _hold_again(uow, current, hold, approver, correlation_id, now)
            if held is None:
                query = NumberQuery(tenant=current.tenant, pool=current.pool, location=current.location)
                taken = await take_free(
                    uow, query, 1, hold, action="hold", actor=approver, correlation_id=correlation_id, now=now
                )
                if not taken:
                    raise TransitionRefused("No number is free for this request right now; it stays failed.")
                held = taken[0]
            claimed = _next(
                current,
                status=RequestStatus.APPROVING,
                number=held.number,
                extension=held.extension,
                decided_by=approver.name,
                decided_at=now,
                reason=None,
            )
            if not await uow.requests.replace(current, claimed):  # rolls the hold back with it
                raise ConcurrentChange("Someone else retried the request at the same moment; nothing more was done.")
        return Decision(claimed, decided=True)

    async def settle_approval(self, claimed: NumberRequest, approver: Actor) -> Decision:
        """Ask Teams (through the journal) and record what it said. Teams is called once per request: only the
        winner of `claim_approval` gets here."""
        assert claimed.number is not None
        tenant = self._context.tenant(claimed.tenant)
        person = Assignee(claimed.person.id, claimed.person.upn, claimed.person.name, AccountType(claimed.person_type))
        try:
            result = await self._assignments.assign(
                AssignRequest(
                    tenant=claimed.tenant,
                    number=claimed.number,
                    account=person,
                    # An operator's own assignment (four eyes) keeps what they chose; a request the default.
                    policy=claimed.policy if claimed.policy is not None else tenant.default_policy,
                    extension=claimed.extension,
                    hold_owner=request_hold_owner(claimed.id),
                    location_id=claimed.location_id,
                ),
                approver,
            )
        except Exception as error:
            # Refused before Teams was asked (a policy Teams does not know, a number that moved): the request
            # must not stay "approving" with its number held by nobody who can give it back.
            if not isinstance(error, SwitchboardError):
                log.exception("request approval failed request=%s", claimed.id)
            said = str(error) if isinstance(error, SwitchboardError) else "Something went wrong on our side."
            return Decision(await self._finish(claimed, RequestStatus.FAILED, said, approver), True, said)
        if result.pending:
            return Decision(claimed, decided=True, detail=result.detail)
        status = RequestStatus.ASSIGNED if result.succeeded else RequestStatus.FAILED
        reason = result.policy_warning if result.succeeded else result.detail
        return Decision(await self._finish(claimed, status, reason, approver), decided=True, detail=reason)

    async def _finish(
        self, claimed: NumberRequest, status: RequestStatus, reason: str | None, actor: Actor
    ) -> NumberRequest:
        """Record what the approval came to; a failed one gives the number back if the request still holds it."""
        now = self._clock.now()
        async with self._storage.write() as uow:
            after = _next(claimed, status=status, reason=reason, decided_at=now)
            if not await uow.requests.replace(claimed, after):
                return await _current(uow, claimed.id)  # the reconciler recorded the outcome first
            if status is RequestStatus.FAILED:
                number = await uow.numbers.get(claimed.tenant, claimed.number or "", claimed.extension)
                await _give_back(uow, number, request_hold_owner(claimed.id), actor, f"request-{claimed.id}", now)
        return after

    async def reject(self, request_id: str, version: int, approver: Actor, reason: str) -> Decision:
        """Refuse the request with a reason; the held number goes back to the pool in the same transaction."""
        return await self._close(request_id, version, approver, RequestStatus.REJECTED, reason.strip()[:1024] or None)

    async def change_number(
        self, request_id: str, version: int, approver: Actor, number_text: str, *, correlation_id: str
    ) -> Decision:
        """Hold `number_text` for the request instead and give the old number back, in one transaction."""
        tenant = self._context.tenant((await self.get(request_id)).tenant)
        wanted = parse_number(number_text, default_region=tenant.default_region)
        now = self._clock.now()
        async with self._storage.write() as uow:
            current = await _current(uow, request_id)
            if current.status is not RequestStatus.PENDING or current.version != version:
                return Decision(current, decided=False)
            number = await uow.numbers.get(current.tenant, wanted.number, wanted.extension)
            if number is None:
                raise NotFound(f"{wanted.label} is not in the {current.tenant} inventory; the request keeps its own.")
            if number.number == current.number and number.extension == current.extension:
                return Decision(current, decided=False)
            owner = request_hold_owner(current.id)
            old = await uow.numbers.get(current.tenant, current.number or "", current.extension)
            hold = old.hold if old is not None and old.hold is not None else None
            try:
                taken = transitions.hold(
                    number,
                    hold or Hold(owner, f"request by {current.requester_name}", None),
                    operator=approver.name,
                    now=now,
                )
                await uow.numbers.save(number, taken, action="hold", actor=approver, correlation_id=correlation_id)
            except (TransitionRefused, ConcurrentChange) as refusal:
                raise TransitionRefused(f"{refusal} The request keeps {_label(old)}.") from None
            await _give_back(uow, old, owner, approver, correlation_id, now)
            after = _next(current, number=number.number, extension=number.extension)
            if not await uow.requests.replace(current, after):
                raise ConcurrentChange("Someone else changed the request at the same moment; nothing was changed.")
        return Decision(after, decided=False)

    async def follow_settled(self, *, limit: int = 50) -> list[NumberRequest]:
        """Approvals Teams finished after the click stopped waiting: the reconciler closed their journal entry,
        and here the request follows it (assigned, or failed with Teams' reason). Returns the requests moved,
        whose cards and requesters are to be told. Idempotent: a request moves once (conditional on its
        version), and one whose entry is still pending stays "Teams is assigning"."""
        now = self._clock.now()
        async with self._storage.read() as uow:
            approving = await uow.requests.approving(decided_before=now - SETTLE_AFTER, limit=limit)
        moved: list[NumberRequest] = []
        for current in approving:
            async with self._storage.write() as uow:
                entries = await uow.journal.for_hold_owner(request_hold_owner(current.id))
                if not entries and current.decided_at is not None and now - current.decided_at < STUCK_AFTER:
                    continue  # the approver's turn may still be asking Teams about the policy (its own deadline)
                outcome = _outcome_of(entries[-1] if entries else None)
                if outcome is None:
                    continue
                status, reason = outcome
                after = _next(current, status=status, reason=reason, decided_at=now)
                if not await uow.requests.replace(current, after):
                    continue
                if status is RequestStatus.FAILED:
                    number = await uow.numbers.get(current.tenant, current.number or "", current.extension)
                    await _give_back(
                        uow, number, request_hold_owner(current.id), RECONCILER, f"request-{current.id}", now
                    )
            moved.append(after)
        return moved

    async def expire_due(self, *, limit: int = 100) -> list[NumberRequest]:
        """Requests nobody decided in time: each expires and its number goes back, one transaction each
        batch; a replica that holds a row locked is skipped."""
        now = self._clock.now()
        expired: list[NumberRequest] = []
        async with self._storage.write() as uow:
            for current in await uow.requests.lock_due(now, limit=limit):
                after = _next(current, status=RequestStatus.EXPIRED, decided_at=now, reason="Nobody decided in time.")
                if await uow.requests.replace(current, after):
                    number = await uow.numbers.get(current.tenant, current.number or "", current.extension)
                    await _give_back(uow, number, request_hold_owner(current.id), EXPIRER, f"expiry-{current.id}", now)
                    expired.append(after)
        return expired

    async def _close(
        self, request_id: str, version: int, approver: Actor, status: RequestStatus, reason: str | None
    ) -> Decision:
        now = self._clock.now()
        async with self._storage.write() as uow:
            current = await _current(uow, request_id)
            if current.status is not RequestStatus.PENDING or current.version != version:
                return Decision(current, decided=False)
            after = _next(current, status=status, decided_by=approver.name, decided_at=now, reason=reason)
            if not await uow.requests.replace(current, after):
                return Decision(await _current(uow, request_id), decided=False)
            number = await uow.numbers.get(current.tenant, current.number or "", current.extension)
            await _give_back(uow, number, request_hold_owner(current.id), approver, f"request-{current.id}", now)
        return Decision(after, decided=True)


async def _current(uow: UnitOfWork, request_id: str) -> NumberRequest:
    found = await uow.requests.get(request_id)
    if found is None:
        raise NotFound("That number request does not exist (any more).")
    return found


async def _pool_called(uow: UnitOfWork, tenant: str, name: str) -> str | None:
    """The pool's name as the inventory spells it, or None when no pool is called `name`."""
    known = {pool for pool, _, _ in await uow.numbers.status_counts_by_pool(tenant) if pool}
    return next((pool for pool in sorted(known) if pool.lower() == name.lower()), None)


def _new_hold(request_id: str, requester_name: str, note: str, person: Person) -> Hold:
    return Hold(
        request_hold_owner(request_id),
        f"request by {requester_name}: {note}"[:NOTE_LIMIT],
        None,  # the request's own expiry ends the hold (expire_due), so the two cannot part
        f"request by {requester_name}",
        person.id,
        person.name,
    )


def _request_hold(request: NumberRequest) -> Hold:
    return _new_hold(request.id, request.requester_name, request.note, request.person)


async def _hold_again(
    uow: UnitOfWork, request: NumberRequest, hold: Hold, actor: Actor, correlation_id: str, now: datetime
) -> PhoneNumber | None:
    """The request's own number held for it again, when it is still free (or still held for it); else None."""
    number = await uow.numbers.get(request.tenant, request.number or "", request.extension)
    if number is None:
        return None
    if number.status is NumberStatus.RESERVED and number.hold is not None and number.hold.owner == hold.owner:
        return number
    if number.status is not NumberStatus.AVAILABLE:
        return None
    try:
        taken = transitions.hold(number, hold, operator=actor.name, now=now)
    except TransitionRefused:
        return None  # free, but not one to offer (Teams is busy with it): the next free one instead
    return await uow.numbers.save(number, taken, action="hold", actor=actor, correlation_id=correlation_id)


def _outcome_of(entry: JournalEntry | None) -> tuple[RequestStatus, str | None] | None:
    """What an approval's journal entry says the request came to; None while Teams is still at it."""
    if entry is None:
        # Claimed, and the approver's turn ended before Teams was asked (a restart): nothing will ask now.
        return RequestStatus.FAILED, "Switchboard stopped before asking Teams; nothing was assigned."
    if entry.status == journal.PENDING:
        return None
    if entry.status in (journal.SUCCEEDED, journal.POLICY_PENDING):
        pending = (
            f"Voice routing policy {entry.policy} pending; Switchboard retries the grant." if entry.policy else None
        )
        return RequestStatus.ASSIGNED, pending if entry.status == journal.POLICY_PENDING else None
    return RequestStatus.FAILED, entry.detail or "Teams did not complete the assignment."


def _next(request: NumberRequest, **changes: Any) -> NumberRequest:
    return replace(request, version=request.version + 1, **changes)


def _label(number: PhoneNumber | None) -> str:
    return number.label if number is not None else "its number"


async def _give_back(
    uow: UnitOfWork, number: PhoneNumber | None, owner: str, actor: Actor, correlation_id: str, now: datetime
) -> None:
    """Free the number when the request still holds it (an operator may have released it meanwhile)."""
    if number is None or number.status is not NumberStatus.RESERVED or number.hold is None:
        return
    if number.hold.owner != owner:
        return
    freed = transitions.cancel_hold(number, operator=actor.name, now=now)
    await uow.numbers.save(number, freed, action="release-hold", actor=actor, correlation_id=correlation_id)
