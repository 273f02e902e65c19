"""Channel notifications: where the bot may speak, the notes it queues, and the outbox a poster empties.

An operator's action never waits for a post: the note goes to the outbox and a poster, running in every
replica, claims it (a conditional update with a lease), posts it and marks it; a post that fails is
retried with backoff. Posting itself is the bot's job (`bot.notify`); the state changes are here.
"""

from __future__ import annotations

import logging
from typing import Any

from inventory.notifications import Conversation, Notification
from inventory.services.context import ServiceContext

log = logging.getLogger(__name__)
NO_CHANNEL = "no notification channel (an admin types 'notify here' in a team channel)"


class NotificationService:
    def __init__(self, context: ServiceContext) -> None:
        self._storage = context.storage
        self._clock = context.clock

    async def enqueue(self, tenant: str, kind: str, card: dict[str, Any], *, subject: str | None = None) -> None:
        """Queue a note for the tenant's channel (nothing when it has none). Never raises into the action
        that reports: a note that cannot be queued is logged and lost, the action stands. `subject` names
        what the note is about, for a post that must be found again (`NotificationPoster`'s `on_posted`)."""
        try:
            async with self._storage.write() as uow:
                await uow.outbox.add(tenant, kind, card, at=self._clock.now(), subject=subject)
        except Exception:
            log.exception("could not queue a notification tenant=%s kind=%s", tenant, kind)

    async def remember(self, conversation: Conversation) -> None:
        """Keep (or refresh) a conversation the bot was added to, so notes can be posted there later."""
        async with self._storage.write() as uow:
            await uow.conversations.remember(conversation, at=self._clock.now())

    async def notify_here(self, conversation: Conversation, tenant: str) -> None:
        """Make `conversation` the one channel that hears about `tenant`."""
        async with self._storage.write() as uow:
            await uow.conversations.remember(conversation, at=self._clock.now())
            await uow.conversations.notify_here(conversation.id, tenant)

    async def claim_due(self) -> list[Notification]:
        async with self._storage.write() as uow:
            return await uow.outbox.claim_due(now=self._clock.now())

    async def channel_for(self, tenant: str) -> Conversation | None:
        async with self._storage.read() as uow:
            return await uow.conversations.channel_for(tenant)

    async def personal_for(self, person_id: str) -> Conversation | None:
        async with self._storage.read() as uow:
            return await uow.conversations.personal_for(person_id)

    async def sent(self, notification: Notification) -> None:
        async with self._storage.write() as uow:
            await uow.outbox.mark_sent(notification.id, at=self._clock.now())

    async def dropped(self, notification: Notification, reason: str) -> None:
        async with self._storage.write() as uow:
            await uow.outbox.mark_dropped(notification.id, reason)

    async def failed(self, notification: Notification, error: str, *, retry_base_seconds: float) -> None:
        async with self._storage.write() as uow:
            await uow.outbox.mark_failed(
                notification, error, now=self._clock.now(), retry_base_seconds=retry_base_seconds
            )
