"""A number request asked in a personal chat and its copy in the tenant's channel, over the Bot Framework
protocol: the setup the request tests share."""

from __future__ import annotations

import aiohttp

from cards.reading import card_text
from inventory.store.engine import Store
from tests.support import db
from tests.support.bot_harness import RecordingConnector, Sent
from tests.support.bot_world import OLIVIA, STRANGER, RunningBot, client_for


def posted_card(connector: RecordingConnector) -> Sent:
    """The last card the bot posted (not an update of one)."""
    posts = [s for s in connector.sent if s.method == "POST" and s.card is not None]
    assert posts, "the bot posted no card"
    return posts[-1]


async def personal_request_and_its_channel_copy(
    http: aiohttp.ClientSession, bot: RunningBot, connector: RecordingConnector, inventory: Store
) -> tuple[Sent, Sent]:
    """Olivia makes the channel the tenant's; Sam asks in his personal chat; the channel gets the copy approvers
    decide on, and the poster has kept where it went: (Sam's card, the copy)."""
    olivia = client_for(OLIVIA, http, bot.url, connector, "channel")
    await olivia.say("tenant contoso")
    await olivia.say("notify here")
    sam = client_for(STRANGER, http, bot.url, connector, "personal")
    await sam.say("request number for adele")
    mine = posted_card(connector)
    in_thread = await connector.wait_for_card(lambda card: "Asked in a personal chat" in card_text(card))
    copy = next(s for s in connector.sent if s.card is in_thread)
    await db.channel_copy_kept(inventory, copy.activity_id)
    return mine, copy
