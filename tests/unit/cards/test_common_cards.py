"""`cards.common`: help, plain messages, errors and the tenant chooser, the cards every flow falls back on."""

from __future__ import annotations

import pytest

from bot.command_table import COMMAND_WORDS, help_rows
from cards.common import error_card, help_card, message_card, tenant_card
from cards.reading import card_text, execute_actions
from tests.support.card_parts import MARKUP, action, assert_shown_as_given, buttons, choices, facts_of, inputs, valid

TENANTS = [("Contoso Ltd (contoso)", "contoso"), ("Fabrikam Inc (fabrikam)", "fabrikam")]


@pytest.mark.parametrize(
    ("tenant", "subtitle"),
    [("contoso", "Working on tenant: contoso"), (None, "No tenant chosen yet: type tenant")],
)
def test_help_says_which_tenant_the_operator_works_on_or_how_to_choose_one(tenant: str | None, subtitle: str) -> None:
    drawn = valid(help_card(commands=help_rows(), tenant=tenant))
    assert card_text(drawn).splitlines()[:2] == ["Switchboard", subtitle]


@pytest.mark.parametrize(
    "command", ["sync", "numbers", "assign", "remove", "tenant", "bulk assign", "history", "notify here"]
)
def test_help_lists_each_command_with_an_example_to_type(command: str) -> None:
    listed = facts_of(valid(help_card(commands=help_rows(), tenant="contoso")))
    (usage,) = [word.usage for word in COMMAND_WORDS if word.name == command]
    assert "e.g. `" + command in listed[usage]


def test_an_unknown_command_is_quoted_back_with_the_likely_one() -> None:
    shown = card_text(valid(help_card(commands=help_rows(), tenant="contoso", unknown="asign", suggestion="assign")))
    assert "I don't know the command 'asign'. Did you mean **assign**?" in shown
    without = card_text(valid(help_card(commands=help_rows(), tenant="contoso", unknown="frobnicate")))
    assert "I don't know the command 'frobnicate'." in without
    assert "Did you mean" not in without
    assert "I don't know" not in card_text(valid(help_card(commands=help_rows(), tenant="contoso")))


def test_help_buttons_start_assign_sync_and_numbers_without_a_flow() -> None:
    drawn = valid(help_card(commands=help_rows(), tenant="contoso"))
    assert buttons(drawn) == [
        ("Assign a number", "command"),
        ("Sync from Teams", "command"),
        ("Browse numbers", "command"),
    ]
    assert [found["data"] for found in execute_actions(drawn)] == [
        {"command": "assign", "verb": "command"},
        {"command": "sync", "verb": "command"},
        {"command": "numbers", "verb": "command"},
    ]


@pytest.mark.parametrize(("correlation_id", "reference"), [("c0ffee-42", "Reference: c0ffee-42"), (None, None)])
def test_an_error_gives_a_reference_to_quote_only_when_there_is_one(
    correlation_id: str | None, reference: str | None
) -> None:
    lines = card_text(valid(error_card("Teams is busy; try again.", correlation_id=correlation_id))).splitlines()
    expected = ["Something needs your attention", "Teams is busy; try again."]
    assert lines == ([*expected, reference] if reference else expected)


def test_the_tenant_chooser_offers_the_operators_tenants_and_preselects_the_current_one() -> None:
    drawn = valid(tenant_card("fabrikam", TENANTS))
    assert "Now: fabrikam" in card_text(drawn)
    chooser = inputs(drawn)["tenant"]
    assert (choices(chooser), chooser["value"], chooser["isRequired"]) == (TENANTS, "fabrikam", True)
    assert buttons(drawn) == [("Choose", "tenant.choose")]
    assert action(drawn, "tenant.choose")["data"] == {"verb": "tenant.choose"}


def test_the_tenant_chooser_without_a_tenant_preselects_none_and_says_why_a_choice_was_refused() -> None:
    refused = "You cannot work on 'northwind'. Choose one of these."
    drawn = valid(tenant_card(None, TENANTS, message=refused))
    assert "None chosen yet" in card_text(drawn)
    assert refused in card_text(drawn)
    assert "value" not in inputs(drawn)["tenant"]


def test_text_that_looks_like_markup_is_shown_as_given() -> None:
    assert_shown_as_given(help_card(commands=help_rows(), tenant="contoso", unknown=MARKUP), f"'{MARKUP}'")
    assert_shown_as_given(message_card("Customer tenant", f"You now work on {MARKUP}."), MARKUP)
    assert_shown_as_given(error_card(MARKUP), MARKUP)


def command_words(title: str) -> str:
    """`assign [user] [number] [policy]` -> `assign`, `assign next PERSON` -> `assign next`: what to type."""
    words = []
    for word in title.split():
        if not word.isalpha() or not word.islower():
            break
        words.append(word)
    return " ".join(words)
