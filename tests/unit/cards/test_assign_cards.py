"""`cards.assign`: whom, which policy, confirm, wait and the outcome of assigning one number."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from cards.assign import account_card, confirm_card, outcome_card, policy_card, waiting_card
from cards.elements import ATTENTION, GOOD, WARNING
from cards.reading import card_text
from cards.views import OutcomeView
from tests.support.card_parts import (
    MARKUP,
    action,
    amber_text,
    assert_actions_belong_to,
    assert_shown_as_given,
    bottom_buttons,
    buttons,
    choices,
    elements,
    facts_of,
    inputs,
    tone,
    valid,
)
from tests.support.card_views import FLOW, SEARCH_LIMIT, TENANT, account, long_account

POLICIES = ["US-Local", "US-LongDistance", "Intl"]


def test_step_1_before_any_match_says_how_to_search_and_offers_find_or_cancel() -> None:
    drawn = valid(account_card(FLOW, [], query="ade"))
    assert card_text(drawn).splitlines()[:2] == ["Assign a number", "Step 1 of 5 - whom"]
    assert "Type the start of a name or UPN and press Find." in card_text(drawn)
    assert list(inputs(drawn)) == ["account_search"]
    assert inputs(drawn)["account_search"]["value"] == "ade"
    assert buttons(drawn) == [("Find", "assign.search"), ("Cancel", "cancel")]
    assert_actions_belong_to(drawn, FLOW)


def test_a_few_matches_are_a_list_of_names_and_upns_each_with_its_own_choose_button() -> None:
    accounts = [account(i) for i in range(3)]
    drawn = valid(account_card(FLOW, accounts, query="a"))
    assert "account" not in inputs(drawn)  # no drop-down to open
    text = card_text(drawn)
    for person in accounts:
        assert person.name in text
        assert str(person.upn) in text
        assert person.id not in text  # an id is never shown
    chooses = [a for a in elements(drawn, "Action.Execute") if a["verb"] == "assign.account"]
    assert [a["data"]["account"] for a in chooses] == [a.id for a in accounts]
    assert [a["title"] for a in chooses] == ["Choose"] * 3
    assert bottom_buttons(drawn) == ["Cancel"]  # a click on a name moves on
    assert_actions_belong_to(drawn, FLOW)


def test_many_matches_are_a_drop_down_of_names_and_upns_with_next() -> None:
    accounts = [account(i) for i in range(8)]
    drawn = valid(account_card(FLOW, accounts, query="a"))
    chooser = inputs(drawn)["account"]
    assert choices(chooser) == [(a.choice_title, a.id) for a in accounts]
    assert chooser["isRequired"] is True
    assert chooser.get("value") is None
    assert bottom_buttons(drawn) == ["Next", "Cancel"]


def test_coming_back_to_step_1_shows_the_person_chosen_and_next_carries_on_with_them() -> None:
    adele = account(0)
    drawn = valid(account_card(FLOW, [], chosen=adele))
    assert facts_of(drawn)["Assign to"] == adele.choice_title
    chooses = [a for a in elements(drawn, "Action.Execute") if a["verb"] == "assign.account"]
    assert [a["title"] for a in chooses] == ["Chosen", "Next"]
    assert bottom_buttons(drawn) == ["Next", "Cancel"]
    many = valid(account_card(FLOW, [account(i) for i in range(1, 9)], chosen=adele))
    chooser = inputs(many)["account"]
    assert chooser["value"] == adele.id
    assert choices(chooser)[0] == (adele.choice_title, adele.id)  # never an id over an empty list


def test_a_resource_account_says_so() -> None:
    queue = account(1, name="Main line", upn="mainline@contoso.com", kind="resource account")
    assert "Main line - resource account" in card_text(valid(account_card(FLOW, [account(0), queue])))
    chooser = inputs(valid(account_card(FLOW, [account(i) for i in range(6)] + [queue])))["account"]
    assert choices(chooser)[-1][0] == "Main line (mainline@contoso.com) - resource account"
    assert choices(chooser)[0][0] == "Adele Vance (adele.vance@contoso.com)"


def test_step_4_names_whom_and_the_held_number_and_offers_the_allowed_policies() -> None:
    drawn = valid(policy_card(FLOW, account(0), "+1 206 555 0100", POLICIES, chosen="US-LongDistance"))
    assert "Step 4 of 5 - voice routing policy" in card_text(drawn)
    assert facts_of(drawn) == {
        "For": "Adele Vance (adele.vance@contoso.com)",
        "Number": "+1 206 555 0100 (held for you for 10 minutes)",
    }
    policy = inputs(drawn)["policy"]
    assert (choices(policy), policy["value"]) == ([(p, p) for p in POLICIES], "US-LongDistance")
    assert buttons(drawn) == [("Next", "assign.policy"), ("Back", "back"), ("Cancel", "cancel")]
    assert_actions_belong_to(drawn, FLOW)


def test_step_4_without_policies_says_the_number_is_assigned_without_one() -> None:
    drawn = valid(policy_card(FLOW, account(0), "+1 206 555 0100", [], chosen=None))
    assert "policy" not in inputs(drawn)
    assert "no voice routing policies configured; the number is assigned without one" in card_text(drawn)


@pytest.mark.parametrize(("policy", "shown"), [("US-Local", "US-Local"), (None, "(none)")])
def test_step_5_shows_everything_that_will_happen_before_assign(policy: str | None, shown: str) -> None:
    drawn = valid(confirm_card(FLOW, account(0), "+1 206 555 0100", policy, TENANT))
    assert "Step 5 of 5 - confirm" in card_text(drawn)
    assert facts_of(drawn) == {
        "Tenant": "contoso",
        "Assign": "+1 206 555 0100",
        "To": "Adele Vance (adele.vance@contoso.com)",
        "Voice routing policy": shown,
    }
    assert buttons(drawn) == [("Assign", "assign.confirm"), ("Back", "back"), ("Cancel", "cancel")]
    assert action(drawn, "assign.confirm")["style"] == "positive"
    assert_actions_belong_to(drawn, FLOW)


def test_waiting_says_what_teams_is_doing_and_that_the_card_updates_itself() -> None:
    drawn = valid(waiting_card("Assign a number", "Assigning +1 206 555 0100 to Adele Vance in Teams..."))
    assert card_text(drawn).splitlines() == [
        "Assign a number",
        "Working in Teams...",
        "Assigning +1 206 555 0100 to Adele Vance in Teams...",
        "This card updates by itself.",
    ]
    assert elements(drawn, "Action.Execute") == []


def outcome(*, succeeded: bool, pending: bool, **changes: Any) -> OutcomeView:
    facts = [("Number", "+1 206 555 0100"), ("Holder", "Adele Vance"), ("Tenant", TENANT)]
    title = "Assigned" if succeeded else ("Teams is still working on it" if pending else "Teams did not assign it")
    return replace(OutcomeView(succeeded, pending, title, facts), **changes)


@pytest.mark.parametrize(
    ("succeeded", "pending", "color"), [(True, False, GOOD), (False, True, WARNING), (False, False, ATTENTION)]
)
def test_the_outcome_title_is_coloured_by_how_it_ended(succeeded: bool, pending: bool, color: str) -> None:
    ended = outcome(succeeded=succeeded, pending=pending)
    drawn = valid(outcome_card(ended))
    assert tone(drawn, ended.title) == color
    assert amber_text(drawn) == []
    assert facts_of(drawn) == {"Number": "+1 206 555 0100", "Holder": "Adele Vance", "Tenant": "contoso"}


def test_a_failed_outcome_quotes_teams_says_what_next_and_gives_the_reference() -> None:
    failed = outcome(
        succeeded=False,
        pending=False,
        detail="The number is already assigned.",
        warning="The voice routing policy was not granted.",
        correlation_id="c0ffee-42",
        next_steps=["The number is back in the pool; nothing changed."],
    )
    lines = card_text(valid(outcome_card(failed, flow=FLOW, retry_verbs=True))).splitlines()
    assert "Teams says: The number is already assigned." in lines
    assert lines.index("The voice routing policy was not granted.") < lines.index(
        "The number is back in the pool; nothing changed."
    )
    assert lines[-3:] == ["Reference: c0ffee-42", "Pick another number", "Try again"]


def test_only_a_failed_assignment_offers_another_number_or_a_retry() -> None:
    failed = valid(outcome_card(outcome(succeeded=False, pending=False), flow=FLOW, retry_verbs=True))
    assert buttons(failed) == [("Pick another number", "assign.another"), ("Try again", "assign.retry")]
    assert_actions_belong_to(failed, FLOW)
    done = valid(outcome_card(outcome(succeeded=True, pending=False), flow=FLOW, retry_verbs=False))
    assert bottom_buttons(done) == []


def test_a_search_of_25_long_names_fits_a_teams_message() -> None:
    valid(account_card(FLOW, [long_account(i) for i in range(SEARCH_LIMIT)], query="p" * 100, message="!" * 200))


def test_a_name_that_looks_like_markup_is_shown_as_given_on_every_step() -> None:
    tricky = account(0, name=MARKUP)
    assert_shown_as_given(account_card(FLOW, [tricky]), tricky.name)
    assert_shown_as_given(account_card(FLOW, [], chosen=tricky), tricky.choice_title)
    assert_shown_as_given(policy_card(FLOW, tricky, "+1 206 555 0100", POLICIES, chosen=None), tricky.choice_title)
    assert_shown_as_given(confirm_card(FLOW, tricky, "+1 206 555 0100", None, TENANT), tricky.choice_title)


def test_step_5_for_someone_who_holds_a_number_names_it_and_asks_to_confirm_the_replacement() -> None:
    drawn = valid(
        confirm_card(
            FLOW,
            account(0),
            "+1 206 555 0101",
            None,
            TENANT,
            replaces=("+1 206 555 0100",),
            released_to="quarantine",
        )
    )
    assert facts_of(drawn)["Replaces"] == "+1 206 555 0100"
    assert "Teams replaces it with +1 206 555 0101" in card_text(drawn)
    assert "releases the old number to quarantine" in card_text(drawn)
    assert buttons(drawn)[0] == ("Replace and assign", "assign.confirm")
