"""Personal messages the bot starts itself: a new 1:1 chat with a person of the tenant, then one card.

Teams creates the chat only when Switchboard is installed for that person (personally, or for everyone by
the tenant's admin); otherwise the Bot Connector refuses `create conversation` (403). That is an answer,
not a failure: `tell` says False and the caller records that the person could not be told.

`TenantMessenger` is the same for work no one's turn started (the jobs): with no activity to take the Bot
Connector's address from, a stored conversation reference gives it and the Teams tenant: the person's own
personal chat when the bot kept one (an operator's, kept when they reserve), else the tenant's channel.
"""

from __future__ import annotations

import asyncio
import logging

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import ChannelAccount, ConversationParameters

from bot.outgoing import card_attachment
from cards.elements import Card
from inventory.services.notifications import NotificationService

log = logging.getLogger(__name__)
TELL_SECONDS = 15.0  # the operator's result card waits for this at most: a silent connector is "not told"


class PersonalMessenger:
    """Sends a card to one person in their personal chat with the bot, through the Bot Connector at
    `service_url` (the one the operator's own activity came from: the same Teams region and tenant)."""

    def __init__(self, adapter: CloudAdapter, app_id: str, *, service_url: str, teams_tenant_id: str | None) -> None:
        self._adapter = adapter
        self._app_id = app_id
        self._service_url = service_url
        self._teams_tenant_id = teams_tenant_id

    async def tell(self, person_object_id: str, card: Card) -> bool:
        """True once the card is posted; False when Teams would not open the chat or refused the post."""
        parameters = ConversationParameters(
            is_group=False,
            bot=ChannelAccount(id=self._app_id or "switchboard"),
            # Teams takes a person's Entra object id here; the chat is the bot's personal chat with them.
            members=[ChannelAccount(id=person_object_id)],
            tenant_id=self._teams_tenant_id,
            channel_data={"tenant": {"id": self._teams_tenant_id}} if self._teams_tenant_id else None,
        )

        async def send(context: TurnContext) -> None:
            await context.send_activity(MessageFactory.attachment(card_attachment(card)))

        try:
            async with asyncio.timeout(TELL_SECONDS):
                await self._adapter.create_conversation(
                    self._app_id, send, parameters, channel_id="msteams", service_url=self._service_url
                )
        except Exception as error:
            log.info("could not tell person=%s error=%s", person_object_id[:64], str(error)[:200])
            return False
        return True


class TenantMessenger:
    """Personal messages from the jobs: through the Bot Connector of the person's own chat with the bot when
    one was kept, else of the one the tenant's channel was heard on."""

    def __init__(self, adapter: CloudAdapter, app_id: str, notifications: NotificationService) -> None:
        self._adapter = adapter
        self._app_id = app_id
        self._notifications = notifications

    async def tell(self, tenant: str, person_object_id: str, card: Card) -> bool:
        """True once the card is posted in the person's personal chat; False when no Bot Connector is known
        for them (no chat of theirs kept, no channel for `tenant`) or Teams would not open the chat."""
        known = await self._notifications.personal_for(person_object_id)
        known = known or await self._notifications.channel_for(tenant)
        service_url = known.reference.get("serviceUrl") if known is not None else None
        if known is None or not isinstance(service_url, str) or not service_url:
            log.info("no bot connector known tenant=%s: person=%s not told personally", tenant, person_object_id[:64])
            return False
        messenger = PersonalMessenger(
            self._adapter, self._app_id, service_url=service_url, teams_tenant_id=known.teams_tenant_id
        )
        return await messenger.tell(person_object_id, card)
