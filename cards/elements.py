"""A tiny vocabulary for Adaptive Cards 1.5 as plain dicts. Pure functions, no I/O.

Every card action is `Action.Execute` (Universal Actions): Teams sends an `adaptiveCard/action` invoke
and our answer replaces the card in place. Action data carries only the flow id, its version and a
verb (plus the id of what was clicked); truth comes from the database, never from the card.
"""

from __future__ import annotations

from typing import Any

Element = dict[str, Any]
Card = dict[str, Any]

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"

# Colour names of Adaptive Cards text. The diff colours its categories: to add green, to update blue,
# unchanged grey, drift amber.
GOOD, ACCENT, SUBTLE, WARNING, ATTENTION = "Good", "Accent", "Default", "Warning", "Attention"


def card(body: list[Element], actions: list[Element] | None = None, *, full_width: bool = True) -> Card:
    result: Card = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": "1.5", "body": body}
    if actions:
        result["actions"] = actions
    if full_width:
        result["msteams"] = {"width": "Full"}
    return result


def text(
    value: str,
    *,
    size: str | None = None,
    weight: str | None = None,
    color: str | None = None,
    subtle: bool = False,
    wrap: bool = True,
    spacing: str | None = None,
) -> Element:
    element: Element = {"type": "TextBlock", "text": value, "wrap": wrap}
    if size:
        element["size"] = size
    if weight:
        element["weight"] = weight
    if color:
        element["color"] = color
    if subtle:
        element["isSubtle"] = True
    if spacing:
        element["spacing"] = spacing
    return element


def heading(value: str, subtitle: str | None = None) -> list[Element]:
    parts = [text(value, size="Large", weight="Bolder")]
    if subtitle:
        parts.append(text(subtitle, subtle=True, spacing="None"))
    return parts


def facts(pairs: list[tuple[str, str]]) -> Element:
    return {"type": "FactSet", "facts": [{"title": title, "value": value or "-"} for title, value in pairs]}


def container(items: list[Element], *, style: str | None = None, separator: bool = False) -> Element:
    element: Element = {"type": "Container", "items": items}
    if style:
        element["style"] = style
    if separator:
        element["separator"] = True
    return element


def columns(*cells: tuple[list[Element], str]) -> Element:
    """A row of columns; each cell is (items, width) with width "auto", "stretch" or a weight."""
    return {
        "type": "ColumnSet",
        "columns": [
            {"type": "Column", "width": width, "items": items, "verticalContentAlignment": "Center"}
            for items, width in cells
        ],
    }


def execute(title: str, verb: str, data: dict[str, Any], *, style: str | None = None) -> Element:
    action: Element = {"type": "Action.Execute", "title": title, "verb": verb, "data": {**data, "verb": verb}}
    if style:
        action["style"] = style
    return action


def action_set(actions: list[Element]) -> Element:
    return {"type": "ActionSet", "actions": actions}


def input_text(input_id: str, *, label: str, value: str = "", placeholder: str = "", max_length: int = 100) -> Element:
    element: Element = {
        "type": "Input.Text",
        "id": input_id,
        "label": label,
        "maxLength": max_length,
    }
    if value:
        element["value"] = value
    if placeholder:
        element["placeholder"] = placeholder
    return element


def choice_set(
    input_id: str,
    *,
    label: str,
    choices: list[tuple[str, str]],
    value: str | None = None,
    dataset: str | None = None,
    required: bool = False,
    placeholder: str = "",
) -> Element:
    """A drop-down; with `dataset`, Teams also searches as you type (an `application/search` invoke).

    Static choices are always included: clients without typeahead (the Agents Playground) offer those.
    """
    element: Element = {
        "type": "Input.ChoiceSet",
        "id": input_id,
        "label": label,
        "style": "filtered" if dataset else "compact",
        "choices": [{"title": title, "value": choice_value} for title, choice_value in choices],
    }
    if dataset:
        element["choices.data"] = {"type": "Data.Query", "dataset": dataset}
    if value:
        element["value"] = value
    if required:
        element["isRequired"] = True
        element["errorMessage"] = f"Choose {label.lower()}."
    if placeholder:
        element["placeholder"] = placeholder
    return element


def notice(message: str, *, color: str = WARNING) -> Element:
    """Something to look at before going on. The container's style carries the colour (`warning` or
    `attention`: a tinted background each Teams theme draws with readable text on it); the text keeps the
    theme's own colour, because yellow text on a light card (or dark red on a dark one) is hard to read."""
    style = "attention" if color == ATTENTION else "warning"
    return container([text(message, weight="Bolder")], style=style)


def coloured(value: str, color: str | None, *, size: str | None = None, weight: str | None = None) -> Element:
    """A line in a colour that means something. Amber (`Warning`) text is hard to read on Teams' light
    theme, so a warning is the theme's own text on a `warning` container instead; the other colours are
    drawn readable by every theme (light, dark, high contrast)."""
    if color == WARNING:
        return container([text(value, size=size, weight=weight)], style="warning")
    return text(value, size=size, weight=weight, color=color)


def counted(count: int, *, capped: bool) -> str:
    """`1,234`, or `more than 10,000` when counting stopped there."""
    return f"more than {count:,}" if capped else f"{count:,}"


def plural(count: int, one: str, many: str | None = None) -> str:
    """`1 match`, `3 matches`, `1,204 numbers`: the count with the word it needs."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"
