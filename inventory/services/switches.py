"""A tenant's switches that its admins set in chat: four eyes. The configuration file's value holds until
an admin sets one; each change is audited (who, when, before and after)."""

from __future__ import annotations

from inventory.model import Actor
from inventory.services.context import ServiceContext


class SwitchService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    async def four_eyes(self, tenant: str) -> bool:
        """Whether operators' own assignments in `tenant` wait for a second person's approval."""
        async with self._context.storage.read() as uow:
            stored = await uow.switches.four_eyes(tenant)
        return self._context.tenant(tenant).four_eyes if stored is None else stored

    async def set_four_eyes(self, tenant: str, on: bool, actor: Actor, *, correlation_id: str) -> None:
        async with self._context.storage.write() as uow:
            await uow.switches.set_four_eyes(
                tenant, on, actor=actor, at=self._context.clock.now(), correlation_id=correlation_id
            )
