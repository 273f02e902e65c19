"""When Teams says no, is slow, or disagrees with the inventory: the operator reads Teams' own words, the
inventory stays as it was, a slow answer replaces the waiting card by itself, and drift is shown apart."""

from __future__ import annotations

import aiohttp

from cards.reading import card_text
from inventory.model import NumberStatus
from inventory.store.engine import Store
from inventory.teams.simulation import FaultKnobs, SimulatedTenant
from tests.support import db
from tests.support.bot_harness import RecordingConnector, TeamsClient, action_titles
from tests.support.bot_world import MEGAN, BotStarter, client_for
from tests.support.clicks import confirm_card_for

STATUS_DETAIL = "Emergency location 'HQ-Seattle' is not validated for +12065550100 (code 4012)."


async def test_a_failed_teams_operation_shows_teams_words_and_leaves_the_inventory_unchanged(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store, teams: SimulatedTenant
) -> None:
    confirm = await confirm_card_for(megan, connector)
    teams.faults.fail_next_operations(detail=STATUS_DETAIL)
    failed = await megan.click(confirm, "Assign")
    text = card_text(failed)
    assert "Teams did not assign the number" in text
    assert f"Teams says: {STATUS_DETAIL}" in text
    assert "The number is back in the pool" in text
    assert action_titles(failed) == ["Pick another number", "Try again"]
    number = await db.number(inventory, "+12065550100")
    assert number.status is NumberStatus.AVAILABLE
    assert number.assignee is None
    assert number.hold is None
    sim = teams.number("+12065550100")
    assert sim is None or sim.assignment_target_id is None

    again = await megan.click(failed, "Try again")  # holds it again and goes on to confirm
    assert "Step 5 of 5" in card_text(again)
    done = await megan.click(again, "Assign")
    assert "is assigned to Adele Vance" in card_text(done)


async def test_a_slow_teams_answer_shows_a_waiting_card_that_is_replaced_when_teams_finishes(
    start_bot: BotStarter,
    http: aiohttp.ClientSession,
    connector: RecordingConnector,
    inventory: Store,
    teams: SimulatedTenant,
) -> None:
    megan = client_for(MEGAN, http, (await start_bot(inline_seconds=0.1)).url, connector)
    await megan.say("assign adele")
    review = await connector.wait_for_card(lambda card: "Step 2 of 5 - review" in card_text(card))
    confirm = await confirm_card_for_review(megan, review)
    teams.knobs = FaultKnobs(operation_delay_seconds=0.4)
    sent_before = len(connector.sent)
    waiting = await megan.click(confirm, "Assign", reply_to="1795564950261", settle=False)
    assert "Working in Teams..." in card_text(waiting)
    assert "This card updates by itself" in card_text(waiting)
    (update,) = await connector.wait_for_new(sent_before, count=1)
    assert (update.method, update.activity_id) == ("PUT", "1795564950261")
    assert update.card is not None
    assert "is assigned to Adele Vance" in card_text(update.card)
    assert (await db.number(inventory, "+12065550100")).status is NumberStatus.USED


async def confirm_card_for_review(client: TeamsClient, review: dict[str, object]) -> dict[str, object]:
    picker = await client.click(review, "Commit")
    policy = await client.click(picker, "Pick")
    return await client.click(policy, "Next", inputs={"policy": "US-Local"})


async def test_a_slow_sync_posts_a_progress_card_and_replaces_it_with_the_review(
    start_bot: BotStarter,
    http: aiohttp.ClientSession,
    connector: RecordingConnector,
    teams: SimulatedTenant,
) -> None:
    megan = client_for(MEGAN, http, (await start_bot(inline_seconds=0.05)).url, connector)
    teams.knobs = FaultKnobs(latency_ms=40)  # every Graph request: a sync makes several
    await megan.say("sync")
    first = connector.sent[-1]
    assert first.method == "POST"
    assert first.card is not None
    assert "Asking Teams for every number" in card_text(first.card)
    update = await connector.wait_for_card(lambda card: "review" in card_text(card))
    replaced = connector.sent[-1]
    assert (replaced.method, replaced.activity_id) == ("PUT", first.activity_id)
    assert "Commit" in action_titles(update)


async def test_a_sync_with_drift_shows_it_apart_and_commit_all_but_drift_leaves_it(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store, teams: SimulatedTenant
) -> None:
    await megan.say("sync")
    await megan.click(connector.last_card(), "Commit")
    teams.unassign_directly("+12065550150")  # Bob lost his number behind Switchboard's back: drift
    teams.assign_directly("+12065550120", "obj-alex")  # Alex got one: an update
    await megan.say("sync")
    review = connector.last_card()
    text = card_text(review)
    assert "Drift - look before you commit" in text
    assert "+1 206 555 0150" in text
    assert action_titles(review) == ["Commit", "Commit all but drift", "Cancel"]
    summary = await megan.click(review, "Commit all but drift")
    assert "Committed by megan@contoso.test" in card_text(summary)
    assert (await db.number(inventory, "+12065550120")).status is NumberStatus.USED
    bobs = await db.number(inventory, "+12065550150")
    assert bobs.status is NumberStatus.USED  # the drift was left for a person to look at
    assert bobs.assignee is not None
    assert bobs.assignee.id == "obj-bob"
