"""What every service is built from: the storage, the clock, each tenant's Teams and the settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from inventory.config import Settings, TenantConfig
from inventory.pacing.gate import GateTuning, OperationGate, TenantGates
from inventory.pacing.limit import LimitTuning
from inventory.ports.clock import Clock
from inventory.ports.phone_system import PhoneSystem
from inventory.ports.storage import Storage


@dataclass(frozen=True)
class ServiceContext:
    storage: Storage
    clock: Clock
    phones: Callable[[str], PhoneSystem]  # one PhoneSystem per tenant name
    settings: Settings
    # Each tenant's gate in front of Teams operations, shared by its bulk runs and clicks; made from
    # `settings.bulk_concurrency` when not given.
    gates: TenantGates | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.gates is None:
            most = max(1, self.settings.bulk_concurrency)
            tuning = GateTuning(limit=LimitTuning(start=min(8, most), maximum=most))
            object.__setattr__(self, "gates", TenantGates(self.clock, tuning))

    def gate(self, tenant: str) -> OperationGate:
        """Tenant `tenant`'s operation gate (see `inventory/pacing/gate.py`)."""
        assert self.gates is not None  # set in __post_init__
        return self.gates(tenant)

    def tenant(self, name: str) -> TenantConfig:
        """The configuration of tenant `name`; raises ConfigurationError naming the known ones."""
        return self.settings.tenant(name)
