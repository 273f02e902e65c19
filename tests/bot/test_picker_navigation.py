"""Moving around the assign card: pages apart from steps, Back keeps what was chosen, people by name."""

from __future__ import annotations

from cards.reading import card_text
from tests.support.bot_harness import RecordingConnector, TeamsClient, action_titles, actions_titled, offered
from tests.support.card_parts import bottom_buttons
from tests.support.clicks import picker_for


async def test_the_picker_pages_with_previous_page_and_next_page_apart_from_back_and_cancel(
    megan: TeamsClient, connector: RecordingConnector
) -> None:
    first = await picker_for(megan, connector, "adele")
    assert bottom_buttons(first) == ["Back", "Cancel"]
    assert "Next page" in action_titles(first)
    assert "Previous page" not in action_titles(first)
    second = await megan.click(first, "Next page")
    assert "page 2" in card_text(second)
    assert bottom_buttons(second) == ["Back", "Cancel"]
    assert {"Previous page", "Next page"} <= set(action_titles(second))
    again = await megan.click(second, "Previous page")
    assert offered(again) == offered(first)


async def test_back_from_the_picker_keeps_the_person_and_next_carries_on_with_them(
    megan: TeamsClient, connector: RecordingConnector
) -> None:
    picker = await picker_for(megan, connector, "adele")
    whom = await megan.click(picker, "Back")
    text = card_text(whom)
    assert "Step 1 of 5 - whom" in text
    assert "Adele Vance (adele@contoso.test)" in text
    assert "obj-adele" not in text
    onward = await megan.click(whom, "Next")
    assert "Choose someone first." not in card_text(onward)
    assert "Step 3 of 5 - pick an available number for Adele Vance" in card_text(onward)


async def test_back_twice_from_the_policy_keeps_the_search_and_the_person(
    megan: TeamsClient, connector: RecordingConnector
) -> None:
    picker = await picker_for(megan, connector, "adele")
    found = await megan.click(picker, "Search", inputs={"search": "555 014"})
    policy = await megan.click(found, "Pick")
    back_to_picker = await megan.click(policy, "Back")
    assert offered(back_to_picker) == offered(found)  # the search is still applied
    whom = await megan.click(back_to_picker, "Back")
    assert "Adele Vance (adele@contoso.test)" in card_text(whom)


async def test_a_few_matches_are_a_list_of_names_and_upns_to_click(
    megan: TeamsClient, connector: RecordingConnector
) -> None:
    await megan.say("assign a")
    whom = connector.last_card()
    text = card_text(whom)
    for shown in ("Adele Vance", "adele@contoso.test", "Alex Wilber", "alex@contoso.test"):
        assert shown in text
    assert "obj-" not in text
    assert len(actions_titled(whom, "Choose")) >= 2
    picked = whom
    for choose in actions_titled(whom, "Choose"):
        if choose["data"]["account"] == "obj-alex":
            status, body = await megan.execute(choose["verb"], choose["data"])
            assert status == 200
            picked = body["value"]
    if "Step 2 of 5" in card_text(picked):
        picked = await megan.click(picked, "Commit")
    assert "for Alex Wilber" in card_text(picked)
