"""Local lifecycle changes that do not involve Teams: cancelled reservations, blocks, quarantine, expiry.

Each one reads the number, applies a pure rule from `inventory.transitions`, and saves conditionally in
the same transaction, with its audit event. Two operators racing for one number: exactly one wins,
the other gets a sentence saying who has it now.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from inventory import transitions
from inventory.audit import new_correlation_id
from inventory.e164 import parse_number
from inventory.errors import NotFound
from inventory.model import Actor, NumberStatus, PhoneNumber
from inventory.ports.clock import Clock
from inventory.ports.storage import Storage

Transition = Callable[[PhoneNumber, datetime], PhoneNumber]
_EXPIRY_BATCH = 5_000  # numbers freed per run; the next run (a minute later) takes the rest


async def change_number(
    storage: Storage,
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
    async with storage.write() as uow:
        current = await uow.numbers.get(tenant, parsed.number, parsed.extension)
        if current is None:
            raise NotFound(f"{parsed.label} is not in the {tenant} inventory; import it first.")
        after = transition(current, clock.now())
        return await uow.numbers.save(
            current,
            after,
            action=action,
            actor=actor,
            correlation_id=correlation_id or new_correlation_id(),
            detail=detail,
        )


async def cancel_reservation(
    storage: Storage, tenant: str, number_text: str, *, actor: Actor, clock: Clock
) -> PhoneNumber:
    def apply(number: PhoneNumber, now: datetime) -> PhoneNumber:
        return transitions.cancel_hold(number, operator=actor.name, now=now)

    return await change_number(
        storage, tenant, number_text, apply, action="cancel-reservation", actor=actor, clock=clock
    )


async def block_number(
    storage: Storage, tenant: str, number_text: str, *, reason: str | None, actor: Actor, clock: Clock
) -> PhoneNumber:
    def apply(number: PhoneNumber, now: datetime) -> PhoneNumber:
        return transitions.block(number, operator=actor.name, now=now, reason=reason)

    return await change_number(
        storage, tenant, number_text, apply, action="block", actor=actor, clock=clock, detail=reason
    )


async def unblock_number(storage: Storage, tenant: str, number_text: str, *, actor: Actor, clock: Clock) -> PhoneNumber:
    def apply(number: PhoneNumber, now: datetime) -> PhoneNumber:
        return transitions.unblock(number, operator=actor.name, now=now)

    return await change_number(storage, tenant, number_text, apply, action="unblock", actor=actor, clock=clock)


async def end_quarantine_early(
    storage: Storage, tenant: str, number_text: str, *, actor: Actor, clock: Clock
) -> PhoneNumber:
    def apply(number: PhoneNumber, now: datetime) -> PhoneNumber:
        return transitions.end_quarantine(number, operator=actor.name, now=now, early=True)

    return await change_number(storage, tenant, number_text, apply, action="end-quarantine", actor=actor, clock=clock)


async def free_expired(storage: Storage, *, clock: Clock, tenant: str | None = None) -> int:
    """Return expired holds and finished quarantines to the pool; returns how many numbers moved."""
    return len(await free_expired_numbers(storage, clock=clock, tenant=tenant))


async def free_expired_numbers(storage: Storage, *, clock: Clock, tenant: str | None = None) -> list[PhoneNumber]:
    """Return expired holds and finished quarantines to the pool; returns each moved number as it was
    (so the owners of ended reservations can be told).

    Safe to run from every replica at once: the rows are locked as they are read (PostgreSQL skips
    rows another replica is freeing), then written in one executemany under their version guard.
    """
    now = clock.now()
    system = Actor("system:expiry", "Switchboard")
    async with storage.write() as uow:
        due = await uow.numbers.lock_expired(now, tenant=tenant, limit=_EXPIRY_BATCH)
        changes = [(number, _freed(number, system, now)) for number in due]
        saved = await uow.numbers.save_locked(
            changes, action="expire", actor=system, correlation_id=new_correlation_id()
        )
    moved = {n.id for n in saved}
    return [number for number in due if number.id in moved]


def _freed(number: PhoneNumber, actor: Actor, now: datetime) -> PhoneNumber:
    if number.status is NumberStatus.RESERVED:
        return transitions.cancel_hold(number, operator=actor.name, now=now)
    return transitions.end_quarantine(number, operator=actor.name, now=now)
