"""The SQL unit of work: one transaction's connection and the repositories that work inside it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.store.audit_repository import SqlAuditRepository
from inventory.store.flow_repository import SqlFlowRepository
from inventory.store.journal_repository import SqlJournalRepository
from inventory.store.number_repository import SqlNumberRepository
from inventory.store.onboarding_repository import SqlOnboardingRepository
from inventory.store.outbox_repository import SqlConversationRepository, SqlOutboxRepository
from inventory.store.prefs_repository import SqlPrefsRepository
from inventory.store.request_repository import SqlRequestRepository
from inventory.store.rule_repository import SqlRuleRepository
from inventory.store.saved_search_repository import SqlSavedSearchRepository
from inventory.store.stuck_repository import SqlStuckRepository
from inventory.store.switch_repository import SqlSwitchRepository
from inventory.store.sync_run_repository import SqlSyncRunRepository
from inventory.store.sync_staging import SqlSyncStaging
from inventory.store.threshold_repository import SqlThresholdRepository


class SqlUnitOfWork:
    """Implements `inventory.ports.storage.UnitOfWork`. `connection` is for the store's own code and tests."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection
        self.audit = SqlAuditRepository(connection)
        self.numbers = SqlNumberRepository(connection, self.audit)
        self.journal = SqlJournalRepository(connection)
        self.sync_runs = SqlSyncRunRepository(connection)
        self.sync_staging = SqlSyncStaging(connection)
        self.flows = SqlFlowRepository(connection)
        self.outbox = SqlOutboxRepository(connection)
        self.conversations = SqlConversationRepository(connection)
        self.prefs = SqlPrefsRepository(connection)
        self.stuck = SqlStuckRepository(connection)
        self.thresholds = SqlThresholdRepository(connection, self.audit)
        self.saved_searches = SqlSavedSearchRepository(connection)
        self.rules = SqlRuleRepository(connection, self.audit)
        self.requests = SqlRequestRepository(connection)
        self.switches = SqlSwitchRepository(connection, self.audit)
        self.onboarding = SqlOnboardingRepository(connection)
