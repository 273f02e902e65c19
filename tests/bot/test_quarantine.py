"""Quarantine you can see, over the Bot Framework protocol: `numbers` counts each quarantined number's days
down, and `end quarantine` asks an admin first, refuses anyone else, and leaves its mark in the history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cards.reading import card_text
from inventory.model import Actor, NumberStatus
from inventory.store.engine import Store
from tests.support import db
from tests.support.bot_harness import RecordingConnector, TeamsClient

QUARANTINED = "+12065550150"


@pytest.fixture
async def quarantined(inventory: Store) -> Store:
    """+1 206 555 0150 released a while ago: it comes back to the pool in a little under 12 days."""
    now = datetime.now(UTC)
    async with inventory.write() as uow:
        current = await uow.numbers.get("contoso", QUARANTINED)
        assert current is not None
        after = current.touched(
            "setup", now, status=NumberStatus.QUARANTINED, quarantined_until=now + timedelta(days=12, hours=-1)
        )
        await uow.numbers.save(current, after, action="release", actor=Actor("cli:setup", "setup"), correlation_id="t")
    return inventory


async def test_numbers_shows_how_many_days_a_quarantined_number_has_left(
    megan: TeamsClient, connector: RecordingConnector, quarantined: Store
) -> None:
    await megan.say("numbers status:quarantined")
    shown = card_text(connector.last_card())
    assert "**+1 206 555 0150**" in shown
    assert "quarantined\nback in the pool in 12 days" in shown


async def test_an_admin_ends_a_quarantine_early_after_confirming_and_the_history_says_so(
    olivia: TeamsClient, connector: RecordingConnector, quarantined: Store
) -> None:
    await olivia.say("tenant contoso")
    await olivia.say("end quarantine +1 206 555 0150")
    asked = connector.last_card()
    assert "End a quarantine early" in card_text(asked)
    assert "back in the pool in 12 days" in card_text(asked)
    assert (await db.number(quarantined, QUARANTINED)).status is NumberStatus.QUARANTINED  # asking changes nothing
    ended_card = await olivia.click(asked, "End quarantine")
    assert "+1 206 555 0150 is available again" in card_text(ended_card)
    ended = await db.number(quarantined, QUARANTINED)
    assert (ended.status, ended.quarantined_until) == (NumberStatus.AVAILABLE, None)
    last = (await db.history(quarantined, QUARANTINED))[-1]
    assert (last.action, last.operator_name) == ("end-quarantine", "olivia@contoso.test")


async def test_cancel_keeps_the_number_in_quarantine(
    olivia: TeamsClient, connector: RecordingConnector, quarantined: Store
) -> None:
    await olivia.say("tenant contoso")
    await olivia.say("end quarantine +12065550150")
    cancelled = await olivia.click(connector.last_card(), "Cancel")
    assert "stays in quarantine" in card_text(cancelled)
    assert (await db.number(quarantined, QUARANTINED)).status is NumberStatus.QUARANTINED


async def test_an_operator_may_not_end_a_quarantine(
    megan: TeamsClient, connector: RecordingConnector, quarantined: Store
) -> None:
    await megan.say("end quarantine +12065550150")
    assert "admin" in card_text(connector.last_card()).lower()
    assert (await db.number(quarantined, QUARANTINED)).status is NumberStatus.QUARANTINED


async def test_ending_the_quarantine_of_a_number_that_is_not_in_one_says_so(
    olivia: TeamsClient, connector: RecordingConnector, quarantined: Store
) -> None:
    await olivia.say("tenant contoso")
    await olivia.say("end quarantine +12065550151")
    assert "+1 206 555 0151 is available, not in quarantine" in card_text(connector.last_card())
