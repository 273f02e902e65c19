"""The endpoint as Teams uses it, where the database plays no part (so SQLite only): the health check,
HEAD, typeahead, installation events, help, a channel @mention and message-based (Action.Submit) cards."""

from __future__ import annotations

import aiohttp
import pytest

from cards.reading import card_text
from inventory.store.engine import Store
from inventory.teams.simulation import SimulatedPhoneSystem
from tests.support.bot_harness import RecordingConnector, TeamsClient, action_titles, offered
from tests.support.bot_world import MEGAN, client_for


@pytest.fixture
def store(sqlite_store: Store) -> Store:
    return sqlite_store


async def test_the_health_check_answers_ok_and_the_endpoint_answers_head_with_405(
    bot_url: str, http: aiohttp.ClientSession
) -> None:
    async with http.get(bot_url.replace("/api/messages", "/healthz")) as response:
        assert response.status == 200
        assert (await response.json())["status"] == "ok"
    async with http.head(bot_url) as response:
        assert response.status == 405
        assert response.headers["Allow"] == "POST"


async def test_typeahead_finds_accounts_as_teams_asks_for_them(megan: TeamsClient) -> None:
    status, body = await megan.search("a")
    assert status == 200
    assert body == {
        "type": "application/vnd.microsoft.search.searchResponse",
        "value": {
            "results": [
                {"title": "Adele Vance (adele@contoso.test)", "value": "obj-adele"},
                {"title": "Alex Wilber (alex@contoso.test)", "value": "obj-alex"},
            ]
        },
    }
    status, body = await megan.search("main")
    assert body["value"]["results"] == [{"title": "Main Line (mainline@contoso.test)", "value": "obj-aa"}]


async def test_typeahead_answers_nothing_for_an_empty_query_another_dataset_or_a_stranger(
    megan: TeamsClient, stranger: TeamsClient, phone: SimulatedPhoneSystem
) -> None:
    for client, query, dataset in ((megan, "  ", "accounts"), (megan, "a", "numbers"), (stranger, "a", "accounts")):
        status, body = await client.search(query, dataset=dataset)
        assert status == 200
        assert body == {"type": "application/vnd.microsoft.search.searchResponse", "value": {"results": []}}
    assert phone.requests == []


async def test_help_lists_the_commands_and_its_buttons_start_them(
    megan: TeamsClient, connector: RecordingConnector
) -> None:
    await megan.say("help")
    card = connector.last_card()
    lines = card_text(card).splitlines()
    assert "Working on tenant: contoso" in lines
    for command in ("sync", "numbers", "assign", "remove", "tenant"):
        assert any(line.startswith(command) for line in lines), command
    numbers = await megan.click(card, "Browse numbers")
    assert "Tenant contoso: 100 matches - page 1" in card_text(numbers)


async def test_a_word_near_no_command_gets_help_with_the_list(
    megan: TeamsClient, connector: RecordingConnector
) -> None:
    await megan.say("frobnicate adele")  # a typo of a command gets "did you mean" instead (test_command_words)
    text = card_text(connector.last_card())
    assert "I don't know the command 'frobnicate'." in text
    assert "e.g. `sync`" in text  # and the list of commands


async def test_commands_are_case_insensitive(megan: TeamsClient, connector: RecordingConnector) -> None:
    await megan.say("HELP")
    assert "Working on tenant: contoso" in card_text(connector.last_card())
    await megan.say("Numbers 555 0142")
    assert offered(connector.last_card()) == ["+1 206 555 0142"]


async def test_a_channel_message_with_an_at_mention_is_answered_in_the_thread(
    http: aiohttp.ClientSession, bot_url: str, connector: RecordingConnector
) -> None:
    megan = client_for(MEGAN, http, bot_url, connector, conversation="channel")
    status, _ = await megan.say("numbers 555 0142")
    assert status in (200, 201)
    (sent,) = connector.sent
    assert sent.conversation_id.startswith("19:switchboard-voice-ops@thread.tacv2;messageid=")
    assert sent.card is not None
    assert offered(sent.card) == ["+1 206 555 0142"]


async def test_an_action_submit_click_updates_the_card_it_came_from(
    megan: TeamsClient, connector: RecordingConnector
) -> None:
    await megan.say("numbers")
    posted = connector.sent[-1]
    assert posted.card is not None
    assert posted.activity_id is not None
    status, _ = await megan.submit(posted.card, "Next", reply_to=posted.activity_id)
    assert status in (200, 201)
    update = connector.sent[-1]
    assert (update.method, update.activity_id) == ("PUT", posted.activity_id)
    assert update.card is not None
    assert "page 2" in card_text(update.card)
    assert len(connector.sent) == 2


async def test_installing_the_app_is_accepted_quietly(megan: TeamsClient, connector: RecordingConnector) -> None:
    status, _ = await megan.conversation_update()
    assert status in (200, 201)
    assert connector.sent == []


async def test_help_offers_the_buttons_a_viewer_may_press(victor: TeamsClient, connector: RecordingConnector) -> None:
    await victor.say("help")
    assert action_titles(connector.last_card()) == ["Assign a number", "Sync from Teams", "Browse numbers"]
