"""What a flow step needs from the current turn, and the services behind the bot.

`Reply` is how a step answers: a card now and, optionally, follow-up work (a sync, a Teams operation)
whose result replaces the card later. The handler decides whether the follow-up finished quickly
enough to answer with its result directly, or whether the first card shows while it runs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from botbuilder.schema import ConversationReference

from bot.identity import Operator
from bot.notify import Notifier
from cards.elements import Card
from inventory.config import Settings, TenantConfig
from inventory.errors import ConfigurationError
from inventory.ports.clock import Clock
from inventory.ports.phone_system import PhoneSystem
from inventory.services.assignment import AssignmentService
from inventory.services.sync import SyncService
from inventory.store.engine import Store
from inventory.store.outbox import Conversation
from inventory.store.prefs import OperatorPrefs

CardSink = Callable[[Card], Awaitable[None]]
FollowUp = Callable[[CardSink], Awaitable[Card]]


@dataclass(frozen=True)
class Reply:
    card: Card
    follow_up: FollowUp | None = None


@dataclass
class Services:
    settings: Settings
    store: Store
    clock: Clock
    phones: Callable[[str], PhoneSystem]
    sync: SyncService
    assignments: AssignmentService
    notifier: Notifier
    hold_minutes: int = 10
    bulk_concurrency: int = 24
    flow_minutes: int = 60

    def tenant_config(self, name: str) -> TenantConfig:
        return self.settings.tenant(name)

    @property
    def hold_time(self) -> timedelta:
        return timedelta(minutes=self.hold_minutes)


@dataclass
class Turn:
    services: Services
    operator: Operator
    reference: ConversationReference
    correlation_id: str
    conversation_type: str = "personal"
    conversation: Conversation | None = None  # where this turn happens, as a reference to post to later

    async def tenant(self) -> str:
        """The operator's current tenant: the one they chose, else the only one they may use."""
        allowed = self.operator.tenants
        if not allowed:
            raise ConfigurationError("No customer tenant is configured for you yet; ask a Switchboard admin.")
        async with self.services.store.read() as connection:
            chosen = await OperatorPrefs(connection).tenant(self.operator.actor.id)
        if chosen in allowed:
            return chosen
        if len(allowed) == 1:
            return allowed[0]
        raise ConfigurationError(f"Choose a tenant first: type tenant (you may use {', '.join(allowed)}).")
