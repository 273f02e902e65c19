"""What every service is built from: the storage, the clock, each tenant's Teams and the settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from inventory.config import Settings, TenantConfig
from inventory.ports.clock import Clock
from inventory.ports.phone_system import PhoneSystem
from inventory.ports.storage import Storage


@dataclass(frozen=True)
class ServiceContext:
    storage: Storage
    clock: Clock
    phones: Callable[[str], PhoneSystem]  # one PhoneSystem per tenant name
    settings: Settings

    def tenant(self, name: str) -> TenantConfig:
        """The configuration of tenant `name`; raises ConfigurationError naming the known ones."""
        return self.settings.tenant(name)
