"""Posting channel notifications through the Bot Framework, and where a conversation can be posted to.

An operator's action never waits for a post: the note goes to the outbox (`NotificationService`) and the
poster, running in every replica, claims and posts it, retrying with backoff when Teams refuses.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ConversationReference

from bot.outgoing import card_attachment
from bot.untrusted import mapping
from cards.elements import Card
from cards.notify import drift_note
from inventory.e164 import display_number
from inventory.metrics import NOTIFICATIONS_POSTED
from inventory.notifications import Conversation, Notification
from inventory.services.notifications import NO_CHANNEL, NotificationService
from inventory.sync.runs import SyncPreview

log = logging.getLogger(__name__)

# Told where a note went once it is posted: the note, the channel's reference (JSON) and the message id.
OnPosted = Callable[[Notification, dict[str, Any], str], Awaitable[None]]


def root_conversation_id(conversation_id: str) -> str:
    """A channel thread's id is `<channel>;messageid=<root>`; the channel itself is what we post to."""
    return conversation_id.split(";messageid=", 1)[0]


def conversation_of(activity: Activity) -> Conversation | None:
    """The channel or chat of an activity, as a reference the bot can post to later."""
    if activity.conversation is None or not activity.conversation.id or not activity.service_url:
        return None
    reference = TurnContext.get_conversation_reference(activity)
    root = root_conversation_id(activity.conversation.id)
    reference.conversation.id = root
    reference.activity_id = None
    data = mapping(activity.channel_data)
    team, channel, tenant = mapping(data.get("team")), mapping(data.get("channel")), mapping(data.get("tenant"))
    return Conversation(
        id=root,
        kind=activity.conversation.conversation_type or "personal",
        reference=reference.serialize(),
        team_id=team.get("id"),
        team_name=team.get("name"),
        channel_name=channel.get("name"),
        teams_tenant_id=tenant.get("id"),
        # Whose personal chat it is: the jobs find it again by the person (a reservation's owner).
        person_id=(activity.from_property.aad_object_id if activity.from_property else None)
        if (activity.conversation.conversation_type or "personal") == "personal"
        else None,
    )


class NotificationPoster:
    """Posts queued notes to each tenant's channel (a new thread per note)."""

    def __init__(
        self,
        notifications: NotificationService,
        adapter: CloudAdapter,
        app_id: str,
        *,
        retry_base_seconds: float = 5.0,
        on_posted: OnPosted | None = None,
    ) -> None:
        self._notifications = notifications
        self._adapter = adapter
        self._app_id = app_id
        self._retry_base_seconds = retry_base_seconds
        self._on_posted = on_posted

    async def post_due(self) -> int:
        claimed = await self._notifications.claim_due()
        posted = 0
        for notification in claimed:
            posted += await self._post(notification)
        return posted

    async def run(self, interval: float = 2.0) -> None:
        while True:
            try:
                await self.post_due()
            except Exception:
                log.exception("notification poster failed; trying again")
            await asyncio.sleep(interval)

    async def _post(self, notification: Notification) -> int:
        channel = await self._notifications.channel_for(notification.tenant)
        if channel is None:
            await self._notifications.dropped(notification, NO_CHANNEL)
            NOTIFICATIONS_POSTED.labels("dropped").inc()
            return 0
        try:
            activity_id = await self._send(channel.reference, notification.card)
        except Exception as error:
            log.warning(
                "notification post failed id=%d attempt=%d error=%s", notification.id, notification.attempts, error
            )
            reason = f"{error.__class__.__name__}: {error}"
            await self._notifications.failed(notification, reason, retry_base_seconds=self._retry_base_seconds)
            NOTIFICATIONS_POSTED.labels("failed").inc()
            return 0
        await self._notifications.sent(notification)
        NOTIFICATIONS_POSTED.labels("sent").inc()
        if self._on_posted is not None and activity_id:
            try:
                await self._on_posted(notification, channel.reference, activity_id)
            except Exception:  # the note is posted either way; only finding it again later is lost
                log.exception("after posting notification id=%d", notification.id)
        return 1

    async def _send(self, reference: dict[str, Any], card: Card) -> str | None:
        """Post `card`; the message id Teams gave it (None when it gave none)."""
        posted: list[str] = []

        async def send(context: TurnContext) -> None:
            sent = await context.send_activity(MessageFactory.attachment(card_attachment(card)))
            if sent is not None and sent.id:
                posted.append(sent.id)

        await self._adapter.continue_conversation(ConversationReference().deserialize(reference), send, self._app_id)
        return posted[0] if posted else None


async def notify_drift(notifications: NotificationService, tenant: str, preview: SyncPreview) -> None:
    """What the scheduled drift check found, for the tenant's channel."""
    lines = [
        f"{display_number(stored.change.number)}: {stored.change.note or stored.change.kind}"
        for stored in preview.preview.get("drift", [])
    ]
    await notifications.enqueue(tenant, "drift", drift_note(tenant=tenant, counts=preview.run.counts, lines=lines))
