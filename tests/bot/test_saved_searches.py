"""Saved searches over the Bot Framework protocol: `save search NAME` keeps the operator's last `numbers`
search (status included), `numbers NAME`, a picker's search box and `assign PERSON from NAME` use it, each
operator has their own, and a name or search that cannot be used is refused with why and saves nothing."""

from __future__ import annotations

from cards.reading import card_text
from inventory.store.engine import Store
from tests.support.bot_harness import RecordingConnector, TeamsClient, offered
from tests.support.clicks import picker_for


async def test_the_last_numbers_search_is_saved_by_name_and_numbers_name_runs_it_again(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    await megan.say("numbers 555 014")
    searched = await megan.click(connector.last_card(), "Search", inputs={"search": "555 014", "status": "available"})
    assert "10 matches" in card_text(searched)  # +1 206 555 0140-0149
    await megan.say("save search Fourteens")
    assert "fourteens is: 555 014 status:available" in card_text(connector.last_card())
    await megan.say("numbers fourteens")
    again = connector.last_card()
    assert offered(again) == offered(searched)
    await megan.say("searches")
    assert "**fourteens**: 555 014 status:available" in card_text(connector.last_card())


async def test_a_saved_search_is_typed_into_a_pickers_search_box_by_name(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    await megan.say("save search nines 555 019")
    picker = await picker_for(megan, connector, "adele")
    found = await megan.click(picker, "Search", inputs={"search": "nines"})
    assert offered(found)[:2] == ["+1 206 555 0190", "+1 206 555 0191"]


async def test_saved_searches_are_each_operators_own(
    megan: TeamsClient, olivia: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    await megan.say("save search mine 555 019")
    await olivia.say("tenant contoso")
    await olivia.say("searches")
    assert "You have none in contoso yet" in card_text(connector.last_card())


async def test_a_bad_name_a_search_that_cannot_match_or_no_search_at_all_saves_nothing(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    await megan.say("save search fourteens")
    assert "Search first" in card_text(connector.last_card())
    await megan.say("save search 9lives 555")
    assert "'9lives' cannot name a search" in card_text(connector.last_card())
    await megan.say("save search odd status:sideways")
    assert "sideways" in card_text(connector.last_card())
    await megan.say("searches")
    assert "You have none in contoso yet" in card_text(connector.last_card())
    await megan.say("forget search odd")
    assert "You have no saved search called 'odd'" in card_text(connector.last_card())


async def test_assign_person_from_a_saved_search_opens_the_picker_on_it(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    await megan.say("save search nines 555 019")
    await megan.say("assign adele@contoso.test from nines US-Local")
    review = connector.last_card()
    assert "Step 2 of 5" in card_text(review), card_text(review)  # Teams knows Bob's number: a sync to review
    picker = await megan.click(review, "Commit")
    assert "Step 3 of 5" in card_text(picker)
    assert offered(picker)[:2] == ["+1 206 555 0190", "+1 206 555 0191"]
    assert "+1 206 555 0100" not in offered(picker)
    confirm = await megan.click(picker, "Pick")  # the policy was given: straight to the confirm card
    assert "Step 5 of 5" in card_text(confirm)
    assert "+1 206 555 0190" in card_text(confirm)


async def test_assign_person_from_search_terms_opens_the_picker_on_them(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    await megan.say("assign adele from *0142")
    picker = await megan.click(connector.last_card(), "Commit")
    assert offered(picker) == ["+1 206 555 0142"]


async def test_assign_from_a_saved_search_nobody_saved_is_refused_naming_the_operators_own(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    await megan.say("save search nines 555 019")
    await megan.say("assign adele from nnies")
    shown = card_text(connector.last_card())
    assert "You have no saved search called 'nnies' in contoso (yours: nines)." in shown
    await megan.say("assign adele from status:sideways")
    assert "status:sideways is not a status" in card_text(connector.last_card())
    await megan.say("assign adele +12065550142 from nines")
    assert "Give a number or from SEARCH, not both" in card_text(connector.last_card())
