"""A number request in the Playground (issue 17): the operator asks in the personal chat, the card shows them
the approver's view at once (the Playground never runs a card's refresh), and Approve assigns the held number
and replaces the card in place with the outcome."""

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


async def test_a_request_is_approved_in_the_chat_and_the_card_shows_the_assignment(
    demo: RunningDemo, olivia: PlaygroundDriver
) -> None:
    await olivia.send("request number for adele note new starter")
    card = await olivia.wait_for_card_text("You may approve this request", timeout=SLOW)
    shown = await card.inner_text()
    assert FIRST_USER.name in shown
    async with demo.store.read() as uow:
        query = NumberQuery(tenant=TENANT_NAME, statuses=(NumberStatus.RESERVED,))
        reserved = (await uow.numbers.search(query, limit=500)).items
    held = [n for n in reserved if n.hold is not None and n.hold.owner.startswith("request:")]
    assert len(held) == 1
    assert held[0].label in shown

    await olivia.click_card_button("Approve", card)
    await olivia.wait_for_card_text(
        re.compile(re.escape(f"Assigned: {held[0].label} now rings {FIRST_USER.name}")), SLOW
    )
    async with demo.store.read() as uow:
        number = await uow.numbers.get(TENANT_NAME, held[0].number)
    assert number is not None
    assert number.status is NumberStatus.USED
    assert number.assignee is not None
    assert number.assignee.upn == FIRST_USER.user_principal_name
