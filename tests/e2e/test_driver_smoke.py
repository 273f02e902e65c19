"""The Playground driver works end to end: messages reach a bot, its cards render, card actions round-trip."""

from __future__ import annotations

import pytest

from tests.support.echo_bot import EchoBot
from tests.support.playground_driver import OpenPlayground

pytestmark = pytest.mark.e2e


async def test_a_personal_message_gets_a_card_whose_execute_replaces_it_in_place(
    echo_bot: tuple[EchoBot, str], open_playground: OpenPlayground
) -> None:
    bot, url = echo_bot
    driver = await open_playground(url)

    await driver.send("hello")
    card = await driver.wait_for_card_text("Echo: hello")
    await driver.fill_card_input("Note", "+1 425 555 0100", card)
    await driver.choose_choice("Kind", "Calling Plan", card)
    await driver.choose_in_typeahead("User", "meg", "Megan Bowen", card)
    await driver.choose_choice("Pool", "Oslo", card)
    await driver.click_card_button("Flip", card)

    await driver.wait_for_card_text("Flipped: +1 425 555 0100")
    assert await driver.cards().count() == 1  # replaced, not a second card
    invoke = next(a for a in bot.received if a.get("type") == "invoke")
    assert invoke["value"]["action"]["data"] == {
        "flow": "echo",
        "note": "+1 425 555 0100",
        "kind": "cp",
        "user": "megan",
        "pool": "osl",
    }


async def test_an_action_submit_arrives_as_a_message_with_the_inputs_in_its_value(
    echo_bot: tuple[EchoBot, str], open_playground: OpenPlayground
) -> None:
    _, url = echo_bot
    driver = await open_playground(url)

    await driver.send("submit me")
    await driver.fill_card_input("Note", "via submit", await driver.wait_for_card_text("Echo: submit me"))
    await driver.click_card_button("Send")

    await driver.wait_for_message_text("Submitted: via submit")


async def test_a_channel_post_mentions_the_bot_and_gets_its_card_in_the_thread(
    echo_bot: tuple[EchoBot, str], open_playground: OpenPlayground
) -> None:
    bot, url = echo_bot
    driver = await open_playground(url)

    await driver.open_channel("Voice Ops")
    await driver.send("sync")

    card = await driver.wait_for_card_text("Echo: sync")
    assert await driver.last_card().inner_text() == await card.inner_text()
    post = next(a for a in bot.received if a.get("type") == "message")
    assert post["text"] == "<at>Switchboard</at> sync"
    assert post["conversation"]["conversationType"] == "channel"

    await driver.reply_in_newest_thread("again")
    await driver.wait_for_card_text("Echo: again")
    reply = [a for a in bot.received if a.get("type") == "message"][-1]
    assert reply["conversation"]["id"] == post["conversation"]["id"]  # same thread


async def test_an_error_answer_to_an_execute_shows_in_a_banner_and_keeps_the_card(
    echo_bot: tuple[EchoBot, str], open_playground: OpenPlayground
) -> None:
    _, url = echo_bot
    driver = await open_playground(url)

    await driver.send("try")
    card = await driver.wait_for_card_text("Echo: try")
    await driver.click_card_button("Refuse", card)

    assert await driver.invoke_banner_text(card) == "Refused by the echo bot"
    assert "Echo: try" in await driver.last_card().inner_text()
