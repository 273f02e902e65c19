"""Capacity over the Bot Framework protocol: an admin sets a pool's threshold, a reservation takes the pool
below it and the channel hears it once, with buttons that open the pool and reserve the next few; a
release lifts it and the channel hears that once; operators may look but not set."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cards.reading import card_text
from inventory.e164 import parse_range
from inventory.model import Actor, NumberStatus
from inventory.ports.clock import SystemClock
from inventory.services.imports import import_range
from inventory.store.engine import Store
from tests.support import db
from tests.support.bot_harness import RecordingConnector, TeamsClient, actions_titled


@pytest.fixture
async def sales(inventory: Store) -> Store:
    """A Sales pool of four numbers beside the carrier range."""
    numbers = parse_range("+14255550100-+14255550103")
    await import_range(
        inventory, "contoso", numbers, actor=Actor("cli:setup", "setup"), clock=SystemClock(), pool="Sales"
    )
    return inventory


def saying(words: str) -> Callable[[dict[str, Any]], bool]:
    return lambda card: words in card_text(card)


async def test_a_pool_that_falls_below_its_threshold_alerts_the_channel_once_and_once_when_it_recovers(
    voice_ops: TeamsClient, megan: TeamsClient, connector: RecordingConnector, sales: Store
) -> None:
    await voice_ops.say("capacity sales 2")
    shown = card_text(connector.last_card())
    assert "Pool Sales alerts when it has fewer than 2 free." in shown
    assert "**Sales**: 4 free of 4 (threshold 2 free) - ok" in shown
    await megan.say("reserve 3 in sales")
    alert = await connector.wait_for_card(saying("Pool Sales is running low"))
    assert "Free\n1 of 4\nThreshold\n2 free" in card_text(alert)
    await megan.say("reserve 1 in sales")  # lower still: the channel already knows
    await megan.say("reservations mine")
    listed = connector.last_card()
    released = await megan.click(listed, "Release")
    await megan.click(released, "Release")  # 2 free again: not below 2
    await connector.wait_for_card(saying("Pool Sales has recovered"))
    notes = [c for c in connector.cards() if "Pool Sales is" in card_text(c) or "has recovered" in card_text(c)]
    assert len(notes) == 2


async def test_the_alerts_buttons_open_the_pool_and_reserve_the_next_few(
    voice_ops: TeamsClient, megan: TeamsClient, connector: RecordingConnector, sales: Store
) -> None:
    await voice_ops.say("capacity Sales 75%")  # 3 of 4 free is not below 75%
    await megan.say("reserve +14255550100")  # 3 free: still fine
    await megan.say("reserve +14255550101")  # 2 of 4: below 75%
    alert = await connector.wait_for_card(saying("Pool Sales is running low"))
    opened = await megan.click(alert, "Open the pool")
    assert "2 matches" in card_text(opened)
    assert actions_titled(alert, "Reserve the next 2"), card_text(alert)
    reserved = await megan.click(alert, "Reserve the next 2")
    assert "Reserved 2 numbers" in card_text(reserved)
    assert (await db.number(sales, "+14255550103")).status is NumberStatus.RESERVED


async def test_capacity_shows_the_chart_with_a_text_fallback_and_operators_may_not_set_thresholds(
    voice_ops: TeamsClient, megan: TeamsClient, connector: RecordingConnector, sales: Store
) -> None:
    await voice_ops.say("capacity Sales 10")
    await megan.say("capacity")
    shown = connector.last_card()
    assert any(element.get("type") == "Chart.HorizontalBar.Stacked" for element in shown["body"])
    assert "**Sales**: 4 free of 4 (threshold 10 free) - LOW" in card_text(shown)
    await megan.say("capacity Sales 2")
    assert "admin" in card_text(connector.last_card()).lower()
    await megan.say("capacity Sales lots")
    assert "admin" in card_text(connector.last_card()).lower()  # the role is checked before the words


async def test_a_threshold_for_an_unknown_pool_or_of_no_sense_is_refused(
    voice_ops: TeamsClient, connector: RecordingConnector, sales: Store
) -> None:
    await voice_ops.say("capacity Marketing 5")
    assert "contoso has no pool called 'Marketing' (pools: Sales)" in card_text(connector.last_card())
    await voice_ops.say("capacity Sales 0")
    assert "'0' is not a threshold" in card_text(connector.last_card())
    await voice_ops.say("capacity")
    assert "No pool has a threshold yet" in card_text(connector.last_card())


async def test_a_pool_named_with_a_space_alerts_and_its_open_the_pool_button_finds_its_numbers(
    voice_ops: TeamsClient, megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    numbers = parse_range("+14255550200-+14255550202")
    await import_range(
        inventory, "contoso", numbers, actor=Actor("cli:setup", "setup"), clock=SystemClock(), pool="New York"
    )
    await voice_ops.say("capacity New York 2")
    assert "Pool New York alerts when it has fewer than 2 free." in card_text(connector.last_card())
    await megan.say("reserve 2 in new york")
    alert = await connector.wait_for_card(saying("Pool New York is running low"))
    opened = await megan.click(alert, "Open the pool")
    assert "1 match" in card_text(opened), card_text(opened)
    assert "+1 425 555 0202" in card_text(opened)
    await megan.say('numbers pool:"New York"')
    assert "3 matches" in card_text(connector.last_card())


def capacity_notes(connector: RecordingConnector, pool: str) -> list[str]:
    texts = [card_text(c) for c in connector.cards()]
    return [t for t in texts if f"Pool {pool} is running low" in t or f"Pool {pool} has recovered" in t]


async def assign_sales_number(megan: TeamsClient, connector: RecordingConnector, number: str) -> None:
    await megan.say(f"assign adele {number} US-Local")
    review = connector.last_card()
    assert "Step 2 of 5" in card_text(review), card_text(review)  # Teams knows Bob's number: a sync to review
    confirm = await megan.click(review, "Commit")
    assert "Step 5 of 5" in card_text(confirm), card_text(confirm)
    done = await megan.click(confirm, "Assign")
    assert "is assigned to Adele Vance" in card_text(done)


async def test_an_assignment_that_takes_a_pool_under_its_threshold_alerts_the_channel_without_waiting_for_the_job(
    voice_ops: TeamsClient, megan: TeamsClient, connector: RecordingConnector, sales: Store
) -> None:
    await voice_ops.say("capacity Sales 4")  # 4 free of 4: not below 4 yet
    await assign_sales_number(megan, connector, "+14255550100")
    # The bot runs no jobs here (run_jobs=False): the alert can only come from the assignment itself.
    alert = await connector.wait_for_card(saying("Pool Sales is running low"))
    assert "Free\n3 of 4" in card_text(alert)
    assert len(capacity_notes(connector, "Sales")) == 1


async def test_removing_the_number_brings_the_recovery_note_at_once(
    voice_ops: TeamsClient, megan: TeamsClient, connector: RecordingConnector, sales: Store
) -> None:
    await voice_ops.say("capacity Sales 4")
    await assign_sales_number(megan, connector, "+14255550101")
    await connector.wait_for_card(saying("Pool Sales is running low"))
    await megan.say("remove +14255550101")
    removed = await megan.click(connector.last_card(), "Remove")
    assert "was removed from Adele Vance" in card_text(removed), card_text(removed)
    recovered = await connector.wait_for_card(saying("Pool Sales has recovered"))
    assert "Free\n4 of 4" in card_text(recovered)
    assert len(capacity_notes(connector, "Sales")) == 2


async def test_ending_a_quarantine_early_brings_the_recovery_note_at_once(
    voice_ops: TeamsClient, connector: RecordingConnector, sales: Store
) -> None:
    now = datetime.now(UTC)
    async with sales.write() as uow:
        current = await uow.numbers.get("contoso", "+14255550103")
        assert current is not None
        after = current.touched(
            "setup", now, status=NumberStatus.QUARANTINED, quarantined_until=now + timedelta(days=12)
        )
        await uow.numbers.save(current, after, action="release", actor=Actor("cli:setup", "setup"), correlation_id="t")
    await voice_ops.say("capacity Sales 4")  # 3 free of 4: low at once
    await connector.wait_for_card(saying("Pool Sales is running low"))
    await voice_ops.say("end quarantine +14255550103")
    await voice_ops.click(connector.last_card(), "End quarantine")
    await connector.wait_for_card(saying("Pool Sales has recovered"))
    assert len(capacity_notes(connector, "Sales")) == 2
