"""Reading a card as an operator does: the words on it and the buttons it offers.

For code that plays the operator — the bot tests and the turn benchmark — so both read cards the
same way the builders here write them.
"""

from __future__ import annotations

from typing import Any

_WORDS = ("text", "title", "value", "placeholder", "label")


def card_text(card: Any) -> str:
    """Every string an operator reads on the card, one per line, in card order."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            # A choice set shows its choices' titles; their values (and the one chosen) are ids sent back.
            hidden = "value" if isinstance(node.get("choices"), list) else None
            for key, value in node.items():
                if key == "choices" and isinstance(value, list):
                    parts.extend(c["title"] for c in value if isinstance(c, dict) and isinstance(c.get("title"), str))
                elif key == hidden:
                    continue
                elif key in _WORDS and isinstance(value, str):
                    parts.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return "\n".join(parts)


def execute_actions(node: Any) -> list[dict[str, Any]]:
    """Every Action.Execute on the card, wherever it sits (card actions, action sets, columns)."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if node.get("type") == "Action.Execute":
            found.append(node)
        for value in node.values():
            found.extend(execute_actions(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(execute_actions(value))
    return found
