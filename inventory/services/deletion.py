"""Deleting a tenant's local inventory. Teams is not touched; the audit keeps every deleted number.

Pending Teams operations are closed as `deleted` in the same transaction, rather than refusing the delete
while any are pending: the numbers they are about no longer exist here, so nothing could ever finish them
(the reconciler would look for a row that is gone, forever), and a refusal would let one operation Teams
never finishes block an admin indefinitely. The next sync brings back whatever Teams did meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass

from inventory.audit import new_correlation_id
from inventory.journal import DELETED
from inventory.model import Actor
from inventory.ports.clock import Clock
from inventory.ports.storage import Storage


@dataclass(frozen=True)
class Deletion:
    numbers: int
    closed_operations: int  # pending Teams operations closed as deleted


async def delete_inventory(storage: Storage, tenant: str, *, actor: Actor, clock: Clock) -> Deletion:
    """Delete every number of `tenant` in one transaction, writing a `delete` audit event for each, and
    close its pending journal entries as deleted."""
    now = clock.now()
    async with storage.write() as uow:
        numbers = await uow.numbers.delete_tenant(tenant, actor=actor, at=now, correlation_id=new_correlation_id())
        closed = await uow.journal.close_pending_of_tenant(
            tenant,
            DELETED,
            detail=f"The inventory was deleted by {actor.label} while Teams was still working on it.",
            at=now,
        )
    return Deletion(numbers, closed)
