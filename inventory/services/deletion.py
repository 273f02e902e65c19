"""Deleting a tenant's local inventory. Teams is not touched; the audit keeps every deleted number."""

from __future__ import annotations

from inventory.model import Actor
from inventory.ports.clock import Clock
from inventory.store.audit import audit_row, new_correlation_id
from inventory.store.engine import Store
from inventory.store.numbers import NumberRepository
from inventory.store.rows import snapshot


async def delete_inventory(store: Store, tenant: str, *, actor: Actor, clock: Clock) -> int:
    """Delete every number of `tenant` in one transaction, writing a `delete` audit event for each."""
    correlation_id = new_correlation_id()
    now = clock.now()
    async with store.write() as connection:
        numbers = NumberRepository(connection)
        await numbers.lock_tenant_for_inserts(tenant)
        current = await numbers.all_in_tenant(tenant)
        await numbers.audit.record_rows(
            [
                audit_row(
                    tenant,
                    "delete",
                    actor,
                    at=now,
                    correlation_id=correlation_id,
                    number=n.number,
                    extension=n.extension,
                    before=snapshot(n),
                    after=None,
                    detail="deleted with the tenant's local inventory",
                )
                for n in current
            ]
        )
        return await numbers.delete_tenant(tenant)
