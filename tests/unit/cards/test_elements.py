"""`cards.elements`: the vocabulary every card is written in draws what Teams renders."""

from __future__ import annotations

import pytest

from cards.elements import (
    Element,
    card,
    choice_set,
    execute,
    facts,
    heading,
    input_text,
    notice,
    text,
)
from tests.support.card_parts import choices, facts_of, inputs, valid


@pytest.mark.parametrize("actions", [None, []])
def test_a_card_is_adaptive_cards_1_5_at_full_width_without_an_empty_button_row(actions: list[Element] | None) -> None:
    drawn = valid(card([text("Hello")], actions))
    assert (drawn["type"], drawn["version"]) == ("AdaptiveCard", "1.5")
    assert drawn["msteams"] == {"width": "Full"}
    assert "actions" not in drawn


def test_a_button_always_sends_its_own_verb_whatever_its_data_says() -> None:
    button = execute("Assign", "assign.confirm", {"flow": "f-1", "v": 2, "verb": "delete.confirm"}, style="positive")
    valid(card([text("Confirm")], [button]))
    assert button["verb"] == "assign.confirm"
    assert button["data"] == {"flow": "f-1", "v": 2, "verb": "assign.confirm"}


def test_text_wraps_unless_asked_not_to_so_long_names_are_not_cut_off() -> None:
    assert text("Adele Vance")["wrap"] is True
    assert text("Adele Vance", wrap=False)["wrap"] is False
    # Options left unset are absent, not null: a null the schema refuses.
    assert text("Adele Vance") == {"type": "TextBlock", "text": "Adele Vance", "wrap": True}


def test_a_heading_is_large_and_bold_with_its_subtitle_close_under_it() -> None:
    title, subtitle = heading("Assign a number", "Step 1 of 5 - whom")
    valid(card([title, subtitle]))
    assert (title["size"], title["weight"]) == ("Large", "Bolder")
    assert (subtitle["isSubtle"], subtitle["spacing"]) == (True, "None")
    assert len(heading("Numbers")) == 1


def test_an_empty_fact_shows_a_dash_rather_than_nothing() -> None:
    drawn = valid(card([facts([("Number", "+1 206 555 0100"), ("Held by", "")])]))
    assert facts_of(drawn) == {"Number": "+1 206 555 0100", "Held by": "-"}


def test_a_required_drop_down_says_what_to_choose_when_nothing_is() -> None:
    policy = choice_set("policy", label="Voice routing policy", choices=[("US-Local", "US-Local")], required=True)
    valid(card([policy]))
    assert policy["isRequired"] is True
    assert policy["errorMessage"] == "Choose voice routing policy."


def test_a_drop_down_with_a_dataset_searches_as_you_type_and_keeps_its_choices_for_other_clients() -> None:
    offered = [("Adele Vance", "a-1"), ("Megan Bowen", "a-2")]
    typeahead = choice_set("account", label="Assign to", choices=offered, dataset="accounts")
    plain = choice_set("account", label="Assign to", choices=offered)
    valid(card([typeahead]))
    valid(card([plain]))
    assert (typeahead["style"], typeahead["choices.data"]) == (
        "filtered",
        {"type": "Data.Query", "dataset": "accounts"},
    )
    assert (plain["style"], "choices.data" in plain) == ("compact", False)
    assert choices(typeahead) == choices(plain) == offered


@pytest.mark.parametrize("value", [None, ""])
def test_a_drop_down_without_a_value_preselects_nothing(value: str | None) -> None:
    drop_down = choice_set("range", label="Range", choices=[("Any", ""), ("Seattle HQ", "r-1")], value=value)
    valid(card([drop_down]))
    assert "value" not in drop_down


def test_a_text_input_keeps_what_was_typed_and_bounds_its_length() -> None:
    drawn = valid(
        card([input_text("search", label="Search", value="206 555", placeholder="digits or text", max_length=64)])
    )
    search = inputs(drawn)["search"]
    assert (search["value"], search["placeholder"], search["maxLength"]) == ("206 555", "digits or text", 64)
    assert "value" not in input_text("search", label="Search")


def test_a_notice_is_bold_text_in_the_themes_colour_on_a_warning_background() -> None:
    box = notice("That number was just taken; pick another.")
    valid(card([box]))
    assert box["style"] == "warning"  # each theme tints it and keeps its text readable: no amber on white
    (line,) = box["items"]
    assert (line["text"], line.get("color"), line["weight"]) == (
        "That number was just taken; pick another.",
        None,
        "Bolder",
    )
