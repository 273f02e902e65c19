"""Local lifecycle changes that do not involve Teams: reservations, blocks, quarantine, expiry.

Each one reads the number, applies a pure rule from `inventory.model`, and saves conditionally in
the same transaction, with its audit event. Two operators racing for one number: exactly one wins,
the other gets a sentence saying who has it now.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import and_, select

from inventory import transitions
from inventory.e164 import parse_number
from inventory.errors import NotFound
from inventory.model import Actor, Hold, NumberStatus, PhoneNumber
from inventory.ports.clock import Clock
from inventory.store.audit import new_correlation_id
from inventory.store.engine import Store
from inventory.store.numbers import NumberRepository
from inventory.store.rows import from_row
from inventory.store.search import NumberQuery, search_numbers
from inventory.store.tables import phone_numbers

Transition = Callable[[PhoneNumber, datetime], PhoneNumber]


async def change_number(
    store: Store,
    tenant: str,
    number_text: str,
    transition: Transition,
    *,
    action: str,
    actor: Actor,
    clock: Clock,
    correlation_id: str | None = None,
    detail: str | None = None,
) -> PhoneNumber:
    """Apply `transition` to one number atomically; raises NotFound, TransitionRefused or ConcurrentChange."""
    parsed = parse_number(number_text)
    async with store.write() as connection:
        repository = NumberRepository(connection)
        current = await repository.get(tenant, parsed.number, parsed.extension)
        if current is None:
            raise NotFound(f"{parsed.label} is not in the {tenant} inventory; import it first.")
        after = transition(current, clock.now())
        return await repository.save(
            current,
            after,
            action=action,
            actor=actor,
            correlation_id=correlation_id or new_correlation_id(),
            detail=detail,
        )


async def reserve_number(
    store: Store,
    tenant: str,
    number_text: str,
    *,
    owner: str,
    note: str,
    minutes: int | None,
    actor: Actor,
    clock: Clock,
) -> PhoneNumber:
    """available -> reserved for `owner`, expiring after `minutes` (None: until cancelled)."""

    def apply(number: PhoneNumber, now: datetime) -> PhoneNumber:
        expires = now + timedelta(minutes=minutes) if minutes else None
        return transitions.hold(number, Hold(owner, note, expires), operator=actor.name, now=now)

    return await change_number(store, tenant, number_text, apply, action="reserve", actor=actor, clock=clock)


async def cancel_reservation(store: Store, tenant: str, number_text: str, *, actor: Actor, clock: Clock) -> PhoneNumber:
    def apply(number: PhoneNumber, now: datetime) -> PhoneNumber:
        return transitions.cancel_hold(number, operator=actor.name, now=now)

    return await change_number(store, tenant, number_text, apply, action="cancel-reservation", actor=actor, clock=clock)


async def block_number(
    store: Store, tenant: str, number_text: str, *, reason: str | None, actor: Actor, clock: Clock
) -> PhoneNumber:
    def apply(number: PhoneNumber, now: datetime) -> PhoneNumber:
        return transitions.block(number, operator=actor.name, now=now, reason=reason)

    return await change_number(
        store, tenant, number_text, apply, action="block", actor=actor, clock=clock, detail=reason
    )


async def unblock_number(store: Store, tenant: str, number_text: str, *, actor: Actor, clock: Clock) -> PhoneNumber:
    def apply(number: PhoneNumber, now: datetime) -> PhoneNumber:
        return transitions.unblock(number, operator=actor.name, now=now)

    return await change_number(store, tenant, number_text, apply, action="unblock", actor=actor, clock=clock)


async def end_quarantine_early(
    store: Store, tenant: str, number_text: str, *, actor: Actor, clock: Clock
) -> PhoneNumber:
    def apply(number: PhoneNumber, now: datetime) -> PhoneNumber:
        return transitions.end_quarantine(number, operator=actor.name, now=now, early=True)

    return await change_number(store, tenant, number_text, apply, action="end-quarantine", actor=actor, clock=clock)


async def free_expired(store: Store, *, clock: Clock, tenant: str | None = None) -> int:
    """Return expired holds and finished quarantines to the pool; returns how many numbers moved.

    Safe to run from every replica at once: the rows are locked as they are read (PostgreSQL skips
    rows another replica is freeing), then written in one executemany under their version guard.
    """
    now = clock.now()
    system = Actor("system:expiry", "Switchboard")
    expired_hold = and_(phone_numbers.c.status == NumberStatus.RESERVED.value, phone_numbers.c.hold_expires_at <= now)
    quarantine_over = and_(
        phone_numbers.c.status == NumberStatus.QUARANTINED.value, phone_numbers.c.quarantined_until <= now
    )
    query = select(phone_numbers).where(expired_hold | quarantine_over)
    if tenant is not None:
        query = query.where(phone_numbers.c.tenant == tenant)
    query = query.order_by(phone_numbers.c.id).limit(5_000).with_for_update(skip_locked=True)
    async with store.write() as connection:
        due = [from_row(row._mapping) for row in await connection.execute(query)]
        changes = [(number, _freed(number, system, now)) for number in due]
        saved = await NumberRepository(connection).save_locked(
            changes, action="expire", actor=system, correlation_id=new_correlation_id()
        )
    return len(saved)


def _freed(number: PhoneNumber, actor: Actor, now: datetime) -> PhoneNumber:
    if number.status is NumberStatus.RESERVED:
        return transitions.cancel_hold(number, operator=actor.name, now=now)
    return transitions.end_quarantine(number, operator=actor.name, now=now)


async def hold_available(
    store: Store,
    query: NumberQuery,
    count: int,
    *,
    owner: str,
    note: str,
    minutes: int,
    actor: Actor,
    clock: Clock,
    correlation_id: str | None = None,
) -> list[PhoneNumber]:
    """Hold up to `count` distinct available numbers matching `query`, lowest first, for `owner`.

    Numbers another writer takes meanwhile are skipped and the next ones tried, so the result is
    `count` numbers unless the pool runs dry.
    """
    held: list[PhoneNumber] = []
    taken_ids: tuple[int, ...] = query.exclude_ids
    now = clock.now()
    expires = now + timedelta(minutes=minutes)
    for _ in range(5):  # a few rounds at most: each round only loses races it cannot win anyway
        wanted = count - len(held)
        if wanted <= 0:
            break
        candidates_query = dataclasses.replace(query, statuses=(NumberStatus.AVAILABLE,), exclude_ids=taken_ids)
        async with store.write() as connection:
            page = await search_numbers(connection, candidates_query, limit=wanted)
            if not page.items:
                break
            changes = [
                (n, transitions.hold(n, Hold(owner, note, expires), operator=actor.name, now=now)) for n in page.items
            ]
            held += await NumberRepository(connection).save_many(
                changes, action="hold", actor=actor, correlation_id=correlation_id or new_correlation_id()
            )
        taken_ids = (*taken_ids, *(n.id for n in page.items if n.id is not None))
    return held
