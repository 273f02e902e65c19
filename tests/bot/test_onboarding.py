"""Onboarding suggestions over the Bot Framework protocol: the job tells the tenant's channel once who is
enabled for Teams Phone without a number (Teams' userConfigurations through the stand-in's model), with the
rules' suggestion each; the same people are not told again, a changed set is. A viewer's click changes
nothing; an operator's Assign all runs bulk assign for them (journaled, bulk's results card), Review opens
bulk's plan with a number held for each; a card a newer one replaced is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.app import JOBS
from cards.reading import card_text
from inventory.e164 import parse_range
from inventory.model import Actor, NumberStatus
from inventory.ports.clock import SystemClock
from inventory.services.imports import import_range
from inventory.store.engine import Store
from inventory.teams.simulation import SimAccount, SimulatedTenant
from tests.support import db
from tests.support.bot_harness import RecordingConnector, TeamsClient
from tests.support.bot_world import RunningBot


@pytest.fixture
def store(sqlite_store: Store) -> Store:
    return sqlite_store


@pytest.fixture
def channel(onboarding_channel: dict[str, TeamsClient]) -> dict[str, TeamsClient]:
    return onboarding_channel


def saying(words: str) -> Callable[[dict[str, Any]], bool]:
    return lambda card: words in card_text(card)


async def test_the_channel_hears_once_who_needs_a_number_and_assign_all_assigns_them_through_bulk(
    channel: dict[str, TeamsClient],
    connector: RecordingConnector,
    onboarding_bot: RunningBot,
    inventory: Store,
    teams: SimulatedTenant,
) -> None:
    jobs = onboarding_bot.app[JOBS]
    assert await jobs.suggest_onboarding() == 1
    posted = await connector.wait_for_card(saying("2 people need numbers"))
    shown = card_text(posted)
    assert "Adele Vance (adele@contoso.test)" in shown
    assert "Alex Wilber (alex@contoso.test)" in shown
    assert "Bob Kelly" not in shown  # he holds a number
    assert "Main Line" not in shown  # a resource account is not onboarding
    assert await jobs.suggest_onboarding() == 0  # the same people: the channel already knows

    before = await db.snapshot(inventory)
    refused = await channel["victor"].click(posted, "Assign all")
    assert "needs the operator role" in card_text(refused)
    assert await db.snapshot(inventory) == before

    done = await channel["megan"].click(posted, "Assign all")
    assert "2 assigned, 0 failed" in card_text(done)
    assert len(teams.numbers_of("obj-adele")) == 1
    assert len(teams.numbers_of("obj-alex")) == 1
    (adeles,) = teams.numbers_of("obj-adele")
    assert (await db.number(inventory, adeles)).status is NumberStatus.USED

    teams.add_account(SimAccount("obj-nestor", "nestor@contoso.test", "Nestor Wilke", enterprise_voice=True))
    assert await jobs.suggest_onboarding() == 1  # a changed set: Adele and Alex have numbers, Nestor came
    newer = await connector.wait_for_card(saying("1 person needs numbers"))
    assert "Nestor Wilke" in card_text(newer)
    stale = await channel["megan"].click(posted, "Review")
    assert "A newer onboarding card has replaced this one" in card_text(stale)


async def test_review_opens_the_bulk_plan_with_a_number_held_for_each_person(
    channel: dict[str, TeamsClient], connector: RecordingConnector, onboarding_bot: RunningBot, inventory: Store
) -> None:
    await onboarding_bot.app[JOBS].suggest_onboarding()
    posted = await connector.wait_for_card(saying("2 people need numbers"))
    plan = await channel["megan"].click(posted, "Review")
    shown = card_text(plan)
    assert "Adele Vance" in shown
    assert "Alex Wilber" in shown
    # The first two free numbers of the carrier range (no rules: any free number), each held for the plan.
    for number in ("+12065550100", "+12065550101"):
        assert "+1 206 555 01" + number[-2:] in shown
        assert (await db.number(inventory, number)).status is NumberStatus.RESERVED


async def test_two_people_one_rule_sends_to_the_same_pool_are_suggested_different_numbers(
    channel: dict[str, TeamsClient],
    connector: RecordingConnector,
    onboarding_bot: RunningBot,
    inventory: Store,
    teams: SimulatedTenant,
) -> None:
    sales = parse_range("+14255550100-+14255550102")
    await import_range(
        inventory, "contoso", sales, actor=Actor("cli:setup", "setup"), clock=SystemClock(), pool="Sales"
    )
    for person in ("obj-adele", "obj-alex"):
        account = teams.account(person)
        assert account is not None
        account.department = "Sales"
    await channel["olivia"].say("rule add department=Sales pool=Sales")
    await onboarding_bot.app[JOBS].suggest_onboarding()
    shown = card_text(await connector.wait_for_card(saying("2 people need numbers")))
    assert "+1 425 555 0100" in shown
    assert "+1 425 555 0101" in shown  # the next free one for the second, not the first again
    for number in ("+14255550100", "+14255550101"):  # suggested, not held: the buttons hold them
        assert (await db.number(inventory, number)).status is NumberStatus.AVAILABLE
