"""Holding numbers back: for a picker or a bulk plan (a card flow), or as an operator's reservation.

Every hold goes through `_hold`: the lifecycle rule (`transitions.hold`) with one owner, note and expiry.
A flow's hold and the flow's next step are one transaction: when the flow moved meanwhile (`FlowMoved`),
the hold is rolled back with it, so nothing is left reserved that no flow points at.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from inventory import transitions
from inventory.errors import ConcurrentChange, TransitionRefused
from inventory.flows import Flow
from inventory.model import HOLD_NOTE_LIMIT, Actor, Hold, NumberStatus, PhoneNumber
from inventory.number_query import NumberQuery
from inventory.ports.clock import Clock
from inventory.ports.repositories import NumberKey
from inventory.ports.storage import Storage, UnitOfWork
from inventory.services.context import ServiceContext
from inventory.services.flow_steps import Move, advance_in
from inventory.services.lifecycle import change_number

NOTE_LIMIT = HOLD_NOTE_LIMIT
_ROUNDS = 5  # taking the next free numbers: each round only loses races it could not win anyway


def flow_hold_owner(flow_id: str) -> str:
    """The owner written on a number a flow holds: unique per flow, so only that flow may use the hold."""
    return f"flow:{flow_id}"


def _hold(
    number: PhoneNumber, owner: str, note: str, expires: datetime | None, actor: Actor, now: datetime
) -> PhoneNumber:
    return transitions.hold(number, Hold(owner, note[:NOTE_LIMIT], expires), operator=actor.name, now=now)


class HoldService:
    def __init__(self, context: ServiceContext) -> None:
        self._storage = context.storage
        self._clock = context.clock
        self._lifetime = timedelta(minutes=context.settings.hold_minutes)

    async def hold_for_flow(
        self,
        flow: Flow,
        number_id: int,
        *,
        purpose: str,
        actor: Actor,
        correlation_id: str,
        giving_back: Sequence[NumberKey] = (),
        held: Callable[[PhoneNumber], Move],
        refused: Callable[[str], Move],
        for_person: str | None = None,
    ) -> tuple[Flow, PhoneNumber | None]:
        """Hold `number_id` for `flow` and move the flow as `held` says, giving back `giving_back` (a swap);
        when the number cannot be held, move it as `refused` says with the reason. A number reserved for
        `for_person` (the account being assigned) is taken as it is. One transaction."""
        now = self._clock.now()
        async with self._storage.write() as uow:
            current = (await uow.numbers.lock_by_ids(flow.tenant, [number_id])).get(number_id)
            try:
                if current is None:
                    raise TransitionRefused("That number is no longer in the inventory.")
                if for_person is not None and transitions.is_reserved_for(current, for_person):
                    # Reserved for this very person: the reservation already keeps it from everyone else,
                    # and it must outlive this flow (a Cancel gives back only the flow's own holds).
                    taken = current
                else:
                    after = _hold(
                        current, flow_hold_owner(flow.id), f"{actor.name}, {purpose}", now + self._lifetime, actor, now
                    )
                    taken = await uow.numbers.save(
                        current, after, action="hold", actor=actor, correlation_id=correlation_id
                    )
            except (TransitionRefused, ConcurrentChange) as refusal:
                return await advance_in(uow, flow, refused(str(refusal)), now=now), None
            await _give_back(uow, flow, giving_back, actor, correlation_id, now)
            return await advance_in(uow, flow, held(taken), now=now), taken

    async def hold_free_for_flow(
        self,
        flow: Flow,
        query: NumberQuery,
        count: int,
        *,
        purpose: str,
        actor: Actor,
        correlation_id: str,
        then: Callable[[list[PhoneNumber]], Move],
    ) -> Flow:
        """Hold up to `count` distinct available numbers matching `query`, lowest first, for `flow`, and move
        the flow as `then` says. Numbers another writer takes meanwhile are skipped and the next ones tried,
        so the result is `count` numbers unless the pool runs dry. One transaction."""
        now = self._clock.now()
        owner, note, expires = flow_hold_owner(flow.id), f"{actor.name}, {purpose}", now + self._lifetime
        new_hold = Hold(owner, note[:NOTE_LIMIT], expires)
        async with self._storage.write() as uow:
            held = await take_free(
                uow, query, count, new_hold, action="hold", actor=actor, correlation_id=correlation_id, now=now
            )
            return await advance_in(uow, flow, then(held), now=now)

    async def give_back_for_flow(
        self, flow: Flow, numbers: Sequence[NumberKey], *, actor: Actor, correlation_id: str, then: Move
    ) -> Flow:
        """Give back each of `numbers` that `flow` still holds (expiry may have freed some already) and move
        the flow on, in one transaction."""
        now = self._clock.now()
        async with self._storage.write() as uow:
            await _give_back(uow, flow, numbers, actor, correlation_id, now)
            return await advance_in(uow, flow, then, now=now)


async def take_free(
    uow: UnitOfWork,
    query: NumberQuery,
    count: int,
    new_hold: Hold,
    *,
    action: str,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> list[PhoneNumber]:
    """Hold up to `count` distinct available numbers matching `query`, lowest first, inside `uow`. Numbers
    another writer takes meanwhile are skipped and the next ones tried, so the result is `count` numbers
    unless the pool runs dry."""
    held: list[PhoneNumber] = []
    seen = query.exclude_ids
    for _ in range(_ROUNDS):
        wanted = count - len(held)
        candidates_query = dataclasses.replace(
            query, statuses=(NumberStatus.AVAILABLE,), exclude_ids=seen, offerable_only=True
        )
        candidates = (await uow.numbers.search(candidates_query, limit=wanted)).items if wanted > 0 else []
        if not candidates:
            break
        changes = [(n, transitions.hold(n, new_hold, operator=actor.name, now=now)) for n in candidates]
        held += await uow.numbers.save_many(changes, action=action, actor=actor, correlation_id=correlation_id)
        seen = (*seen, *(n.id for n in candidates if n.id is not None))
    return held


async def _give_back(
    uow: UnitOfWork, flow: Flow, numbers: Sequence[NumberKey], actor: Actor, correlation_id: str, now: datetime
) -> None:
    if not numbers:
        return
    owner = flow_hold_owner(flow.id)
    current = await uow.numbers.get_many(flow.tenant, numbers)
    ours = [n for n in current.values() if n.hold is not None and n.hold.owner == owner]
    freed = [(n, transitions.cancel_hold(n, operator=actor.name, now=now)) for n in ours]
    await uow.numbers.save_many(freed, action="release-hold", actor=actor, correlation_id=correlation_id)


async def reserve_number(
    storage: Storage,
    tenant: str,
    number_text: str,
    *,
    owner: str,
    note: str,
    minutes: int | None,
    actor: Actor,
    clock: Clock,
    until: datetime | None = None,
    for_id: str | None = None,
    for_name: str | None = None,
    ticket: str | None = None,
) -> PhoneNumber:
    """An operator's reservation: available -> reserved for `owner`, expiring after `minutes` or at `until`
    (neither: until cancelled), optionally for a person (`for_id`, their Entra object id) and a ticket."""

    def reserve(number: PhoneNumber, now: datetime) -> PhoneNumber:
        expires = until or (now + timedelta(minutes=minutes) if minutes else None)
        owner_name = actor.name if owner == actor.id else None
        held = Hold(owner, note[:NOTE_LIMIT], expires, owner_name, for_id, for_name, ticket)
        return transitions.hold(number, held, operator=actor.name, now=now)

    return await change_number(storage, tenant, number_text, reserve, action="reserve", actor=actor, clock=clock)
