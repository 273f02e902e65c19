"""When the tenant turns it on, the person an operator assigned a number to hears of it in a personal chat."""

from __future__ import annotations

import dataclasses

import aiohttp

from cards.reading import card_text
from inventory.config import Settings
from inventory.model import NumberStatus
from inventory.store.engine import Store
from tests.support import db
from tests.support.bot_harness import RecordingConnector, TeamsClient
from tests.support.bot_world import MEGAN, BotStarter, bot_settings, client_for
from tests.support.card_parts import facts_of
from tests.support.clicks import confirm_card_for


def telling_settings() -> Settings:
    settings = bot_settings()
    tenants = tuple(dataclasses.replace(t, tell_assignee=t.name == "contoso") for t in settings.tenants)
    return dataclasses.replace(settings, tenants=tenants)


async def megan_on(start_bot: BotStarter, http: aiohttp.ClientSession, connector: RecordingConnector) -> TeamsClient:
    bot = await start_bot(settings=telling_settings())
    return client_for(MEGAN, http, bot.url, connector)


async def test_after_an_assignment_the_person_gets_their_new_number_and_policy_in_a_personal_chat(
    start_bot: BotStarter, http: aiohttp.ClientSession, connector: RecordingConnector, inventory: Store
) -> None:
    megan = await megan_on(start_bot, http, connector)
    done = await megan.click(await confirm_card_for(megan, connector), "Assign")
    assert "is assigned to Adele Vance" in card_text(done)
    (created,) = connector.created
    assert [m["id"] for m in created["members"]] == ["obj-adele"]
    assert created["isGroup"] is False
    (told,) = [s for s in connector.sent if s.conversation_id.startswith("a:proactive")]
    assert told.card is not None
    assert "+1 206 555 0100" in card_text(told.card)
    assert "US-Local" in card_text(told.card)
    assert facts_of(done)["Told Adele Vance"] == "yes, in a personal chat with Switchboard"


async def test_a_person_without_the_app_is_not_told_the_card_says_so_and_the_assignment_stands(
    start_bot: BotStarter, http: aiohttp.ClientSession, connector: RecordingConnector, inventory: Store
) -> None:
    megan = await megan_on(start_bot, http, connector)
    connector.not_installed_for.add("obj-adele")
    done = await megan.click(await confirm_card_for(megan, connector), "Assign")
    assert "is assigned to Adele Vance" in card_text(done)
    assert facts_of(done)["Told Adele Vance"].startswith("no - Teams would not open a chat with them")
    assert len(connector.created) == 1
    assert (await db.number(inventory, "+12065550100")).status is NumberStatus.USED


async def test_nobody_is_told_when_the_tenant_leaves_it_off(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    done = await megan.click(await confirm_card_for(megan, connector), "Assign")
    assert "is assigned to Adele Vance" in card_text(done)
    assert connector.created == []
    assert not any(key.startswith("Told") for key in facts_of(done))
