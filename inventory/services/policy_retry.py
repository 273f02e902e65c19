"""Voice routing policy grants that failed after Teams assigned the number, retried through the journal.

The assignment stands (Teams holds the number); its journal entry stays open as policy_pending with the
policy to grant, how often it was tried and when it is next due (1 minute doubling to 30). Each retry
grants the policy in Teams first; when that lands, the number records the policy and the entry closes in
one transaction. After `POLICY_ATTEMPTS` failures the entry closes as failed with Teams' words and the
PowerShell command (the grant's own error carries it). A number no longer held by the entry's account
is not granted anything: its entry closes as failed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from inventory.e164 import display_number
from inventory.errors import TeamsError
from inventory.journal import FAILED, POLICY_ATTEMPTS, POLICY_PENDING, SUCCEEDED, JournalEntry, policy_retry_delay
from inventory.model import Actor, NumberStatus
from inventory.services.context import ServiceContext

log = logging.getLogger(__name__)
POLICY_RETRIER = Actor("system:policy-retry", "Switchboard (policy retry)")


@dataclass(frozen=True)
class PolicySettled:
    """A policy grant that landed or was given up: what the channel is told."""

    tenant: str
    number: str  # as an operator reads it
    holder: str
    policy: str
    landed: bool
    detail: str | None = None


async def retry_due_policies(context: ServiceContext) -> list[PolicySettled]:
    """Try every policy grant that is due again; returns those that landed or were given up."""
    async with context.storage.read() as uow:
        due = await uow.journal.policy_due(due_at=context.clock.now())
    settled = []
    for entry in due:
        outcome = await _retry(context, entry)
        if outcome is not None:
            settled.append(outcome)
    return settled


async def _retry(context: ServiceContext, entry: JournalEntry) -> PolicySettled | None:
    assert entry.policy is not None, "a policy_pending entry names its policy"
    assert entry.account_id is not None, "a policy_pending entry names its account"
    holder = entry.account_name or entry.account_upn or entry.account_id
    label = display_number(entry.number, entry.extension)
    async with context.storage.read() as uow:
        current = await uow.numbers.get(entry.tenant, entry.number, entry.extension)
    if (
        current is None
        or current.status is not NumberStatus.USED
        or current.assignee is None
        or (current.assignee.id != entry.account_id)
    ):
        why = f"{label} is no longer assigned to {holder}; the policy was not granted."
        async with context.storage.write() as uow:
            await uow.journal.close(entry.id, FAILED, detail=why, at=context.clock.now(), from_status=POLICY_PENDING)
        return PolicySettled(entry.tenant, label, holder, entry.policy, False, why)
    try:
        await context.phones(entry.tenant).grant_voice_routing_policy(entry.account_id, entry.policy)
    except TeamsError as error:
        return await _failed_again(context, entry, label, holder, str(error))
    now = context.clock.now()
    async with context.storage.write() as uow:
        number = await uow.numbers.get(entry.tenant, entry.number, entry.extension)
        if number is not None and number.assignee is not None and number.assignee.id == entry.account_id:
            after = number.touched(POLICY_RETRIER.name, now, voice_routing_policy=entry.policy)
            await uow.numbers.save(
                number,
                after,
                action="policy",
                actor=POLICY_RETRIER,
                correlation_id=entry.correlation_id,
                detail=f"Voice routing policy {entry.policy} granted after {entry.attempts + 1} attempts.",
            )
        await uow.journal.close(entry.id, SUCCEEDED, detail=None, at=now, from_status=POLICY_PENDING)
    log.info("policy granted tenant=%s number=%s attempts=%d", entry.tenant, entry.number, entry.attempts + 1)
    return PolicySettled(entry.tenant, label, holder, entry.policy, True)


async def _failed_again(
    context: ServiceContext, entry: JournalEntry, label: str, holder: str, reason: str
) -> PolicySettled | None:
    attempts, now = entry.attempts + 1, context.clock.now()
    async with context.storage.write() as uow:
        if attempts >= POLICY_ATTEMPTS:
            await uow.journal.close(entry.id, FAILED, detail=reason, at=now, from_status=POLICY_PENDING)
        else:
            await uow.journal.retry_policy_later(
                entry.id,
                from_status=POLICY_PENDING,
                attempts=attempts,
                detail=reason,
                retry_at=now + policy_retry_delay(attempts),
            )
    log.warning("policy grant failed tenant=%s number=%s attempts=%d", entry.tenant, entry.number, attempts)
    if attempts >= POLICY_ATTEMPTS:
        return PolicySettled(entry.tenant, label, holder, entry.policy or "", False, reason)
    return None
