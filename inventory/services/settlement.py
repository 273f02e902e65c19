"""Closing a journal entry once Teams has answered: the inventory follows, in the same transaction.

Both the live path (an operator waiting) and the reconciler (an entry left pending by a crash or a slow
Teams) end an operation here, so the inventory records an outcome the same way whoever saw it first.
`Journal.close` is conditional on the entry still being pending, so an entry is settled once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from inventory import transitions
from inventory.e164 import display_number, number_key
from inventory.errors import NotFound, TransitionRefused
from inventory.journal import FAILED, PENDING, SUCCEEDED, JournalEntry, policy_retry_delay
from inventory.model import Actor, Assignee, NumberStatus, PhoneNumber
from inventory.ports.repositories import NumberRepository, Saving
from inventory.ports.storage import Storage, UnitOfWork
from inventory.services.group_commit import OwnTransaction, Transactions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Assigned:
    """A finished assignment: the number now used, and the holder's numbers Teams replaced with it."""

    number: PhoneNumber
    replaced: tuple[PhoneNumber, ...] = ()


@dataclass(frozen=True)
class Settling:
    """One assignment Teams finished, and what its settlement needs to know (see `finish_assign`)."""

    entry: JournalEntry
    account: Assignee
    policy: str | None
    actor: Actor
    now: datetime
    still_held: frozenset[str] | None = None
    quarantine_days: int = 0
    policy_failure: str | None = None


Settle = Callable[[Settling], Awaitable[Assigned]]


async def finish_assign(
    storage: Storage,
    entry: JournalEntry,
    account: Assignee,
    policy: str | None,
    actor: Actor,
    now: datetime,
    *,
    still_held: frozenset[str] | None = None,
    quarantine_days: int = 0,
    policy_failure: str | None = None,
    settle: Settle | None = None,
) -> Assigned:
    """Teams assigned it: the number is used by `account`, whatever the inventory thought meanwhile, and in
    the same transaction the numbers Teams took from `account` for it are released by the tenant's rule.

    `still_held` is what Teams lists on the account now (number keys); None when Teams was not asked, and
    then the holder's other numbers of the same type are taken as replaced (a new primary number replaces
    the old one in Teams; see docs/teams-behaviour.md).

    `policy_failure`: Teams assigned the number but refused the entry's policy grant; the entry stays open
    as policy_pending, due for its first retry (`policy_retry`), instead of closing.

    `settle`: where the writes run (a bulk run's batches, `bulk_settlements`); by default a transaction
    of their own."""
    settling = Settling(entry, account, policy, actor, now, still_held, quarantine_days, policy_failure)
    if settle is not None:
        done = await settle(settling)
    else:
        async with storage.write() as uow:
            done = await settle_assign(uow, settling)
    log.info(
        "assigned tenant=%s number=%s replaced=%d correlation=%s",
        entry.tenant,
        entry.number,
        len(done.replaced),
        entry.correlation_id,
    )
    return done


async def settle_assign(uow: UnitOfWork, settling: Settling) -> Assigned:
    """`finish_assign`'s writes, in `uow`."""
    entry, account, actor, now = settling.entry, settling.account, settling.actor, settling.now
    current = await _get(uow.numbers, entry)
    after, detail = assigned_state(
        current, entry, account, settling.policy, actor, now, policy_failure=settling.policy_failure
    )
    saved = await uow.numbers.save(
        current, after, action="assign", actor=actor, correlation_id=entry.correlation_id, detail=detail
    )
    others = await uow.numbers.held_by(saved.tenant, [account.id], lock=True) if saved.assignee else []
    released = replacements(saved, others, settling.still_held, actor, now, entry, settling.quarantine_days)
    replaced = tuple(await uow.numbers.save_each(released, actor=actor))
    if settling.policy_failure is not None and entry.policy:
        retry_at = now + policy_retry_delay(1)
        await uow.journal.retry_policy_later(
            entry.id, from_status=PENDING, attempts=1, detail=settling.policy_failure, retry_at=retry_at
        )
    else:
        await uow.journal.close(entry.id, SUCCEEDED, detail=detail, at=now)
    return Assigned(saved, replaced)


def assigned_state(
    current: PhoneNumber,
    entry: JournalEntry,
    account: Assignee,
    policy: str | None,
    actor: Actor,
    now: datetime,
    *,
    policy_failure: str | None,
) -> tuple[PhoneNumber, str | None]:
    """The number as Teams assigned it, and what its history says beyond "assigned" (if anything)."""
    detail = None
    try:
        after = transitions.assign(
            current, account, policy=policy, operator=actor.name, now=now, hold_owner=entry.hold_owner
        )
    except TransitionRefused as refused:
        # Teams assigned it, and Teams is the truth about holders: record it, and say what we overrode.
        detail = f"Assigned in Teams although the inventory said: {refused}"
        after = transitions.observe_teams_holder(current, account, policy=policy, operator=actor.name, now=now)
    if policy_failure is not None and entry.policy:
        # History reads "assigned, policy pending" until the retried grant lands (its own "policy" event).
        pending = f"Voice routing policy {entry.policy} pending: Teams refused the grant; Switchboard retries it."
        detail = f"{detail} {pending}" if detail else pending
    return after, detail


