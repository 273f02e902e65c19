"""`assert_valid_card` accepts what Teams renders and refuses what it would reject."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.support.cards import (
    TEAMS_CARD_LIMIT_BYTES,
    CardInvalid,
    assert_valid_card,
    card_schema_validator,
    serialized_size,
)


def wizard_card() -> dict[str, Any]:
    """A card using every Teams feature Switchboard relies on."""
    execute = {
        "type": "Action.Execute",
        "title": "Assign",
        "verb": "assign.confirm",
        "data": {"flow": "f-1", "version": 3},
        "associatedInputs": "auto",
        "isEnabled": True,
        "style": "positive",
    }
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "msteams": {"width": "Full"},
        "refresh": {
            "action": {"type": "Action.Execute", "verb": "refresh", "data": {"flow": "f-1"}},
            "userIds": ["aaaaaaaa-0000-4000-8000-000000000001"],
        },
        "body": [
            {"type": "TextBlock", "text": "Assign a number", "weight": "Bolder", "wrap": True},
            {"type": "Input.Text", "id": "note", "label": "Note", "placeholder": "Why"},
            {
                "type": "Input.ChoiceSet",
                "id": "user",
                "label": "User",
                "style": "filtered",
                "choices": [{"title": "Adele Vance", "value": "adele"}],
                "choices.data": {"type": "Data.Query", "dataset": "users", "count": 15, "associatedInputs": "auto"},
            },
        ],
        "actions": [
            execute,
            {"type": "Action.Execute", "title": "Cancel", "verb": "cancel", "associatedInputs": "none"},
            {
                "type": "Action.Submit",
                "title": "Classic",
                "data": {"verb": "assign", "msteams": {"type": "messageBack"}},
            },
            {"type": "Action.Execute", "title": "Disabled", "verb": "noop", "isEnabled": False},
        ],
    }


def test_a_card_with_every_teams_feature_we_use_is_valid() -> None:
    assert_valid_card(wizard_card())


def test_validation_does_not_change_the_card() -> None:
    card = wizard_card()
    before = copy.deepcopy(card)
    assert_valid_card(card)
    assert card == before


def test_the_official_schema_alone_rejects_the_teams_extensions_we_strip() -> None:
    # If a newer schema learns these, the narrow stripping in tests/support/cards.py can go.
    for extension in ({"msteams": {"width": "Full"}}, {}):
        card: dict[str, Any] = {"type": "AdaptiveCard", "version": "1.5", "body": [], **extension}
        if not extension:
            card["body"] = [
                {
                    "type": "Input.ChoiceSet",
                    "id": "x",
                    "choices": [],
                    "choices.data": {"type": "Data.Query", "dataset": "d"},
                }
            ]
        assert not card_schema_validator().is_valid(card)


def test_a_misspelt_element_type_fails_and_names_the_element() -> None:
    card = wizard_card()
    card["body"][0]["type"] = "TextBlok"
    with pytest.raises(CardInvalid, match=r"\$\.body\[0\]"):
        assert_valid_card(card)


def test_a_misspelt_property_fails() -> None:
    card = wizard_card()
    card["body"][0]["wieght"] = "Bolder"
    with pytest.raises(CardInvalid, match="body"):
        assert_valid_card(card)


def test_an_unknown_action_type_fails() -> None:
    card = wizard_card()
    card["actions"][0]["type"] = "Action.Executе"  # noqa: RUF001 - its last letter is Cyrillic: looks right, is not
    with pytest.raises(CardInvalid, match=r"\$\.actions\[0\]"):
        assert_valid_card(card)


def test_a_data_query_without_a_dataset_fails() -> None:
    card = wizard_card()
    del card["body"][2]["choices.data"]["dataset"]
    with pytest.raises(CardInvalid, match=r"choices\.data.*dataset"):
        assert_valid_card(card)


def test_an_unknown_msteams_key_fails() -> None:
    card = wizard_card()
    card["msteams"]["widht"] = "Full"
    with pytest.raises(CardInvalid, match="msteams"):
        assert_valid_card(card)


def test_an_unknown_key_on_the_card_fails() -> None:
    card = wizard_card()
    card["teams"] = {"width": "Full"}
    with pytest.raises(CardInvalid):
        assert_valid_card(card)


def test_a_card_newer_than_teams_renders_fails() -> None:
    card = wizard_card()
    card["version"] = "1.6"
    with pytest.raises(CardInvalid, match=r"1\.0 to 1\.5"):
        assert_valid_card(card)


def test_something_that_is_not_a_card_fails() -> None:
    with pytest.raises(CardInvalid, match="not an AdaptiveCard"):
        assert_valid_card({"type": "message", "text": "hi"})


def test_a_30_kb_card_fails_on_size_although_its_schema_is_valid() -> None:
    rows = [
        {"type": "TextBlock", "text": f"+1 425 555 {i:04d}  Adele Vance  Seattle  Direct Routing"} for i in range(500)
    ]
    card: dict[str, Any] = {"type": "AdaptiveCard", "version": "1.5", "body": rows}
    assert card_schema_validator().is_valid(card)
    assert serialized_size(card) > 30 * 1024
    with pytest.raises(CardInvalid, match="bytes"):
        assert_valid_card(card)


def test_a_card_just_under_the_limit_passes() -> None:
    card: dict[str, Any] = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": ""}]}
    card["body"][0]["text"] = "x" * (TEAMS_CARD_LIMIT_BYTES - serialized_size(card) - 1)
    assert serialized_size(card) == TEAMS_CARD_LIMIT_BYTES - 1
    assert_valid_card(card)
