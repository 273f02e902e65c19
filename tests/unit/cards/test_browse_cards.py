"""`cards.browse`: the `numbers` list, searchable by text and status, paged, one row per number."""

from __future__ import annotations

import pytest

from cards.browse import numbers_card
from cards.elements import ACCENT, GOOD
from cards.reading import card_text
from tests.support.card_parts import (
    MARKUP,
    assert_actions_belong_to,
    assert_shown_as_given,
    bottom_buttons,
    choices,
    inputs,
    text_block,
    valid,
)
from tests.support.card_views import BROWSE_PAGE, FLOW, TENANT, long_number, number, page


def test_the_list_says_the_tenant_how_many_match_and_which_page() -> None:
    drawn = valid(numbers_card(FLOW, page([number(0)], total=1234, at=2, previous=True), tenant=TENANT, status="any"))
    assert card_text(drawn).splitlines()[:2] == ["Numbers", "Tenant contoso: 1,234 matches - page 2"]


def test_the_list_says_more_than_when_counting_stopped_at_the_cap() -> None:
    drawn = valid(numbers_card(FLOW, page([number(0)], total=10_000, capped=True), tenant=TENANT, status="any"))
    assert card_text(drawn).splitlines()[1] == "Tenant contoso: more than 10,000 matches - page 1"


def test_each_row_shows_the_number_its_status_its_holder_and_where_it_is() -> None:
    used = number(7, status="used", holder="Adele Vance")
    lines = card_text(valid(numbers_card(FLOW, page([used]), tenant=TENANT, status="any"))).splitlines()
    row = lines[lines.index("**+1 206 555 0007**") :][:4]
    assert row == ["**+1 206 555 0007**", "Seattle - Seattle HQ - Contoso Telecom", "used", "Adele Vance"]


@pytest.mark.parametrize(
    ("status", "color"),
    [("available", GOOD), ("used", ACCENT), ("reserved", None), ("quarantined", None)],
)
def test_a_status_is_coloured_so_free_and_held_numbers_stand_apart_and_never_amber(
    status: str, color: str | None
) -> None:
    drawn = valid(numbers_card(FLOW, page([number(0, status=status)]), tenant=TENANT, status="any"))
    assert text_block(drawn, status).get("color") == color


def test_the_search_keeps_what_was_searched_and_the_filter_offers_every_status() -> None:
    drawn = valid(numbers_card(FLOW, page([], total=0), tenant=TENANT, status="reserved"))
    found = inputs(drawn)
    assert found["search"].get("value") is None
    status = found["status"]
    assert [value for _, value in choices(status)] == ["any", "available", "used", "reserved", "quarantined", "blocked"]
    assert status["value"] == "reserved"
    searched = valid(numbers_card(FLOW, page([], total=0, search="206 555"), tenant=TENANT, status="any"))
    assert inputs(searched)["search"]["value"] == "206 555"


@pytest.mark.parametrize(
    ("previous", "more", "offered"),
    [
        (False, False, ["Search"]),
        (True, False, ["Search", "Previous"]),
        (False, True, ["Search", "Next"]),
        (True, True, ["Search", "Previous", "Next"]),
    ],
)
def test_the_list_offers_previous_and_next_only_when_there_is_such_a_page(
    previous: bool, more: bool, offered: list[str]
) -> None:
    drawn = valid(numbers_card(FLOW, page([number(0)], previous=previous, more=more), tenant=TENANT, status="any"))
    assert bottom_buttons(drawn) == offered
    assert_actions_belong_to(drawn, FLOW)


def test_an_empty_list_says_nothing_matches() -> None:
    shown = card_text(valid(numbers_card(FLOW, page([], total=0), tenant=TENANT, status="blocked")))
    assert "Nothing matches." in shown
    assert "0 matches" in shown


def test_a_full_page_of_long_entries_fits_a_teams_message() -> None:
    numbers = [long_number(i) for i in range(BROWSE_PAGE)]
    valid(
        numbers_card(FLOW, page(numbers, total=100_000, at=40, previous=True, more=True), tenant=TENANT, status="any")
    )


def test_a_holder_and_a_location_that_look_like_markup_are_shown_as_given() -> None:
    tricky = number(0, status="used", holder=MARKUP, location=MARKUP, range_label=None, carrier=None)
    assert_shown_as_given(numbers_card(FLOW, page([tricky]), tenant=TENANT, status="any"), MARKUP)
