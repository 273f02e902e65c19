"""`cards.picker`: only available numbers, searchable, paged; each Pick names the number it holds."""

from __future__ import annotations

import pytest

from cards.elements import GOOD, WARNING, Card
from cards.picker import picker_card
from cards.reading import card_text
from cards.views import PageView
from tests.support.card_parts import (
    MARKUP,
    actions_with_verb,
    amber_text,
    assert_actions_belong_to,
    assert_shown_as_given,
    bottom_buttons,
    elements,
    inputs,
    text_block,
    tone,
    valid,
)
from tests.support.card_views import FLOW, PICKER_PAGE, long_number, number, page

STEP = "Step 3 of 5 - pick an available number for Adele Vance"


def picker(shown: PageView, *, message: str | None = None, note: str | None = None, allow_back: bool = False) -> Card:
    drawn = picker_card(
        FLOW, shown, title="Assign a number", step=STEP, message=message, note=note, allow_back=allow_back
    )
    return valid(drawn)


def test_the_picker_shows_its_step_and_how_many_numbers_are_available() -> None:
    lines = card_text(picker(page([number(0)], total=1234, at=2, previous=True))).splitlines()
    assert lines[:2] == ["Assign a number", STEP]
    assert "1,234 available - page 2" in lines


def test_the_picker_says_more_than_when_counting_stopped_at_the_cap() -> None:
    lines = card_text(picker(page([number(0)], total=10_000, capped=True))).splitlines()
    assert "more than 10,000 available - page 1" in lines


def test_each_number_has_its_own_pick_button_carrying_its_id() -> None:
    numbers = [number(i) for i in range(3)]
    drawn = picker(page(numbers))
    picks = actions_with_verb(drawn, "picker.pick")
    assert [pick["data"] for pick in picks] == [{**FLOW.data(number=n.id), "verb": "picker.pick"} for n in numbers]
    labels = [line for line in card_text(drawn).splitlines() if line.startswith("**+1")]
    assert labels == ["**+1 206 555 0000**", "**+1 206 555 0001**", "**+1 206 555 0002**"]
    assert_actions_belong_to(drawn, FLOW)


def test_a_number_says_where_it_is_or_else_its_type() -> None:
    placed, bare = number(0), number(1, location=None, range_label=None, carrier=None)
    shown = card_text(picker(page([placed, bare]))).splitlines()
    assert "Seattle - Seattle HQ - Contoso Telecom" in shown
    assert shown[shown.index("**+1 206 555 0001**") + 1] == "directRouting"


@pytest.mark.parametrize(
    ("previous", "more", "back", "paging", "offered"),
    [
        (False, False, False, [], ["Cancel"]),
        (True, False, False, ["Previous page"], ["Cancel"]),
        (False, True, False, ["Next page"], ["Cancel"]),
        (True, True, True, ["Previous page", "Next page"], ["Back", "Cancel"]),
        (False, False, True, [], ["Back", "Cancel"]),
    ],
)
def test_paging_sits_with_the_list_apart_from_back_and_cancel_and_only_where_there_is_somewhere_to_go(
    previous: bool, more: bool, back: bool, paging: list[str], offered: list[str]
) -> None:
    drawn = picker(page([number(0)], previous=previous, more=more), allow_back=back)
    assert bottom_buttons(drawn) == offered
    in_body = [
        a["title"] for a in actions_with_verb(drawn, "picker.previous") + actions_with_verb(drawn, "picker.next")
    ]
    assert in_body == paging
    assert_actions_belong_to(drawn, FLOW)


def test_an_empty_picker_says_what_to_try_and_offers_nothing_to_pick() -> None:
    drawn = picker(page([], total=0, search="999"))
    assert "No available numbers match. Try other digits, or import a range." in card_text(drawn)
    assert "available - page" not in card_text(drawn)
    assert actions_with_verb(drawn, "picker.pick") == []
    assert inputs(drawn)["search"]["value"] == "999"


def test_a_problem_is_highlighted_and_good_news_is_not() -> None:
    taken = "+1 206 555 0000 was just taken by someone else; pick another."
    synced = "Teams and the inventory agree."
    drawn = picker(page([number(1)]), message=taken, note=synced)
    highlighted = [box["items"][0]["text"] for box in elements(drawn, "Container") if box.get("style") == "warning"]
    assert highlighted == [taken]
    assert tone(drawn, taken) == WARNING
    assert amber_text(drawn) == []
    assert (text_block(drawn, synced)["color"], text_block(drawn, synced)["size"]) == (GOOD, "Small")


def test_a_full_page_of_long_entries_with_a_message_and_a_note_fits_a_teams_message() -> None:
    numbers = [long_number(i) for i in range(PICKER_PAGE)]
    picker(
        page(numbers, total=100_000, at=500, previous=True, more=True, search="s" * 100),
        message="m" * 300,
        note="n" * 300,
        allow_back=True,
    )


def test_a_search_that_looks_like_markup_is_kept_as_typed() -> None:
    drawn = picker(page([number(0, location=MARKUP)], search=MARKUP))
    assert inputs(drawn)["search"]["value"] == MARKUP
    assert_shown_as_given(drawn, MARKUP)
