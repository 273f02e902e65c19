"""The picker's acceptance checklist through the bot's HTTP endpoint: the picker syncs first, the diff is committed,
only available numbers are offered, assigning and removing record the operator, and a number one operator
holds is not offered to another."""

from __future__ import annotations

from typing import Any

from cards.reading import card_text
from inventory.model import NumberStatus
from inventory.store.engine import Store
from inventory.teams.simulation import SimulatedPhoneSystem, SimulatedTenant
from tests.support import db
from tests.support.bot_harness import RecordingConnector, TeamsClient, action_titles, find_action, offered
from tests.support.bot_world import MEGAN, OLIVIA
from tests.support.clicks import picker_for, review_for

NUMBERS_PATH = "admin/teams/telephoneNumberManagement/numberAssignments"


async def every_offered(client: TeamsClient, picker: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """Every number the picker offers, following Next to the last page; and that last page's card."""
    seen = offered(picker)
    while "Next page" in action_titles(picker):
        picker = await client.click(picker, "Next page")
        seen += offered(picker)
    return seen, picker


async def test_the_picker_syncs_from_teams_before_it_offers_any_number(
    olivia: TeamsClient, connector: RecordingConnector, inventory: Store, phone: SimulatedPhoneSystem
) -> None:
    await olivia.say("tenant contoso")
    review = await review_for(olivia, connector, "assign adele")
    text = card_text(review)
    assert "Step 2 of 5 - review" in text
    assert "+1 206 555 9000" in text  # only Teams knows it: to add
    assert "+1 206 555 0150" in text  # Bob holds it in Teams: to update
    assert ("GET", NUMBERS_PATH) in phone.requests
    assert "Pick" not in action_titles(review)  # the review card, not a picker yet
    # Nothing is applied before the operator commits.
    assert (await db.number(inventory, "+12065550150")).status is NumberStatus.AVAILABLE
    assert await db.sync_statuses(inventory) == ["open"]


async def test_committing_the_diff_updates_the_inventory_and_says_so_on_the_picker(
    olivia: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    await olivia.say("tenant contoso")
    picker = await olivia.click(await review_for(olivia, connector, "assign adele"), "Commit")
    assert "Committed: add 1, update 2." in card_text(picker)
    assert await db.sync_statuses(inventory) == ["committed"]
    bobs = await db.number(inventory, "+12065550150")
    assert bobs.status is NumberStatus.USED
    assert bobs.assignee is not None
    assert bobs.assignee.upn == "bob@contoso.test"
    assert (await db.number(inventory, "+12065559000")).status is NumberStatus.AVAILABLE
    (event,) = [e for e in await db.history(inventory, "+12065550150") if e.action == "sync"]
    assert event.operator_name == OLIVIA.upn


async def test_the_picker_offers_only_available_numbers_on_every_page(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    picker = await picker_for(megan, connector, "adele")
    assert "99 available - page 1" in card_text(picker)
    everything, last_page = await every_offered(megan, picker)
    assert "+1 206 555 0150" not in everything  # Bob's
    assert "+1 206 555 0199" not in everything  # the auto attendant's
    assert len(everything) == len(set(everything)) == 99  # 98 of the range + the calling plan number
    assert "page 13" in card_text(last_page)
    found = await megan.click(last_page, "Search", inputs={"search": "555 0150"})
    assert offered(found) == []
    assert "No available numbers match" in card_text(found)


async def test_assigning_makes_the_number_used_and_records_the_operator_from_teams(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store, teams: SimulatedTenant
) -> None:
    picker = await picker_for(megan, connector, "adele")
    policy = await megan.click(picker, "Pick")
    confirm = await megan.click(policy, "Next", inputs={"policy": "US-Local"})
    done = await megan.click(confirm, "Assign")
    assert "+1 206 555 0100 is assigned to Adele Vance" in card_text(done)
    number = await db.number(inventory, "+12065550100")
    assert number.status is NumberStatus.USED
    assert number.assignee is not None
    assert number.assignee.id == "obj-adele"
    assert number.hold is None
    assert number.last_modified_by == MEGAN.upn
    assign = [e for e in await db.history(inventory, "+12065550100") if e.action == "assign"]
    assert [(e.operator_id, e.operator_name) for e in assign] == [(MEGAN.aad_object_id, MEGAN.upn)]
    sim = teams.number("+12065550100")
    assert sim is not None
    assert sim.assignment_target_id == "obj-adele"


async def test_removing_a_number_makes_it_available_and_records_the_operator(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store, teams: SimulatedTenant
) -> None:
    await picker_for(megan, connector, "adele")  # commits Bob's number into the inventory
    await megan.say("remove +1 206 555 0150")
    confirm = connector.last_card()
    assert "Bob Kelly" in card_text(confirm)
    done = await megan.click(confirm, "Remove")
    assert "+1 206 555 0150 was removed from Bob Kelly" in card_text(done)
    number = await db.number(inventory, "+12065550150")
    assert number.status is NumberStatus.AVAILABLE
    assert number.assignee is None
    assert number.last_modified_by == MEGAN.upn
    (event,) = [e for e in await db.history(inventory, "+12065550150") if e.action == "unassign"]
    assert event.operator_name == MEGAN.upn
    sim = teams.number("+12065550150")
    assert sim is not None
    assert sim.assignment_target_id is None


async def test_a_number_olivia_holds_is_not_offered_to_megan_until_olivia_cancels(
    olivia: TeamsClient, megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    await olivia.say("tenant contoso")
    olivias_picker = await picker_for(olivia, connector, "adele")
    assert find_action(olivias_picker, "Pick")["data"]["number"]  # the first one: +1 206 555 0100
    policy = await olivia.click(olivias_picker, "Pick")
    assert "+1 206 555 0100" in card_text(policy)

    megans_picker = await picker_for(megan, connector, "alex")
    assert "+1 206 555 0100" not in offered(megans_picker)
    assert offered(megans_picker)[0] == "+1 206 555 0101"
    assert "98 available" in card_text(megans_picker)
    searched = await megan.click(megans_picker, "Search", inputs={"search": "2065550100"})
    assert offered(searched) == []

    cancelled = await olivia.click(policy, "Cancel")
    assert "Cancelled" in card_text(cancelled)
    again = await megan.click(searched, "Search", inputs={"search": ""})
    assert offered(again)[0] == "+1 206 555 0100"
    assert "99 available" in card_text(again)


async def test_a_picker_opened_right_after_a_clean_sync_trusts_it_instead_of_fetching_again(
    olivia: TeamsClient, megan: TeamsClient, connector: RecordingConnector, phone: SimulatedPhoneSystem
) -> None:
    await olivia.say("tenant contoso")
    await picker_for(olivia, connector, "adele")  # syncs and commits: the inventory now matches Teams
    fetches = phone.requests.count(("GET", NUMBERS_PATH))
    picker = await picker_for(megan, connector, "alex")
    assert "Checked against Teams" in card_text(picker)
    assert phone.requests.count(("GET", NUMBERS_PATH)) == fetches


async def test_the_sync_command_always_asks_teams_afresh(
    olivia: TeamsClient, connector: RecordingConnector, phone: SimulatedPhoneSystem
) -> None:
    await olivia.say("tenant contoso")
    await picker_for(olivia, connector, "adele")
    fetches = phone.requests.count(("GET", NUMBERS_PATH))
    await olivia.say("sync")
    assert "agree" in card_text(connector.last_card())
    assert phone.requests.count(("GET", NUMBERS_PATH)) == fetches + 1
