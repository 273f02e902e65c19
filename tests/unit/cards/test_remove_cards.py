"""`cards.remove`: which of a holder's numbers, then a confirmation that says what becomes of it."""

from __future__ import annotations

import pytest

from cards.reading import card_text
from cards.remove import choose_card, confirm_card
from tests.support.card_parts import (
    MARKUP,
    action,
    actions_with_verb,
    assert_actions_belong_to,
    assert_shown_as_given,
    bottom_buttons,
    facts_of,
    valid,
)
from tests.support.card_views import FLOW, TENANT, long_number, number

HELD_LIMIT = 20  # numbers `remove <who>` offers at most (inventory/services/views.py)


def test_the_chooser_says_who_holds_how_many_and_offers_a_remove_per_number() -> None:
    numbers = [number(1, status="used", policy="US-Local"), number(2, status="used", policy=None)]
    drawn = valid(choose_card(FLOW, numbers, who="adele"))
    lines = card_text(drawn).splitlines()
    assert lines[:2] == ["Remove a number", "adele holds 2 numbers - which one?"]
    assert lines[2:4] == ["**+1 206 555 0001**", "US-Local"]
    assert lines[5:7] == ["**+1 206 555 0002**", "no policy"]
    removes = actions_with_verb(drawn, "remove.choose")
    assert [found["data"]["number"] for found in removes] == [1001, 1002]
    assert bottom_buttons(drawn) == ["Cancel"]
    assert_actions_belong_to(drawn, FLOW)


def test_confirm_shows_the_tenant_the_number_its_holder_and_its_policy() -> None:
    chosen = number(1, status="used", holder="Adele Vance", policy="US-Local")
    drawn = valid(confirm_card(FLOW, chosen, tenant=TENANT, quarantine_days=0))
    assert card_text(drawn).splitlines()[:2] == ["Remove a number", "Confirm"]
    assert facts_of(drawn) == {
        "Tenant": "contoso",
        "Number": "+1 206 555 0001",
        "Held by": "Adele Vance",
        "Voice routing policy": "US-Local",
        "Afterwards": "available again",
    }


@pytest.mark.parametrize(
    ("days", "afterwards"), [(0, "available again"), (30, "quarantined for 30 days, then available")]
)
def test_confirm_says_what_becomes_of_the_number_afterwards(days: int, afterwards: str) -> None:
    drawn = valid(confirm_card(FLOW, number(1, status="used"), tenant=TENANT, quarantine_days=days))
    assert facts_of(drawn)["Afterwards"] == afterwards


def test_a_number_without_holder_or_policy_shows_dashes_rather_than_blanks() -> None:
    drawn = valid(confirm_card(FLOW, number(1, status="used"), tenant=TENANT, quarantine_days=0))
    assert (facts_of(drawn)["Held by"], facts_of(drawn)["Voice routing policy"]) == ("-", "-")


def test_confirm_offers_a_destructive_remove_and_a_cancel_for_its_flow() -> None:
    drawn = valid(confirm_card(FLOW, number(1, status="used"), tenant=TENANT, quarantine_days=0))
    assert bottom_buttons(drawn) == ["Remove", "Cancel"]
    assert action(drawn, "remove.confirm")["style"] == "destructive"
    assert action(drawn, "remove.confirm")["data"] == {**FLOW.data(), "verb": "remove.confirm"}
    assert_actions_belong_to(drawn, FLOW)


def test_a_chooser_of_as_many_numbers_as_remove_offers_fits_a_teams_message() -> None:
    valid(choose_card(FLOW, [long_number(i) for i in range(HELD_LIMIT)], who="p" * 100))


def test_a_holder_that_looks_like_markup_is_shown_as_given() -> None:
    tricky = number(1, status="used", holder=MARKUP, policy=MARKUP)
    assert_shown_as_given(choose_card(FLOW, [tricky], who=MARKUP), MARKUP)
    assert_shown_as_given(confirm_card(FLOW, tricky, tenant=TENANT, quarantine_days=0), MARKUP)
