"""Revert from `history` in the Playground: an assignment made in the chat is undone from its history entry,
through the confirm card, and the number is free again in Teams and the inventory (issue 17)."""

from __future__ import annotations

import re

import pytest

from bot.demo.stack import RunningDemo
from bot.demo.tenant import FIRST_USER, TENANT_NAME
from inventory.model import NumberStatus
from inventory.number_query import NumberQuery
from tests.support.demo_stack import SLOW, shot
from tests.support.playground_driver import PlaygroundDriver

pytestmark = pytest.mark.e2e


async def test_an_assignment_is_reverted_from_its_history_entry(demo: RunningDemo, olivia: PlaygroundDriver) -> None:
    async with demo.store.read() as uow:
        query = NumberQuery(tenant=TENANT_NAME, statuses=(NumberStatus.AVAILABLE,), text="SEA-DR-2")
        (free,) = (await uow.numbers.search(query, limit=1)).items
    await olivia.send(f"assign adele {free.label} US-National")
    await olivia.click_card_button("Commit", await olivia.wait_for_card_text("Step 2 of 5 - review", timeout=SLOW))
    await olivia.click_card_button("Assign", await olivia.wait_for_card_text("Step 5 of 5 - confirm", timeout=SLOW))
    await olivia.wait_for_card_text(re.compile(re.escape(f"{free.label} is assigned to {FIRST_USER.name}")), SLOW)

    await olivia.send(f"history {free.number}")
    history = await olivia.wait_for_card_text(f"History of {free.label}", timeout=SLOW)
    await olivia.click_card_button("Revert", history)
    confirm = await olivia.wait_for_card_text("Revert a change", timeout=SLOW)
    assert f"Teams will be asked to remove {free.label} from {FIRST_USER.name}." in await confirm.inner_text()
    await shot(olivia, "14-revert-confirm", confirm)
    await olivia.click_card_button("Revert", confirm)
    done = await olivia.wait_for_card_text(f"Reverted: {free.label} is no longer held by {FIRST_USER.name}", SLOW)
    await shot(olivia, "15-reverted", done)

    async with demo.store.read() as uow:
        number = await uow.numbers.get(TENANT_NAME, free.number)
    assert number is not None
    assert number.status in (NumberStatus.AVAILABLE, NumberStatus.QUARANTINED)
    assert number.assignee is None
