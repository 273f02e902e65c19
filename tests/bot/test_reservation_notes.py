"""A reservation's owner hears before it ends and when it ended in a personal chat with the bot, over the Bot
Framework protocol (create conversation at the Bot Connector the tenant's channel was heard on); where
Teams will not open that chat, the tenant's channel hears it instead."""

from __future__ import annotations

import aiohttp

from bot.app import JOBS
from cards.reading import card_text
from inventory.model import NumberStatus
from inventory.store.engine import Store
from tests.support import db
from tests.support.bot_harness import RecordingConnector, TeamsClient
from tests.support.bot_world import MEGAN, OLIVIA, BotStarter, RunningBot, client_for
from tests.support.clock import FakeClock

NUMBER = "+12065550100"


async def megan_reserves(
    start_bot: BotStarter, http: aiohttp.ClientSession, connector: RecordingConnector, clock: FakeClock
) -> tuple[RunningBot, TeamsClient]:
    """Olivia's channel hears about contoso; Megan reserves a number for 30 hours."""
    bot = await start_bot(clock=clock)
    channel = client_for(OLIVIA, http, bot.url, connector, "channel")
    await channel.say("tenant contoso")
    await channel.say("notify here")
    megan = client_for(MEGAN, http, bot.url, connector)
    await megan.say(f"reserve {NUMBER} for 30h note demo phone")
    assert "Reserved" in card_text(connector.last_card()), card_text(connector.last_card())
    return bot, megan


def personal_notes(connector: RecordingConnector) -> list[str]:
    return [card_text(s.card) for s in connector.sent if s.conversation_id.startswith("a:proactive") and s.card]


def channel_notes(connector: RecordingConnector) -> list[str]:
    texts = [card_text(s.card) for s in connector.sent if s.conversation_id.startswith("19:") and s.card]
    return [t for t in texts if "Reservation of" in t]


async def test_the_owner_hears_in_a_personal_chat_before_the_reservation_ends_and_when_it_ended(
    start_bot: BotStarter, http: aiohttp.ClientSession, connector: RecordingConnector, inventory: Store
) -> None:
    clock = FakeClock()
    bot, _ = await megan_reserves(start_bot, http, connector, clock)
    jobs = bot.app[JOBS]
    clock.advance(hours=7)  # 23 hours left: within the warning
    assert await jobs.warn_reservations() == 1
    assert [[m["id"] for m in c["members"]] for c in connector.created] == [[MEGAN.aad_object_id]]
    (warning,) = personal_notes(connector)
    assert "Reservation of +1 206 555 0100 ends" in warning
    assert "megan@contoso.test: type reservations mine and press Extend to keep it." in warning
    clock.advance(hours=24)
    assert await jobs.free_expired() == 1
    assert "Reservation of +1 206 555 0100 ended" in personal_notes(connector)[-1]
    assert len(connector.created) == 2
    assert channel_notes(connector) == []  # the channel is not told what its owner was told
    assert (await db.number(inventory, NUMBER)).status is NumberStatus.AVAILABLE


async def test_an_owner_teams_will_not_open_a_chat_with_is_told_in_the_channel(
    start_bot: BotStarter, http: aiohttp.ClientSession, connector: RecordingConnector, inventory: Store
) -> None:
    clock = FakeClock()
    bot, _ = await megan_reserves(start_bot, http, connector, clock)
    connector.not_installed_for.add(MEGAN.aad_object_id)
    clock.advance(hours=7)
    assert await bot.app[JOBS].warn_reservations() == 1
    assert connector.refused == 1  # asked Teams first
    await connector.wait_for_card(lambda card: "Reservation of +1 206 555 0100 ends" in card_text(card))
    (note,) = channel_notes(connector)
    assert "megan@contoso.test: type reservations mine and press Extend to keep it." in note
    assert personal_notes(connector) == []


async def test_without_a_channel_the_owner_is_reached_through_their_own_chat(
    start_bot: BotStarter, http: aiohttp.ClientSession, connector: RecordingConnector, inventory: Store
) -> None:
    clock = FakeClock()
    bot = await start_bot(clock=clock)
    megan = client_for(MEGAN, http, bot.url, connector)  # contoso has no channel: notify here was never said
    await megan.say(f"reserve {NUMBER} for 30h")
    clock.advance(hours=7)
    assert await bot.app[JOBS].warn_reservations() == 1
    assert [[m["id"] for m in c["members"]] for c in connector.created] == [[MEGAN.aad_object_id]]
    (warning,) = personal_notes(connector)
    assert "Reservation of +1 206 555 0100 ends" in warning
