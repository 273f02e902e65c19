"""One line in the Playground does what the wizard does: `assign PERSON NUMBER POLICY` reaches the confirm
card with all three (after the first sync's review), and Assign assigns exactly that (issue 14)."""

from __future__ import annotations

import re

import pytest

from bot.demo.stack import RunningDemo
from bot.demo.tenant import FIRST_USER, TENANT_NAME
from inventory.model import NumberStatus
from inventory.number_query import NumberQuery
from tests.support.demo_stack import SLOW
from tests.support.playground_driver import PlaygroundDriver

pytestmark = pytest.mark.e2e


async def test_a_one_line_assign_reaches_the_confirm_card_and_assigns_what_it_said(
    demo: RunningDemo, olivia: PlaygroundDriver
) -> None:
    async with demo.store.read() as uow:
        query = NumberQuery(tenant=TENANT_NAME, statuses=(NumberStatus.AVAILABLE,), text="SEA-DR-2")
        (free,) = (await uow.numbers.search(query, limit=1)).items

    await olivia.send(f"assign adele {free.label} US-National")
    review = await olivia.wait_for_card_text("Step 2 of 5 - review", timeout=SLOW)
    await olivia.click_card_button("Commit", review)
    confirm = await olivia.wait_for_card_text("Step 5 of 5 - confirm", timeout=SLOW)
    shown = await confirm.inner_text()
    assert FIRST_USER.name in shown
    assert free.label in shown
    assert "US-National" in shown

    await olivia.click_card_button("Assign", confirm)
    await olivia.wait_for_card_text(re.compile(re.escape(f"{free.label} is assigned to {FIRST_USER.name}")), SLOW)
    async with demo.store.read() as uow:
        number = await uow.numbers.get(TENANT_NAME, free.number)
    assert number is not None
    assert number.status is NumberStatus.USED
    assert number.voice_routing_policy == "US-National"
    assert number.assignee is not None
    assert number.assignee.upn == FIRST_USER.user_principal_name
