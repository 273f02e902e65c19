"""Operators' reservations: one number or the next COUNT free ones of a pool, for a purpose, a person and
a ticket, until a date; listed, released, extended, and their owners warned before they end.

A reservation is a hold whose owner is the operator (a card flow's holds are owned by `flow:<id>`), so
the lifecycle rules, the expiry job and the audit trail are the ones every hold already goes through.
Every call is one transaction: a COUNT that cannot be met in full reserves nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

from inventory import transitions
from inventory.audit import new_correlation_id
from inventory.e164 import parse_number
from inventory.errors import ConcurrentChange, ConfigurationError, InvalidNumber, NotFound, TransitionRefused
from inventory.model import RESERVATION_MAX_DAYS, Actor, Hold, NumberStatus, PhoneNumber
from inventory.number_query import NumberQuery
from inventory.ports.storage import UnitOfWork
from inventory.services.context import ServiceContext
from inventory.services.holds import NOTE_LIMIT, take_free
from inventory.services.lifecycle import Transition

MAX_COUNT = 100  # numbers one reservation may take: more is an import, not a reservation
MAX_DAYS = RESERVATION_MAX_DAYS
_WARN_BATCH = 500


@dataclass(frozen=True)
class ReservationRequest:
    """What to reserve: `number`, or the next `count` free numbers (of `pool`, when given)."""

    tenant: str
    number: str | None = None
    count: int | None = None
    pool: str | None = None
    for_id: str | None = None  # the person it is for (Entra object id) and their name
    for_name: str | None = None
    until: datetime | None = None  # an end, or a `duration` from now; neither: the configured default
    duration: timedelta | None = None
    purpose: str = ""
    ticket: str | None = None


@dataclass(frozen=True)
class Reservations:
    """Who asked and what they got: a page of reservations, for the list card."""

    items: list[PhoneNumber]
    total: int


class ReservationService:
    def __init__(self, context: ServiceContext) -> None:
        self._storage = context.storage
        self._clock = context.clock
        self._settings = context.settings
        self._default = timedelta(days=context.settings.reservation_days)
        self._warn_before = timedelta(hours=context.settings.reservation_warn_hours)

    async def reserve(self, request: ReservationRequest, actor: Actor, *, correlation_id: str) -> list[PhoneNumber]:
        """Reserve what `request` asks for, owned by `actor`; raises with the reason and changes nothing when
        the pool is unknown, the end is in the past, or fewer numbers are free than asked for."""
        now = self._clock.now()
        hold = Hold(
            owner=actor.id,
            note=request.purpose[:NOTE_LIMIT],
            expires_at=self._end(request, now),
            owner_name=actor.name,
            for_id=request.for_id,
            for_name=request.for_name,
            ticket=request.ticket,
        )
        async with self._storage.write() as uow:
            if request.pool:
                request = dataclasses.replace(request, pool=await require_pool(uow, request.tenant, request.pool))
            if request.number:
                return [await self._reserve_one(uow, request, hold, actor, correlation_id, now)]
            count = request.count or 0
            if not 1 <= count <= MAX_COUNT:
                raise TransitionRefused(f"Reserve between 1 and {MAX_COUNT} numbers at a time, not {count}.")
            query = NumberQuery(tenant=request.tenant, pool=request.pool, statuses=(NumberStatus.AVAILABLE,))
            free = await uow.numbers.count(query)
            if free < count:
                where = f"pool {request.pool}" if request.pool else request.tenant
                raise TransitionRefused(
                    f"Only {free} {'number is' if free == 1 else 'numbers are'} free in {where}, not {count}; "
                    "nothing was reserved."
                )
            held = await take_free(
                uow, query, count, hold, action="reserve", actor=actor, correlation_id=correlation_id, now=now
            )
            if len(held) < count:  # raising rolls back the ones that were taken
                raise ConcurrentChange(
                    f"Others took numbers meanwhile; only {len(held)} were free. Nothing was reserved."
                )
            return held

    async def _reserve_one(
        self, uow: UnitOfWork, request: ReservationRequest, hold: Hold, actor: Actor, correlation_id: str, now: datetime
    ) -> PhoneNumber:
        assert request.number is not None
        try:
            parsed = parse_number(request.number, default_region=self._region(request.tenant))
        except InvalidNumber as error:
            raise InvalidNumber(f"{error} Reserve a number, or a count of free numbers: reserve 5 in Sales.") from None
        current = await uow.numbers.get(request.tenant, parsed.number, parsed.extension)
        if current is None:
            raise NotFound(f"{parsed.label} is not in the {request.tenant} inventory; import it first.")
        if request.pool and (current.pool or "").lower() != request.pool.lower():
            raise TransitionRefused(f"{current.label} is in pool {current.pool or '(none)'}, not {request.pool}.")
        after = transitions.hold(current, hold, operator=actor.name, now=now)
        return await uow.numbers.save(current, after, action="reserve", actor=actor, correlation_id=correlation_id)

    def _region(self, tenant: str) -> str | None:
        try:
            return self._settings.tenant(tenant).default_region
        except ConfigurationError:  # the CLI may work on a tenant the settings do not describe
            return None

    def _end(self, request: ReservationRequest, now: datetime) -> datetime:
        if request.until is not None:
            end = request.until
        elif request.duration is not None:
            end = now + request.duration
        else:
            end = now + self._default
        transitions.check_reservation_end(end, now)
        return end

    async def release(self, tenant: str, number_id: int, actor: Actor, *, correlation_id: str) -> PhoneNumber:
        """Give a reserved number back to the pool (a card flow's short hold is not released here)."""
        return await self._change(
            tenant,
            number_id,
            lambda n, now: transitions.cancel_hold(n, operator=actor.name, now=now),
            action="cancel-reservation",
            actor=actor,
            correlation_id=correlation_id,
        )

    async def extend(self, tenant: str, number_id: int, actor: Actor, *, correlation_id: str) -> PhoneNumber:
        """Move the end of a reservation on by the configured length (from now, if it had no end)."""

        def later(number: PhoneNumber, now: datetime) -> PhoneNumber:
            current_end = number.hold.expires_at if number.hold and number.hold.expires_at else now
            return transitions.extend_hold(number, max(current_end, now) + self._default, operator=actor.name, now=now)

        return await self._change(
            tenant, number_id, later, action="extend-reservation", actor=actor, correlation_id=correlation_id
        )

    async def _change(
        self,
        tenant: str,
        number_id: int,
        change: Transition,
        *,
        action: str,
        actor: Actor,
        correlation_id: str,
    ) -> PhoneNumber:
        now = self._clock.now()
        async with self._storage.write() as uow:
            current = (await uow.numbers.lock_by_ids(tenant, [number_id])).get(number_id)
            if current is None:
                raise NotFound("That number is no longer in the inventory.")
            if current.hold is not None and not current.hold.is_reservation:
                raise TransitionRefused(f"{current.label} is held by a card someone has open, not reserved.")
            return await uow.numbers.save(
                current, change(current, now), action=action, actor=actor, correlation_id=correlation_id
            )

    async def listing(
        self,
        tenant: str,
        *,
        owner: str | None = None,
        for_id: str | None = None,
        pool: str | None = None,
        limit: int = 20,
    ) -> Reservations:
        """Operators' reservations (of `owner`, for `for_id`, in `pool`), ordered by number."""
        query = NumberQuery(tenant=tenant, reservations_only=True, hold_owner=owner, reserved_for=for_id, pool=pool)
        async with self._storage.read() as uow:
            if pool:
                await require_pool(uow, tenant, pool)
            page = await uow.numbers.search(query, limit=limit)
            return Reservations(page.items, await uow.numbers.count(query))

    async def reserved_for(self, tenant: str, person_id: str) -> PhoneNumber | None:
        """The first number reserved for the person with Entra object id `person_id`, if any."""
        async with self._storage.read() as uow:
            page = await uow.numbers.search(NumberQuery(tenant=tenant, reserved_for=person_id), limit=1)
        return page.items[0] if page.items else None

    async def warn_expiring(self) -> list[PhoneNumber]:
        """Mark the reservations that end within the warning time as warned, once each, and return them
        (as they are now) so their owners can be told. Safe on every replica: rows are locked as read."""
        now = self._clock.now()
        system = Actor("system:expiry", "Switchboard")
        async with self._storage.write() as uow:
            due = await uow.numbers.lock_expiring(now, now + self._warn_before, limit=_WARN_BATCH)
            changes = [(n, transitions.warned(n, now=now)) for n in due]
            return await uow.numbers.save_locked(
                changes, action="reservation-warned", actor=system, correlation_id=new_correlation_id()
            )


async def require_pool(uow: UnitOfWork, tenant: str, pool: str) -> str:
    """The pool's name as the inventory spells it; raises NotFound naming the pools there are."""
    known = sorted({name for name, _, _ in await uow.numbers.status_counts_by_pool(tenant) if name})
    for name in known:
        if name.lower() == pool.lower():
            return name
    listed = ", ".join(known[:10]) or "none yet (import range ... pool=NAME makes one)"
    raise NotFound(f"There is no pool '{pool[:60]}' in {tenant}. Pools: {listed}.")
