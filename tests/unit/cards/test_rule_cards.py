"""The rules card: buttons per rule for admins only, none that cannot work (Move up on the first, Move down on
the last), and a tenant's 100 rules paged within Teams' 28 KB."""

from __future__ import annotations

from cards.reading import card_text
from cards.rules import PAGE, RuleView, rules_card
from tests.support.bot_harness import action_titles
from tests.support.cards import assert_valid_card


def rules(count: int) -> list[RuleView]:
    return [
        RuleView(100 + i, i, f'department="Department {i:03}" and city=Seattle', f"pool Pool {i}, policy US-Local")
        for i in range(1, count + 1)
    ]


def test_the_first_rule_cannot_move_up_nor_the_last_down() -> None:
    card = rules_card(rules(2), tenant="contoso", editable=True)
    assert action_titles(card) == ["Move down", "Delete", "Move up", "Delete"]


def test_a_viewer_sees_the_rules_without_buttons() -> None:
    card = rules_card(rules(2), tenant="contoso")
    assert action_titles(card) == []
    assert '1. department="Department 001" and city=Seattle' in card_text(card)


def test_a_hundred_rules_are_paged_and_each_page_fits_in_a_teams_message() -> None:
    first = rules_card(rules(100), tenant="contoso", editable=True)
    assert_valid_card(first)
    assert action_titles(first)[-1] == f"Rules {PAGE + 1}-{2 * PAGE}"
    last = rules_card(rules(100), tenant="contoso", editable=True, start=100 - PAGE)
    assert_valid_card(last)
    assert action_titles(last)[-1] == f"Rules {100 - 2 * PAGE + 1}-{100 - PAGE}"
    assert "100. " in card_text(last)
    assert "Move down" not in action_titles(last)[-4:]
