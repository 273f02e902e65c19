"""`cards.sync`: progress while Teams is read, the diff to review before anything is applied, and what a
commit applied."""

from __future__ import annotations

import pytest

from cards.elements import ACCENT, GOOD, WARNING, Card
from cards.reading import card_text
from cards.sync import commit_summary_card, diff_card, progress_card
from cards.views import ChangeView, DiffView
from tests.support.card_parts import (
    MARKUP,
    action,
    amber_text,
    assert_actions_belong_to,
    assert_shown_as_given,
    bottom_buttons,
    facts_of,
    tone,
    valid,
)
from tests.support.card_views import FLOW, LONG_NAME, LONG_NOTE, LONG_UPN, PREVIEW_SIZE, TENANT, long_text

TITLE, STEP = "Sync from Teams", "Step 2 of 2 - review and commit"
ADDED = ChangeView("+1 206 555 0100", "new", ["used - Adele Vance, policy US-Local (directRouting)"])
UPDATED = ChangeView("+1 206 555 0101", "fields", ["location: - -> Seattle", "policy: - -> US-Local"])
DRIFTED = ChangeView(
    "+1 206 555 0102",
    "override",
    ["status: reserved -> used"],
    "It is reserved here, but Teams assigns it to Megan Bowen.",
)


def diff(counts: dict[str, int], preview: dict[str, list[ChangeView]] | None = None) -> DiffView:
    return DiffView(counts, preview or {}, TENANT, "14:05 UTC")


def review(shown: DiffView) -> Card:
    return valid(diff_card(FLOW, shown, title=TITLE, step=STEP))


@pytest.mark.parametrize(
    ("pages", "items", "what", "detail"),
    [
        (0, 0, "numbers", "Asking Teams for every number..."),
        (3, 12345, "numbers", "12,345 numbers read in 3 pages so far"),
        (1, 40, "accounts", "40 accounts read in 1 page so far"),
    ],
)
def test_progress_says_how_far_reading_teams_got(pages: int, items: int, what: str, detail: str) -> None:
    drawn = valid(progress_card(TITLE, step="Step 1 of 2 - sync from Teams", pages=pages, items=items, what=what))
    assert card_text(drawn).splitlines() == [
        TITLE,
        "Step 1 of 2 - sync from Teams",
        detail,
        "This card updates by itself.",
    ]


def test_the_review_counts_every_category_with_thousands_separators() -> None:
    lines = card_text(review(diff({"add": 1234, "update": 5, "unchanged": 98765, "drift": 0}))).splitlines()
    assert lines[:2] == [TITLE, STEP]
    assert lines[2:10] == ["1,234", "To add", "5", "To update", "98,765", "Unchanged", "0", "Drift"]


def test_the_review_previews_each_category_in_its_colour_with_the_notes() -> None:
    drawn = review(diff({"add": 1, "update": 1, "drift": 1}, {"add": [ADDED], "update": [UPDATED], "drift": [DRIFTED]}))
    lines = card_text(drawn).splitlines()
    for label, color in (("To add", GOOD), ("To update", ACCENT), ("Drift - look before you commit", WARNING)):
        assert tone(drawn, label) == color
    assert amber_text(drawn) == []
    assert "**+1 206 555 0101** - location: - -> Seattle; policy: - -> US-Local" in lines
    drift = lines.index("Drift - look before you commit")
    assert lines[drift + 1 : drift + 3] == [
        "**+1 206 555 0102** - status: reserved -> used",
        "It is reserved here, but Teams assigns it to Megan Bowen.",
    ]
    assert "This review is valid until 14:05 UTC." in lines


def test_the_review_says_how_many_more_changes_it_does_not_show() -> None:
    lines = card_text(review(diff({"update": 2501}, {"update": [UPDATED] * PREVIEW_SIZE}))).splitlines()
    assert "...and 2,491 more" in lines
    assert "...and" not in card_text(review(diff({"update": 1}, {"update": [UPDATED]})))


@pytest.mark.parametrize(
    ("drift", "offered"), [(0, ["Commit", "Cancel"]), (3, ["Commit", "Commit all but drift", "Cancel"])]
)
def test_commit_all_but_drift_is_offered_only_when_there_is_drift(drift: int, offered: list[str]) -> None:
    drawn = review(diff({"add": 2, "drift": drift}, {"add": [ADDED]}))
    assert bottom_buttons(drawn) == offered
    assert action(drawn, "sync.commit")["style"] == "positive"
    assert_actions_belong_to(drawn, FLOW)


