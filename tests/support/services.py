"""Services over one tenant for tests that exercise a use case without the bot around it."""

from __future__ import annotations

from inventory.config import Settings, TenantConfig
from inventory.ports.clock import Clock
from inventory.ports.phone_system import PhoneSystem
from inventory.ports.storage import Storage
from inventory.services.context import ServiceContext


def one_tenant(storage: Storage, phone: PhoneSystem, config: TenantConfig, clock: Clock) -> ServiceContext:
    """A context whose only tenant is `config`, served by `phone`."""
    return ServiceContext(storage, clock, lambda _: phone, Settings(tenants=(config,)))