def replacements(
    assigned: PhoneNumber,
    held: Sequence[PhoneNumber],
    still_held: frozenset[str] | None,
    actor: Actor,
    now: datetime,
    entry: JournalEntry,
    quarantine_days: int,
) -> list[Saving]:
    """The holder's other numbers (among `held`) that Teams replaced with `assigned`, released."""
    holder = assigned.assignee
    if holder is None:
        return []
    released = []
    for other in held:
        if other.id == assigned.id or other.status is not NumberStatus.USED:
            continue
        if other.assignee is None or other.assignee.id != holder.id:
            continue
        if still_held is not None and number_key(other.number, other.extension) in still_held:
            continue  # Teams says the holder keeps it (a private line, say): so does the inventory
        if still_held is None and other.number_type is not assigned.number_type:
            continue
        after = transitions.release(other, operator=actor.name, now=now, quarantine_days=quarantine_days)
        why = f"Teams replaced it with {assigned.label} for {holder.label}."
        released.append(Saving(other, after, "replaced", entry.correlation_id, why))
    return released


async def fail_assign(
    storage: Storage,
    entry: JournalEntry,
    reason: str,
    actor: Actor,
    now: datetime,
    *,
    keep_out: bool = False,
    transactions: Transactions | None = None,
) -> None:
    """Teams did not assign it: close the entry and give a held number back to the pool, so the inventory
    is as it was before the operator started. With `keep_out` (Teams refused it in a bulk run) the number
    is blocked with Teams' reason instead, so no plan offers it again until someone returns it."""

    async def settle(uow: UnitOfWork) -> None:
        current = await uow.numbers.get(entry.tenant, entry.number, entry.extension)
        if entry.hold_owner and current is not None and _held_by(current, entry.hold_owner):
            if keep_out:
                after = transitions.block(current, operator=actor.name, now=now, reason=refusal_note(reason))
                action = "block"
            else:
                after, action = transitions.cancel_hold(current, operator=actor.name, now=now), "release-hold"
            await uow.numbers.save(
                current,
                after,
                action=action,
                actor=actor,
                correlation_id=entry.correlation_id,
                detail=reason,
            )
        await uow.journal.close(entry.id, FAILED, detail=reason, at=now)

    await (transactions or OwnTransaction(storage)).run(settle)
    log.info(
        "assign failed tenant=%s number=%s detail=%s correlation=%s",
        entry.tenant,
        entry.number,
        reason,
        entry.correlation_id,
    )


REFUSAL_PREFIX = "Teams refused it: "


def refusal_note(reason: str) -> str:
    """The note a number Teams refused carries while it is kept out of the pool (shown in `numbers`)."""
    return (REFUSAL_PREFIX + reason)[:500]


def refused_by_teams(number: PhoneNumber) -> bool:
    """Blocked because Teams refused it (not an operator's own block)."""
    return number.status is NumberStatus.BLOCKED and (number.notes or "").startswith(REFUSAL_PREFIX)


async def finish_unassign(
    storage: Storage, entry: JournalEntry, actor: Actor, now: datetime, *, quarantine_days: int
) -> PhoneNumber:
    """Teams removed it: the number goes back to the pool, or into quarantine when the tenant ages numbers."""
    async with storage.write() as uow:
        current = await _get(uow.numbers, entry)
        if current.status is NumberStatus.USED:
            after = transitions.release(current, operator=actor.name, now=now, quarantine_days=quarantine_days)
            current = await uow.numbers.save(
                current, after, action="unassign", actor=actor, correlation_id=entry.correlation_id
            )
        await uow.journal.close(entry.id, SUCCEEDED, detail=None, at=now)
    return current


async def close_failed(storage: Storage, entry: JournalEntry, reason: str, now: datetime) -> None:
    """Teams did not do it and the inventory has nothing to undo (an unassign Teams refused)."""
    async with storage.write() as uow:
        await uow.journal.close(entry.id, FAILED, detail=reason, at=now)


async def _get(numbers: NumberRepository, entry: JournalEntry) -> PhoneNumber:
    found = await numbers.get(entry.tenant, entry.number, entry.extension)
    if found is None:
        raise NotFound(f"{display_number(entry.number, entry.extension)} is not in the {entry.tenant} inventory.")
    return found


def _held_by(number: PhoneNumber, owner: str) -> bool:
    return number.status is NumberStatus.RESERVED and number.hold is not None and number.hold.owner == owner
