"""The parts of a card a unit test checks: its buttons, its inputs, its facts, and what its actions carry.

Read on top of `cards.reading`, so the card tests read a card as the bot tests and benchmarks do.
"""

from __future__ import annotations

from typing import Any

from cards.elements import Card, Element
from cards.reading import card_text, execute_actions
from cards.views import FlowRef
from tests.support.cards import assert_valid_card

# Means something to Markdown, to Teams (a mention), to a link and to Adaptive Card templating.
MARKUP = '**Bob** _O\'Neil_ <at>Megan</at> [pay here](https://example.com) {{DATE(2026-01-01T00:00:00Z)}} "q"'


def valid(card: Card) -> Card:
    """`card`, once `assert_valid_card` accepts it: every card a card test builds goes through here."""
    assert_valid_card(card)
    return card


def buttons(card: Card) -> list[tuple[str, str]]:
    """(title, verb) of every Action.Execute on the card, in card order."""
    return [(str(action["title"]), str(action["verb"])) for action in execute_actions(card)]


def bottom_buttons(card: Card) -> list[str]:
    """The titles of the buttons under the card (its `actions`), left to right."""
    return [str(action["title"]) for action in card.get("actions", [])]


def actions_with_verb(card: Card, verb: str) -> list[dict[str, Any]]:
    return [action for action in execute_actions(card) if action["verb"] == verb]


def action(card: Card, verb: str) -> dict[str, Any]:
    """The one Action.Execute with `verb`."""
    found = actions_with_verb(card, verb)
    assert len(found) == 1, f"expected one '{verb}' button, found {len(found)}; the card has {buttons(card)}"
    return found[0]


def assert_actions_belong_to(card: Card, flow: FlowRef) -> None:
    """Every button carries the flow's id and the version the card was drawn at, and its own verb."""
    actions = execute_actions(card)
    assert actions, "the card has no buttons"
    for found in actions:
        assert (found["data"]["flow"], found["data"]["v"]) == (flow.flow_id, flow.version), found
        assert found["data"]["verb"] == found["verb"], found


def elements(node: Any, kind: str) -> list[Element]:
    """Every element of type `kind`, wherever it sits, in card order."""
    found: list[Element] = []
    if isinstance(node, dict):
        if node.get("type") == kind:
            found.append(node)
        for value in node.values():
            found.extend(elements(value, kind))
    elif isinstance(node, list):
        for value in node:
            found.extend(elements(value, kind))
    return found


def inputs(card: Card) -> dict[str, Element]:
    """Every input by its id. Two inputs with one id would send Teams only one value, so that fails."""
    found = [
        element
        for kind in ("Input.Text", "Input.ChoiceSet", "Input.Number", "Input.Toggle", "Input.Date")
        for element in elements(card, kind)
    ]
    ids = [str(element["id"]) for element in found]
    assert len(ids) == len(set(ids)), f"input ids repeat: {ids}"
    return dict(zip(ids, found, strict=True))


def choices(element: Element) -> list[tuple[str, str]]:
    """(title, value) of a drop-down's static choices, in order."""
    return [(str(choice["title"]), str(choice["value"])) for choice in element["choices"]]


def facts_of(card: Card) -> dict[str, str]:
    """Every fact on the card, title to value."""
    return {
        str(fact["title"]): str(fact["value"]) for fact_set in elements(card, "FactSet") for fact in fact_set["facts"]
    }


def text_block(card: Card, value: str) -> Element:
    """The one TextBlock that reads exactly `value`."""
    found = [block for block in elements(card, "TextBlock") if block["text"] == value]
    assert len(found) == 1, f"expected one TextBlock '{value}', found {len(found)} in:\n{card_text(card)}"
    return found[0]


def assert_shown_as_given(card: Card, value: str) -> None:
    """`value` reaches the operator verbatim, the card stays valid, and no `<at>` in it became a mention."""
    valid(card)
    assert value in card_text(card), card_text(card)
    assert "entities" not in card.get("msteams", {}), "text on a card must not turn into a mention that pings anyone"


def tone(card: Card, value: str) -> str | None:
    """How the (first, not subtle) TextBlock reading `value` stands out: its own colour, or (uncoloured, on a
    styled container) the container's style as a colour name (`warning` -> "Warning"): what the operator sees."""

    def walk(node: Any, style: str | None) -> str | None:
        if isinstance(node, dict):
            if node.get("type") == "TextBlock" and node.get("text") == value and not node.get("isSubtle"):
                color = node.get("color")
                return str(color) if color else (style.capitalize() if style else None)
            inner = node.get("style") if node.get("type") == "Container" else None
            for child in node.values():
                found = walk(child, inner or style)
                if found is not None:
                    return found
        if isinstance(node, list):
            for child in node:
                found = walk(child, style)
                if found is not None:
                    return found
        return None

    assert value in card_text(card), f"no '{value}' on the card"
    return walk(card, None)


def amber_text(card: Card) -> list[str]:
    """Every TextBlock drawn in amber, which Teams' light theme makes hard to read: there should be none."""
    return [str(block["text"]) for block in elements(card, "TextBlock") if block.get("color") == "Warning"]
