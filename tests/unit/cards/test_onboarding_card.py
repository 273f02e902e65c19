"""The onboarding card: each person with the rules' suggestion, long lists counted, never over Teams' size
limit, always schema-valid; nobody left, no buttons."""

from __future__ import annotations

from cards.onboarding import BULK_LIMIT, SHOWN, OnboardingLine, onboarding_card
from cards.reading import card_text
from tests.support.cards import TEAMS_CARD_LIMIT_BYTES, assert_valid_card, serialized_size


def test_each_person_shows_the_number_their_rule_suggests_or_why_there_is_none() -> None:
    lines = [
        OnboardingLine("Adele Vance", "adele@contoso.test", "+1 206 555 0100", "Sales"),
        OnboardingLine("Alex Wilber", None, None, "Support"),
        OnboardingLine("Nestor Wilke", "nestor@contoso.test", None, None),
    ]
    card = onboarding_card(post_id="a" * 32, tenant="Contoso", lines=lines)
    assert_valid_card(card)
    shown = card_text(card)
    assert "3 people need numbers" in shown
    assert "+1 206 555 0100 (pool Sales)" in shown
    assert "pool Support has no free number" in shown
    assert "any free number (no rule matches)" in shown
    assert [a["title"] for a in card["actions"]] == ["Assign all", "Review"]
    assert all(a["data"]["post"] == "a" * 32 for a in card["actions"])


def test_a_long_list_is_counted_and_says_how_many_one_bulk_assignment_takes() -> None:
    lines = [OnboardingLine(f"Person {i:03}", f"p{i}@contoso.test", f"+1 206 555 {i:04}", "Sales") for i in range(80)]
    card = onboarding_card(post_id="b" * 32, tenant="Contoso", lines=lines)
    assert_valid_card(card)
    assert serialized_size(card) < TEAMS_CARD_LIMIT_BYTES
    shown = card_text(card)
    assert f"...and {80 - SHOWN} more" in shown
    assert f"takes the first {BULK_LIMIT}" in shown


def test_nobody_left_needs_no_buttons() -> None:
    card = onboarding_card(post_id="c" * 32, tenant="Contoso", lines=[])
    assert_valid_card(card)
    assert "Nobody needs a number now" in card_text(card)
    assert "actions" not in card or card["actions"] == []
