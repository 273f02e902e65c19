"""What an operator chose: the customer tenant they work on (a service provider's operators serve many)."""

from __future__ import annotations

from collections.abc import Sequence

from inventory.errors import ConfigurationError
from inventory.model import Actor
from inventory.services.context import ServiceContext


class OperatorService:
    def __init__(self, context: ServiceContext) -> None:
        self._storage = context.storage
        self._clock = context.clock

    async def current_tenant(self, actor: Actor, allowed: Sequence[str]) -> str:
        """The tenant the operator chose, else the only one they may use; raises when they must choose."""
        if not allowed:
            raise ConfigurationError("No customer tenant is configured for you yet; ask a Switchboard admin.")
        if len(allowed) == 1:
            return allowed[0]  # whatever they chose before, it is this one now: no read (one a command turn)
        async with self._storage.read() as uow:
            chosen = await uow.prefs.tenant(actor.id)
        if chosen is not None and chosen in allowed:
            return chosen
        raise ConfigurationError(f"Choose a tenant first: type tenant (you may use {', '.join(allowed)}).")

    async def choose_tenant(self, actor: Actor, tenant: str) -> None:
        async with self._storage.write() as uow:
            await uow.prefs.choose_tenant(actor.id, tenant, upn=actor.name, at=self._clock.now())
