"""`cards.notify`: the compact cards a tenant's notification channel reads: who did what, to which number."""

from __future__ import annotations

import pytest

from cards.elements import ACCENT, ATTENTION, GOOD, WARNING, Card
from cards.notify import assigned_note, bulk_note, drift_note, removed_note, sync_note
from cards.reading import card_text
from tests.support.card_parts import (
    MARKUP,
    amber_text,
    assert_shown_as_given,
    elements,
    facts_of,
    text_block,
    tone,
    valid,
)
from tests.support.card_views import TENANT

THREE = ["Adele Vance: +1 206 555 0100", "Alex Wilber: +1 206 555 0101", "Megan Bowen: +1 206 555 0102"]

NOTES: dict[str, Card] = {
    "assigned": assigned_note(
        tenant=TENANT, number="+1 206 555 0100", holder="Adele Vance", policy=None, operator="Olivia"
    ),
    "removed": removed_note(
        tenant=TENANT, number="+1 206 555 0100", holder="Adele Vance", now="quarantined", operator="Olivia"
    ),
    "sync": sync_note(tenant=TENANT, applied={"add": 2}, skipped=0, operator="Olivia"),
    "bulk": bulk_note(tenant=TENANT, assigned=THREE, failures=[], operator="Olivia"),
    "drift": drift_note(tenant=TENANT, counts={"drift": 1}, lines=["+1 206 555 0100: override"]),
}


@pytest.mark.parametrize("kind", NOTES)
def test_a_note_is_a_compact_card_without_buttons_that_names_its_tenant(kind: str) -> None:
    note = valid(NOTES[kind])
    assert "msteams" not in note, "a channel note leaves its width to Teams"
    assert elements(note, "Action.Execute") == []
    assert facts_of(note)["Tenant"] == "contoso"


@pytest.mark.parametrize(
    ("kind", "title", "color", "facts"),
    [
        ("assigned", "Assigned +1 206 555 0100", GOOD, {"To": "Adele Vance", "Policy": "(none)", "By": "Olivia"}),
        ("removed", "Removed +1 206 555 0100", ACCENT, {"From": "Adele Vance", "Now": "quarantined", "By": "Olivia"}),
        ("sync", "Sync committed", ACCENT, {"Added": "2", "Updated": "0", "Drift applied": "0", "By": "Olivia"}),
    ],
)
def test_a_note_says_what_happened_to_what_and_who_did_it(
    kind: str, title: str, color: str, facts: dict[str, str]
) -> None:
    note = valid(NOTES[kind])
    assert (text_block(note, title)["color"], text_block(note, title)["weight"]) == (color, "Bolder")
    assert facts_of(note) == {"Tenant": "contoso", **facts}


def test_a_sync_note_mentions_skipped_changes_only_when_there_were_some() -> None:
    skipped = valid(sync_note(tenant=TENANT, applied={"update": 4, "drift": 1}, skipped=2, operator="Olivia"))
    assert facts_of(skipped)["Skipped"] == "2 (changed after the review)"
    assert "Skipped" not in facts_of(valid(NOTES["sync"]))


@pytest.mark.parametrize(("failures", "color"), [(0, GOOD), (1, WARNING)])
def test_a_bulk_note_is_green_only_when_nobody_failed(failures: int, color: str) -> None:
    failed = [f"Person {i} (+1 206 555 {i:04d}): Teams rejected the request." for i in range(failures)]
    note = valid(bulk_note(tenant=TENANT, assigned=THREE, failures=failed, operator="Olivia"))
    assert tone(note, "Bulk assignment finished") == color
    assert amber_text(note) == []
    assert (facts_of(note)["Succeeded"], facts_of(note)["Failed"]) == ("3", str(failures))


def test_a_bulk_note_of_50_failures_lists_15_and_counts_the_rest() -> None:
    failed = [f"Person {i:02d} (+1 206 555 {i:04d}): {'Teams rejected the request. ' * 10}" for i in range(50)]
    lines = card_text(valid(bulk_note(tenant=TENANT, assigned=[], failures=failed, operator="Olivia"))).splitlines()
    assert [line for line in lines if line.startswith("Person ")] == failed[:15]
    assert lines[-1] == "...and 35 more failed (the bulk card lists them all)"


def test_a_bulk_note_lists_who_got_which_number_after_the_failures() -> None:
    failed = ["Person 9 (+1 206 555 0009): The user is not licensed for Teams Phone."]
    lines = card_text(valid(bulk_note(tenant=TENANT, assigned=THREE, failures=failed, operator="Olivia"))).splitlines()
    assert lines[-4:] == [*failed, *THREE]


def test_a_drift_note_counts_the_drift_and_ends_saying_what_to_do() -> None:
    note = valid(drift_note(tenant=TENANT, counts={"drift": 2, "add": 7}, lines=["+1 206 555 0100: override"]))
    assert text_block(note, "Scheduled check found drift")["color"] == ATTENTION
    assert facts_of(note) == {"Tenant": "contoso", "Drift": "2", "To add": "7", "To update": "0"}
    assert card_text(note).splitlines()[-2:] == ["+1 206 555 0100: override", "Type sync to review and commit."]


def test_a_drift_note_of_many_lines_still_ends_saying_what_to_do() -> None:
    lines = [f"+1 206 555 {i:04d}: override" for i in range(20)]
    shown = card_text(valid(drift_note(tenant=TENANT, counts={"drift": 20}, lines=lines))).splitlines()
    assert shown[-2:] == ["...and 5 more", "Type sync to review and commit."]


def test_names_that_look_like_markup_are_shown_as_given() -> None:
    note = assigned_note(tenant=TENANT, number="+1 206 555 0100", holder=MARKUP, policy=MARKUP, operator=MARKUP)
    assert_shown_as_given(note, MARKUP)
    assert_shown_as_given(bulk_note(tenant=TENANT, assigned=[], failures=[MARKUP], operator="Olivia"), MARKUP)
