"""Capacity, rules and reservations through the Agents Playground's own UI (GitHub issue 16).

On `switchboard demo`'s stack (as in test_bulk_and_channel_e2e.py): Olivia Operator (an admin) makes Voice Ops
the tenant's channel and gives pool Seattle (the new 20-number range) a threshold it is already below: the
alert arrives in the channel as its own thread. In the personal chat she adds a rule (company=Contoso ->
Seattle, US-National), and `assign next adele` shows the rule's number on the confirm card; Assign assigns it
in Teams. Then `reserve 2 in Seattle` holds the next two, and a second rule is moved up with the rules card's
button. The page stays open throughout: the Playground only shows messages that arrive while it is.
"""

from __future__ import annotations

import pytest

from bot.demo.stack import RunningDemo
from bot.demo.tenant import FIRST_USER, TENANT_NAME
from inventory.model import NumberStatus
from tests.support.demo_stack import SLOW
from tests.support.playground_driver import PlaygroundDriver

pytestmark = pytest.mark.e2e


def words(text: str) -> str:
    return " ".join(text.split())


async def test_a_capacity_alert_assign_next_by_rule_and_a_reservation_through_the_playground(
    demo: RunningDemo, olivia: PlaygroundDriver
) -> None:
    # 1. The channel, and a threshold pool Seattle is already below: the alert is posted there at once.
    await olivia.open_channel("Voice Ops")
    await olivia.send("notify here")
    await olivia.wait_for_card_text("hears about changes in contoso", timeout=SLOW)
    await olivia.send("capacity Seattle 25")
    shown = await olivia.wait_for_card_text("Pool Seattle alerts when it has fewer than 25 free.", timeout=SLOW)
    assert "Low: Seattle." in words(await shown.inner_text())  # the Playground draws the chart itself
    alert = await olivia.wait_for_message_text("Pool Seattle is running low", timeout=SLOW)
    assert "Free 20 of 20 Threshold 25 free" in words(await alert.inner_text())

    # 2. A rule, and the next number by it for Adele, assigned with one click on the confirm card.
    await olivia.open_personal_chat()
    await olivia.send("rule add company=Contoso pool=Seattle policy=US-National")
    await olivia.wait_for_card_text("Added rule 1: company=Contoso -> pool Seattle, policy US-National.", timeout=SLOW)
    await olivia.send("assign next adele")
    card = await olivia.wait_for_card_text("Assign a number", timeout=SLOW)
    if "To add" in await card.inner_text():  # a fresh demo: Teams knows numbers the inventory lacks
        await olivia.click_card_button("Commit", card)
    confirm = await olivia.wait_for_card_text("Step 5 of 5 - confirm", timeout=SLOW)
    confirmed = words(await confirm.inner_text())
    assert "Assign +1 206 555 0100" in confirmed
    assert "Chosen by rule 1: company=Contoso -> pool Seattle, policy US-National" in confirmed
    await olivia.click_card_button("Assign", confirm)
    await olivia.wait_for_card_text(f"is assigned to {FIRST_USER.name}", timeout=SLOW)
    assert demo.teams.numbers_of(FIRST_USER.aad_object_id) == ["+12065550100"]

    # 3. A reservation of the next two free numbers of the pool.
    await olivia.send("reserve 2 in Seattle")
    await olivia.wait_for_card_text("Reserved 2 numbers", timeout=SLOW)
    async with demo.store.read() as uow:
        reserved = [await uow.numbers.get(TENANT_NAME, n) for n in ("+12065550101", "+12065550102")]
    assert [n.status if n else None for n in reserved] == [NumberStatus.RESERVED, NumberStatus.RESERVED]

    # 4. The rules card's buttons: a second rule moved up with one click.
    await olivia.send("rule add department=Sales pool=Seattle")
    await olivia.wait_for_card_text("Added rule 2: department=Sales -> pool Seattle.", timeout=SLOW)
    await olivia.send("rules")
    listed = await olivia.wait_for_card_text("Tenant contoso: 2 rule(s), tried in order", timeout=SLOW)
    await olivia.click_card_button("Move up", listed)
    await olivia.wait_for_card_text("Moved rule 2 up: it is rule 1 now.", timeout=SLOW)
    async with demo.store.read() as uow:
        rules = await uow.rules.all(TENANT_NAME)
    assert [rule.pool for rule in rules] == ["Seattle", "Seattle"]
    assert rules[0].conditions == (("department", "Sales"),)
