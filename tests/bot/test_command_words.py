"""What an operator types, read by the commands' grammar (issue 14): the words of `assign` in any order,
a word that is not a number or a policy named as such on the card that carries on, digits that match
several people answered with people, greetings in one line, and a typo answered with a button."""

from __future__ import annotations

from typing import Any

from cards.reading import card_text
from inventory.model import NumberStatus
from inventory.store.engine import Store
from inventory.teams.simulation import SimulatedPhoneSystem, SimulatedTenant
from tests.support import db
from tests.support.bot_harness import RecordingConnector, TeamsClient, action_titles, offered
from tests.support.clicks import teams_assignments


async def synced(client: TeamsClient, connector: RecordingConnector) -> None:
    """The inventory knows what Teams knows (Bob Kelly holds 0150, Main Line 0199), so no review comes first."""
    await client.say("sync")
    await client.click(connector.last_card(), "Commit")


async def said(client: TeamsClient, connector: RecordingConnector, text: str) -> dict[str, Any]:
    await client.say(text)
    return connector.last_card()


async def test_a_one_line_assign_with_the_person_first_goes_straight_to_the_confirm_card(
    megan: TeamsClient, connector: RecordingConnector, phone: SimulatedPhoneSystem
) -> None:
    await synced(megan, connector)
    confirm = await said(megan, connector, "assign adele +1 206 555 0142 us-local")
    text = card_text(confirm)
    assert "Step 5 of 5" in text, text
    assert "Adele Vance" in text
    assert "+1 206 555 0142" in text
    assert "US-Local" in text
    done = await megan.click(confirm, "Assign")
    assert "+1 206 555 0142 is assigned to Adele Vance" in card_text(done)
    assert teams_assignments(phone) == 1


async def test_the_words_of_assign_are_read_in_any_order(megan: TeamsClient, connector: RecordingConnector) -> None:
    await synced(megan, connector)
    confirm = await said(megan, connector, "assign US-Unrestricted +12065550142 adele")
    assert "Step 5 of 5" in card_text(confirm)
    assert "US-Unrestricted" in card_text(confirm)


async def test_letters_in_a_number_are_named_on_the_picker_which_carries_on_for_the_person(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    await synced(megan, connector)
    before = await db.snapshot(inventory)
    picker = await said(megan, connector, "assign adele +1 abc")
    text = card_text(picker)
    assert "'+1 abc' is not a phone number" in text
    assert "Step 3 of 5 - pick an available number for Adele Vance" in text
    assert "Nobody" not in text
    assert (await db.snapshot(inventory)).numbers == before.numbers


async def test_a_policy_the_tenant_lacks_is_named_on_the_policy_card_with_the_choices(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store, phone: SimulatedPhoneSystem
) -> None:
    await synced(megan, connector)
    policy = await said(megan, connector, "assign adele +12065550142 Bogus-Policy")
    text = card_text(policy)
    assert "'Bogus-Policy' is not a voice routing policy of contoso: choose US-Unrestricted, US-Local." in text
    assert "Step 4 of 5" in text
    assert "Nobody" not in text
    confirm = await megan.click(policy, "Next", inputs={"policy": "US-Unrestricted"})
    assert "Bogus-Policy" not in card_text(confirm)
    assert "Step 5 of 5" in card_text(confirm)
    assert teams_assignments(phone) == 0


async def test_a_number_that_is_not_one_is_refused_by_remove_and_history_rather_than_taken_for_a_name(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    await synced(megan, connector)
    before = await db.snapshot(inventory)
    assert "'+1 999' is not a phone number" in card_text(await said(megan, connector, "remove +1 999"))
    flowers = card_text(await said(megan, connector, "history +1-800-FLOWERS-NOW"))
    assert "'+1-800-FLOWERS-NOW' is not a phone number" in flowers
    assert "No changes recorded" not in flowers
    assert (await db.snapshot(inventory)).numbers == before.numbers


async def test_digits_that_match_numbers_of_several_people_ask_which_person_by_name(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    await synced(megan, connector)
    choose = await said(megan, connector, "remove 555")
    text = card_text(choose)
    assert "'555' matches numbers of 2 people - which person?" in text
    assert "**Bob Kelly (bob@contoso.test)**\n+1 206 555 0150" in text
    assert "**Main Line (mainline@contoso.test)**\n+1 206 555 0199" in text
    confirm = await megan.click(choose, "Remove")  # the first person, in the order of their names
    assert "Bob Kelly" in card_text(confirm)
    done = await megan.click(confirm, "Remove")
    assert "+1 206 555 0150 was removed from Bob Kelly" in card_text(done)
    assert (await db.number(inventory, "+12065550199")).status is NumberStatus.USED


async def test_numbers_takes_a_status_word_and_a_search(megan: TeamsClient, connector: RecordingConnector) -> None:
    await synced(megan, connector)
    assert offered(await said(megan, connector, "numbers assigned")) == ["+1 206 555 0150", "+1 206 555 0199"]
    free = await said(megan, connector, "numbers free +1206555019")
    assert offered(free) == [f"+1 206 555 019{i}" for i in range(9)]


async def test_import_range_takes_a_short_end(
    olivia: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    await olivia.say("tenant contoso")
    await olivia.say("import range +12065550200-0299 location=Seattle")
    await connector.wait_for_card(lambda card: "Added" in card_text(card) or "added" in card_text(card))
    assert (await db.number(inventory, "+12065550299")).status is NumberStatus.AVAILABLE
    assert (await db.number(inventory, "+12065550200")).location == "Seattle"


async def test_a_greeting_gets_one_line_not_the_help(megan: TeamsClient, connector: RecordingConnector) -> None:
    for greeting, line in (("hi", "Hello! Type **help** to see what I can do."), ("Thanks!", "You're welcome.")):
        answer = await said(megan, connector, greeting)
        assert card_text(answer) == line
        assert action_titles(answer) == []


async def test_a_typo_of_a_command_asks_did_you_mean_with_a_button_that_runs_it(
    megan: TeamsClient, connector: RecordingConnector
) -> None:
    await synced(megan, connector)
    suggestion = await said(megan, connector, "asign adele")
    text = card_text(suggestion)
    assert "I don't know 'asign'. Did you mean `assign`?" in text
    assert "remove USER|NUMBER" not in text  # not the whole help card
    assert action_titles(suggestion) == ["assign adele", "Show help"]
    picker = await megan.click(suggestion, "assign adele")
    assert "Step 3 of 5 - pick an available number for Adele Vance" in card_text(picker)


async def test_digits_that_match_too_many_numbers_ask_for_more_of_the_number(
    megan: TeamsClient, connector: RecordingConnector, teams: SimulatedTenant
) -> None:
    for i in range(21):
        teams.assign_directly(f"+120655501{i:02d}", "obj-alex")
    await synced(megan, connector)
    answer = card_text(await said(megan, connector, "remove 5550"))
    assert "23 held numbers contain 5550: type more of the number, or the person's name." in answer


async def test_a_typo_of_a_command_that_acts_at_once_is_suggested_to_type_not_run_from_a_button(
    olivia: TeamsClient, connector: RecordingConnector
) -> None:
    suggestion = await said(olivia, connector, "improt range +12065550200-0299")
    assert "Did you mean `import range`?" in card_text(suggestion)
    assert "Type it as: import range +12065550200-0299" in card_text(suggestion)
    assert action_titles(suggestion) == ["Show help"]
