"""What the cards say: the operator's own time, words instead of Graph values, plain plurals, and a failure
that does not call anyone the holder."""

from __future__ import annotations

import re

import aiohttp

from cards.reading import card_text
from inventory.store.engine import Store
from inventory.teams.simulation import SimulatedTenant
from tests.support.bot_harness import RecordingConnector, TeamsClient
from tests.support.bot_world import MEGAN, client_for
from tests.support.card_parts import amber_text, facts_of
from tests.support.clicks import confirm_card_for


def in_paris(http: aiohttp.ClientSession, bot_url: str, connector: RecordingConnector) -> TeamsClient:
    client = client_for(MEGAN, http, bot_url, connector)
    client.local_timezone = "Europe/Paris"
    return client


async def test_a_reservation_ends_in_the_operators_own_time_zone_as_teams_names_it(
    http: aiohttp.ClientSession, bot_url: str, connector: RecordingConnector, inventory: Store
) -> None:
    megan = in_paris(http, bot_url, connector)
    await megan.say("reserve +12065550100 until 2026-12-31 17:00")  # typed dates are UTC
    shown = card_text(connector.last_card())
    assert "2026-12-31 18:00 CET" in shown
    assert "UTC" not in shown


async def test_the_review_expires_in_the_operators_time_and_an_unknown_zone_falls_back_to_utc(
    http: aiohttp.ClientSession, bot_url: str, connector: RecordingConnector, inventory: Store
) -> None:
    megan = in_paris(http, bot_url, connector)
    await megan.say("sync")
    assert re.search(r"valid until \d\d:\d\d CET\.", card_text(connector.last_card()))
    megan.local_timezone = "Mars/Olympus_Mons"
    await megan.say("sync")
    assert re.search(r"valid until \d\d:\d\d UTC\.", card_text(connector.last_card()))


async def test_a_change_of_number_type_reads_as_teams_admin_center_words(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store, teams: SimulatedTenant
) -> None:
    await megan.say("sync")
    await megan.click(connector.last_card(), "Commit")
    teams.number("+12065550150").number_type = "callingPlan"  # type: ignore[union-attr]
    await megan.say("sync")
    shown = card_text(connector.last_card())
    assert "number type: Direct Routing -> Calling Plan" in shown
    assert "directRouting" not in shown
    assert "callingPlan" not in shown


async def test_counts_read_as_plain_plurals(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    await megan.say("numbers +12065550100")
    assert "Tenant contoso: 1 match - page 1" in card_text(connector.last_card())
    await megan.say("numbers")
    shown = card_text(connector.last_card())
    assert "100 matches" in shown
    assert "(es)" not in shown


async def test_a_failed_assignment_says_whom_it_was_not_assigned_to_and_shows_no_amber_text(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store, teams: SimulatedTenant
) -> None:
    confirm = await confirm_card_for(megan, connector)
    teams.faults.fail_next_operations(detail="Emergency location is not validated.")
    failed = await megan.click(confirm, "Assign")
    assert "Teams did not assign the number" in card_text(failed)
    facts = facts_of(failed)
    assert facts["Not assigned to"] == "Adele Vance (adele@contoso.test)"
    assert "Holder" not in facts
    assert amber_text(failed) == []
