"""One PhoneSystem per configured tenant, made on first use and closed together.

One instance per tenant matters: it holds that tenant's token cache and its budget of requests in
flight. Tests and the demo may hand in ready-made PhoneSystems for some tenants.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from inventory.config import TenantConfig
from inventory.ports.clock import Clock, SystemClock
from inventory.ports.phone_system import PhoneSystem
from inventory.teams.factory import phone_system_for
from inventory.teams.graph import GraphPhoneSystem


class PhoneSystems:
    def __init__(
        self,
        tenant_config: Callable[[str], TenantConfig],
        *,
        clock: Clock | None = None,
        given: Mapping[str, PhoneSystem] | None = None,
    ) -> None:
        self._tenant_config = tenant_config
        self._clock = clock or SystemClock()
        self._systems: dict[str, PhoneSystem] = dict(given or {})
        self._made: list[GraphPhoneSystem] = []

    def __call__(self, tenant: str) -> PhoneSystem:
        system = self._systems.get(tenant)
        if system is None:
            made = phone_system_for(self._tenant_config(tenant), clock=self._clock)
            self._made.append(made)
            self._systems[tenant] = system = made
        return system

    async def aclose(self) -> None:
        for system in self._made:
            await system.aclose()
        self._made.clear()
