"""Deleting a tenant's local inventory. Teams is not touched; the audit keeps every deleted number."""

from __future__ import annotations

from inventory.audit import new_correlation_id
from inventory.model import Actor
from inventory.ports.clock import Clock
from inventory.ports.storage import Storage


async def delete_inventory(storage: Storage, tenant: str, *, actor: Actor, clock: Clock) -> int:
    """Delete every number of `tenant` in one transaction, writing a `delete` audit event for each."""
    async with storage.write() as uow:
        return await uow.numbers.delete_tenant(tenant, actor=actor, at=clock.now(), correlation_id=new_correlation_id())
