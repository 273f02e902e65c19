"""A new user opens Switchboard in the Agents Playground: the welcome card says what it does and starts it."""

from __future__ import annotations

import re

import pytest

from bot.demo.stack import RunningDemo
from tests.support.demo_stack import SLOW, shot
from tests.support.playground_driver import PlaygroundDriver

pytestmark = pytest.mark.e2e

WELCOME = "Switchboard keeps the inventory of your Teams Phone numbers"


async def test_the_install_shows_the_welcome_card_whose_numbers_button_lists_the_inventory(
    demo: RunningDemo, olivia: PlaygroundDriver
) -> None:
    welcome = await olivia.wait_for_card_text(WELCOME, timeout=SLOW)
    for title in ("Assign", "Numbers", "Sync"):
        assert await welcome.get_by_role("button", name=title, exact=True).count() == 1
    assert await olivia.cards().filter(has_text=WELCOME).count() == 1  # once, not once per member added
    await shot(olivia, "0-welcome", welcome)
    await olivia.click_card_button("Numbers", welcome)
    await olivia.wait_for_card_text(re.compile(r"Tenant \w+: [\d,]+ matches - page 1"), timeout=SLOW)
