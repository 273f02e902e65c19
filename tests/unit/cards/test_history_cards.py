"""`cards.history`: who held a number when and who changed it, newest first, paged with Newer / Older."""

from __future__ import annotations

import pytest

from cards.history import EventView, choose_subject_card, history_card
from cards.reading import card_text
from tests.support.card_parts import (
    MARKUP,
    assert_actions_belong_to,
    assert_shown_as_given,
    bottom_buttons,
    buttons,
    valid,
)
from tests.support.card_views import FLOW, HISTORY_PAGE, LONG_NAME, LONG_NOTE, long_text

ASSIGNED = EventView(
    "2026-11-24 14:03 UTC",
    "assign",
    "+1 206 555 0100",
    "Olivia Operator",
    ["status: available -> used", "holder: - -> Adele Vance"],
)
PEOPLE = [(f"Adele Vance {i}", f"aaaaaaaa-0000-4000-8000-{i:012d}") for i in range(8)]


def test_the_history_names_its_subject_and_its_page() -> None:
    drawn = valid(
        history_card(FLOW, subject="+1 206 555 0100", events=[ASSIGNED], page=2, has_previous=True, has_next=False)
    )
    assert card_text(drawn).splitlines()[:2] == ["History of +1 206 555 0100", "Newest first - page 2"]


def test_an_event_says_when_what_which_number_by_whom_and_each_change() -> None:
    drawn = valid(
        history_card(FLOW, subject="Adele Vance", events=[ASSIGNED], page=1, has_previous=False, has_next=False)
    )
    assert card_text(drawn).splitlines()[2:] == [
        "**2026-11-24 14:03 UTC** - assign - +1 206 555 0100",
        "by Olivia Operator",
        "status: available -> used",
        "holder: - -> Adele Vance",
    ]


def test_an_empty_history_says_no_changes_were_recorded() -> None:
    drawn = valid(history_card(FLOW, subject="Adele Vance", events=[], page=1, has_previous=False, has_next=False))
    assert card_text(drawn).splitlines()[2:] == ["No changes recorded."]
    assert bottom_buttons(drawn) == []


@pytest.mark.parametrize(
    ("newer", "older", "offered"),
    [(False, True, ["Older"]), (True, False, ["Newer"]), (True, True, ["Newer", "Older"])],
)
def test_the_history_offers_newer_and_older_only_when_there_are_such_pages(
    newer: bool, older: bool, offered: list[str]
) -> None:
    drawn = valid(
        history_card(FLOW, subject="Adele Vance", events=[ASSIGNED], page=2, has_previous=newer, has_next=older)
    )
    assert bottom_buttons(drawn) == offered
    assert [verb for _, verb in buttons(drawn)] == [f"history.{title.lower()}" for title in offered]
    assert_actions_belong_to(drawn, FLOW)


def test_the_subject_chooser_asks_whose_history_with_a_button_per_person_carrying_their_id() -> None:
    drawn = valid(choose_subject_card(FLOW, query="adele", choices=PEOPLE[:3]))
    assert card_text(drawn).splitlines()[:2] == ["History", "Several people match 'adele' - whose history?"]
    assert bottom_buttons(drawn) == ["Adele Vance 0", "Adele Vance 1", "Adele Vance 2"]
    assert [a["data"] for a in drawn["actions"]] == [
        {**FLOW.data(account=account_id), "verb": "history.pick"} for _, account_id in PEOPLE[:3]
    ]
    assert_actions_belong_to(drawn, FLOW)


def test_the_subject_chooser_offers_at_most_six_people() -> None:
    assert bottom_buttons(valid(choose_subject_card(FLOW, query="a", choices=PEOPLE))) == [n for n, _ in PEOPLE[:6]]


def test_a_full_page_of_events_that_changed_every_field_fits_a_teams_message() -> None:
    fields = ("status", "holder", "UPN", "policy", "location", "pool")
    changes = [f"{field}: {long_text('Before', LONG_NAME)} -> {long_text('After', LONG_NAME)}" for field in fields]
    detail = long_text("Teams said", LONG_NOTE)
    operator = long_text("Operator", LONG_NAME)
    events = [
        EventView("2026-11-24 14:03 UTC", "sync", f"+1 206 555 {i:04d} x1234", operator, [*changes, detail])
        for i in range(HISTORY_PAGE)
    ]
    valid(history_card(FLOW, subject="s" * 100, events=events, page=99, has_previous=True, has_next=True))


def test_names_and_changes_that_look_like_markup_are_shown_as_given() -> None:
    tricky = EventView("2026-11-24 14:03 UTC", "assign", "+1 206 555 0100", MARKUP, [f"holder: - -> {MARKUP}"])
    drawn = history_card(FLOW, subject=MARKUP, events=[tricky], page=1, has_previous=False, has_next=False)
    assert_shown_as_given(drawn, f"by {MARKUP}")
    assert_shown_as_given(drawn, f"holder: - -> {MARKUP}")
    assert_shown_as_given(choose_subject_card(FLOW, query=MARKUP, choices=[(MARKUP, "a-1")]), MARKUP)
