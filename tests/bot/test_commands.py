"""Commands as operators type them: help (and a suggestion for a typo), numbers with search, paging and the
status filter, remove by number or by holder, tenant, and sync; in any case, in a channel with an @mention,
and from message-based (Action.Submit) cards."""

from __future__ import annotations

import dataclasses

import aiohttp
from sqlalchemy import select

from cards.reading import card_text
from inventory.config import OperatorConfig, Role
from inventory.model import NumberStatus
from inventory.store.engine import Store
from inventory.store.tables import operator_prefs
from inventory.teams.simulation import SimulatedTenant
from tests.support import db
from tests.support.bot_harness import RecordingConnector, TeamsClient, offered
from tests.support.bot_world import MEGAN, OLIVIA, BotStarter, bot_settings, client_for
from tests.support.clicks import chooser_for_alex


async def test_numbers_searches_pages_and_filters_by_status(megan: TeamsClient, connector: RecordingConnector) -> None:
    await megan.say("sync")
    await megan.click(connector.last_card(), "Commit")
    await megan.say("numbers")
    first = connector.last_card()
    assert "Tenant contoso: 101 matches - page 1" in card_text(first)
    assert offered(first)[0] == "+1 206 555 0100"
    assert len(offered(first)) == 10
    second = await megan.click(first, "Next")
    assert "page 2" in card_text(second)
    assert offered(second)[0] == "+1 206 555 0110"
    back = await megan.click(second, "Previous")
    assert offered(back) == offered(first)
    used = await megan.click(back, "Search", inputs={"status": "used"})
    assert offered(used) == ["+1 206 555 0150", "+1 206 555 0199"]
    assert "Bob Kelly" in card_text(used)
    bob = await megan.click(used, "Search", inputs={"status": "any", "search": "bob"})
    assert offered(bob) == ["+1 206 555 0150"]


async def test_remove_by_number_asks_for_confirmation_and_cancel_changes_nothing(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store, teams: SimulatedTenant
) -> None:
    await megan.say("sync")
    await megan.click(connector.last_card(), "Commit")
    before = await db.snapshot(inventory)
    await megan.say("remove +12065550150")
    confirm = connector.last_card()
    assert "Held by" in card_text(confirm)
    assert "Bob Kelly" in card_text(confirm)
    cancelled = await megan.click(confirm, "Cancel")
    assert "Cancelled. Nothing was changed." in card_text(cancelled)
    after = await db.snapshot(inventory)
    assert (after.numbers, after.audit_events) == (before.numbers, before.audit_events)
    sim = teams.number("+12065550150")
    assert sim is not None
    assert sim.assignment_target_id == "obj-bob"


async def test_remove_of_a_number_nobody_holds_says_so(megan: TeamsClient, connector: RecordingConnector) -> None:
    await megan.say("remove +1 206 555 0142")
    assert "+1 206 555 0142 is available, not assigned to anyone." in card_text(connector.last_card())


async def test_remove_by_holder_with_several_numbers_asks_which_one(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store, teams: SimulatedTenant
) -> None:
    choose = await chooser_for_alex(megan, connector, teams)
    assert "Alex Wilber (alex@contoso.test) holds 2 numbers - which one?" in card_text(choose)
    assert offered(choose) == ["+1 206 555 0120", "+1 206 555 0121"]
    confirm = await megan.click(choose, "Remove")
    assert "+1 206 555 0120" in card_text(confirm)
    done = await megan.click(confirm, "Remove")
    assert "+1 206 555 0120 was removed from Alex Wilber" in card_text(done)
    assert (await db.number(inventory, "+12065550120")).status is NumberStatus.AVAILABLE
    assert (await db.number(inventory, "+12065550121")).status is NumberStatus.USED


async def test_an_operator_with_several_tenants_chooses_one_and_it_is_remembered_per_operator(
    start_bot: BotStarter, http: aiohttp.ClientSession, connector: RecordingConnector, inventory: Store
) -> None:
    settings = bot_settings()
    two_tenants = OperatorConfig(MEGAN.aad_object_id, Role.OPERATOR, ("contoso", "fabrikam"))
    settings = dataclasses.replace(settings, operators=(settings.operators[0], two_tenants))
    url = (await start_bot(settings=settings)).url
    olivia, megan = (client_for(member, http, url, connector) for member in (OLIVIA, MEGAN))

    await olivia.say("numbers")
    assert "Choose a tenant first: type tenant (you may use contoso, fabrikam)." in card_text(connector.last_card())
    await olivia.say("tenant")
    chooser = connector.last_card()
    assert "None chosen yet" in card_text(chooser)
    chosen = await olivia.click(chooser, "Choose", inputs={"tenant": "fabrikam"})
    assert "You now work on Fabrikam." in card_text(chosen)
    await megan.say("tenant contoso")

    await olivia.say("tenant")
    assert "Now: fabrikam" in card_text(connector.last_card())
    await megan.say("numbers")
    assert "Tenant contoso" in card_text(connector.last_card())
    async with inventory.read() as uow:
        rows = await uow.connection.execute(select(operator_prefs.c.operator_id, operator_prefs.c.tenant))
        assert dict(rows.all()) == {OLIVIA.aad_object_id: "fabrikam", MEGAN.aad_object_id: "contoso"}


async def test_sync_reviews_then_commits_and_shows_what_was_applied(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    await megan.say("sync")
    review = connector.last_card()
    assert "Step 2 of 2 - review and commit" in card_text(review)
    summary = await megan.click(review, "Commit")
    text = card_text(summary)
    assert "Committed by megan@contoso.test" in text
    assert "Added\n1\nUpdated\n2\nDrift applied\n0" in text
    assert await db.sync_statuses(inventory) == ["committed"]
    await megan.say("sync")
    assert "Nothing to do: Teams and the contoso inventory agree." in card_text(connector.last_card())


async def test_cancelling_a_sync_discards_the_diff_and_changes_nothing(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    before = await db.snapshot(inventory)
    await megan.say("sync")
    review = connector.last_card()
    cancelled = await megan.click(review, "Cancel")
    assert "Cancelled. The inventory was not changed." in card_text(cancelled)
    assert await db.sync_statuses(inventory) == ["discarded"]
    after = await db.snapshot(inventory)
    assert (after.numbers, after.audit_events) == (before.numbers, before.audit_events)
    again = await megan.click(review, "Commit")  # the stale review cannot commit the discarded diff
    assert "Cancelled" in card_text(again)
    assert (await db.snapshot(inventory)).numbers == before.numbers


async def test_numbers_combines_an_area_code_a_vanity_pattern_and_a_status(
    megan: TeamsClient, connector: RecordingConnector
) -> None:
    await megan.say("numbers area:206 *0100 status:available")
    listed = connector.last_card()
    assert offered(listed) == ["+1 206 555 0100"]
    refused = await megan.click(listed, "Search", inputs={"search": "+12065550100123456"})
    assert "can never match: phone numbers have at most 15 digits" in card_text(refused)
    assert offered(refused) == ["+1 206 555 0100"]  # the card stays as it was
    await megan.say("numbers colour:red")
    assert "'colour:' is not a search term" in card_text(connector.last_card())
