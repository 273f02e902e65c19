"""What the use cases need from the database: transactions, each a unit of work with its repositories.

`Storage.write()` opens a read-write transaction: committed when the block ends, rolled back when it
raises, so everything a use case writes inside one block happens together or not at all. `read()` is
one consistent snapshot. The repositories hang off the unit of work (`uow.numbers`, `uow.flows`, ...);
their methods are in `inventory.ports.repositories` and `work_repositories`. The SQL implementation is
`inventory.store.engine.Store`.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Protocol

from inventory.ports.lifecycle_repositories import RuleRepository, SavedSearchRepository, ThresholdRepository
from inventory.ports.repositories import AuditRepository, NumberRepository
from inventory.ports.request_repository import OnboardingRepository, RequestRepository, SwitchRepository
from inventory.ports.work_repositories import (
    ConversationRepository,
    FlowRepository,
    JournalRepository,
    OutboxRepository,
    PrefsRepository,
    StuckRepository,
    SyncRunRepository,
    SyncStagingRepository,
)


class UnitOfWork(Protocol):
    """One transaction and the repositories that work inside it."""

    @property
    def numbers(self) -> NumberRepository: ...

    @property
    def audit(self) -> AuditRepository: ...

    @property
    def journal(self) -> JournalRepository: ...

    @property
    def sync_runs(self) -> SyncRunRepository: ...

    @property
    def sync_staging(self) -> SyncStagingRepository: ...

    @property
    def flows(self) -> FlowRepository: ...

    @property
    def outbox(self) -> OutboxRepository: ...

    @property
    def conversations(self) -> ConversationRepository: ...

    @property
    def prefs(self) -> PrefsRepository: ...

    @property
    def stuck(self) -> StuckRepository: ...

    @property
    def thresholds(self) -> ThresholdRepository: ...

    @property
    def saved_searches(self) -> SavedSearchRepository: ...

    @property
    def rules(self) -> RuleRepository: ...

    @property
    def requests(self) -> RequestRepository: ...

    @property
    def switches(self) -> SwitchRepository: ...

    @property
    def onboarding(self) -> OnboardingRepository: ...


class Storage(Protocol):
    def write(self) -> AbstractAsyncContextManager[UnitOfWork]:
        """A read-write transaction: committed when the block ends, rolled back when it raises."""
        ...

    def read(self, *, scan: bool = False) -> AbstractAsyncContextManager[UnitOfWork]:
        """A read-only view: one consistent snapshot for the block; `scan` when it reads many rows once
        (an export's page), so the store need not cache them."""
        ...

    async def ping(self) -> None:
        """Raise when the database cannot be reached (the health check)."""
        ...
