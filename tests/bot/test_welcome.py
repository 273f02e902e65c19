"""Installing Switchboard: a short welcome card, once per install, in a personal chat or a team."""

from __future__ import annotations

import aiohttp

from cards.reading import card_text
from tests.support.bot_harness import RecordingConnector, TeamsClient, action_titles, find_action
from tests.support.bot_world import MEGAN, client_for


async def test_installing_in_a_personal_chat_posts_what_switchboard_does_with_assign_numbers_and_sync(
    megan: TeamsClient, connector: RecordingConnector
) -> None:
    status, _ = await megan.installation_update("add")
    assert status in (200, 201)
    (sent,) = connector.sent
    assert (sent.method, sent.conversation_id) == ("POST", "a:switchboard-personal-chat")
    assert sent.card is not None
    assert "Switchboard keeps the inventory of your Teams Phone numbers" in card_text(sent.card)
    assert action_titles(sent.card) == ["Assign", "Numbers", "Sync"]


async def test_installing_in_a_team_welcomes_the_channel(
    http: aiohttp.ClientSession, bot_url: str, connector: RecordingConnector
) -> None:
    in_channel = client_for(MEGAN, http, bot_url, connector, conversation="channel")
    await in_channel.installation_update("add")
    (sent,) = connector.sent
    assert sent.conversation_id == "19:switchboard-voice-ops@thread.tacv2"
    assert sent.card is not None
    assert action_titles(sent.card) == ["Assign", "Numbers", "Sync"]


async def test_the_install_welcomes_once_and_neither_the_members_added_nor_an_upgrade_nor_a_removal_repeat_it(
    megan: TeamsClient, connector: RecordingConnector
) -> None:
    await megan.installation_update("add")
    await megan.conversation_update()  # Teams announces the same install again as the bot added as a member
    await megan.installation_update("add-upgrade")
    await megan.installation_update("remove")
    assert len(connector.sent) == 1


async def test_the_welcome_buttons_start_what_they_say(megan: TeamsClient, connector: RecordingConnector) -> None:
    await megan.installation_update("add")
    welcome = connector.last_card()
    numbers = await megan.click(welcome, "Numbers")
    assert "page 1" in card_text(numbers)
    assign = find_action(welcome, "Assign")
    status, body = await megan.execute(assign["verb"], assign["data"])
    assert status == 200
    assert "Step 1 of 5 - whom" in card_text(body["value"])