def test_the_review_names_the_tenant_whose_inventory_a_commit_changes() -> None:
    assert "contoso" in card_text(review(diff({"add": 1}, {"add": [ADDED]})))


def test_the_commit_summary_says_who_committed_and_what_was_applied() -> None:
    applied = {"add": 1200, "update": 3, "drift": 0}
    first = valid(
        commit_summary_card(title=TITLE, applied=applied, skipped=[], flagged=0, committed_by="Olivia", again=False)
    )
    again = valid(
        commit_summary_card(title=TITLE, applied=applied, skipped=[], flagged=0, committed_by="Olivia", again=True)
    )
    assert card_text(first).splitlines()[:2] == [TITLE, "Committed by Olivia"]
    assert card_text(again).splitlines()[:2] == [TITLE, "Already committed by Olivia"]
    assert facts_of(first) == {"Added": "1,200", "Updated": "3", "Drift applied": "0"}
    assert "two accounts" not in card_text(first)
    assert "Skipped" not in card_text(first)


def test_the_commit_summary_warns_of_doubly_assigned_numbers_and_lists_at_most_ten_skipped() -> None:
    skipped = [f"+1 206 555 {i:04d}: changed after the review" for i in range(12)]
    drawn = valid(
        commit_summary_card(
            title=TITLE, applied={"update": 1}, skipped=skipped, flagged=2, committed_by="O", again=False
        )
    )
    lines = card_text(drawn).splitlines()
    assert "2 numbers are on two accounts in Teams; fix them there and sync again." in lines
    start = lines.index("Skipped 12 changes that changed after the review:")
    assert lines[start + 1 :] == [*skipped[:10], "...and 2 more"]


def test_a_full_preview_of_every_category_at_its_longest_fits_a_teams_message() -> None:
    name, upn, policy = long_text("Person", LONG_NAME), long_text("person.", LONG_UPN), long_text("US-Local", 48)
    # What sync/diff.py writes at its longest: an add's summary, an update of every field (the number moved
    # to another person and site), a drift with its note.
    added = [f"used - {name}, policy {policy} (directRouting)"]
    moved = [
        "holder id: aaaaaaaa-0000-4000-8000-000000000001 -> aaaaaaaa-0000-4000-8000-000000000002",
        f"display name: {name} -> {name}",
        f"UPN: {upn} -> {upn}",
        f"policy: {policy} -> {policy}",
        "emergency location: 9a0f1c2e-0000-4000-8000-000000000001 -> 9a0f1c2e-0000-4000-8000-000000000002",
        f"location: {long_text('Seattle', 48)} -> {long_text('Tacoma', 48)}",
    ]
    released = ["status: used -> available", f"display name: {name} -> -", f"UPN: {upn} -> -", f"policy: {policy} -> -"]
    note = long_text(f"The inventory has it on {name}, but Teams shows it unassigned.", LONG_NOTE)
    numbers = [f"+1 206 555 {i:04d} x1234" for i in range(PREVIEW_SIZE)]
    preview = {
        "add": [ChangeView(n, "new", added) for n in numbers],
        "update": [ChangeView(n, "fields", moved) for n in numbers],
        "drift": [ChangeView(n, "release", released, note) for n in numbers],
    }
    review(diff({"add": 100_000, "update": 100_000, "drift": 100_000, "unchanged": 100_000}, preview))


def test_notes_and_changes_that_look_like_markup_are_shown_as_given() -> None:
    tricky = ChangeView("+1 206 555 0102", "override", [f"holder: - -> {MARKUP}"], MARKUP)
    drawn = diff_card(FLOW, diff({"drift": 1}, {"drift": [tricky]}), title=TITLE, step=STEP)
    assert_shown_as_given(drawn, f"holder: - -> {MARKUP}")
    skipped = commit_summary_card(
        title=TITLE, applied={}, skipped=[MARKUP], flagged=0, committed_by=MARKUP, again=False
    )
    assert_shown_as_given(skipped, f"Committed by {MARKUP}")
