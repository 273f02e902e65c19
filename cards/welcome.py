"""The card Switchboard introduces itself with when it is installed in a personal chat or a team."""

from __future__ import annotations

from cards.elements import Card, card, execute, heading, text

TITLE = "Switchboard"


def welcome_card() -> Card:
    """What Switchboard does in three sentences, and the three things people start with."""
    body = heading(TITLE, "Teams Phone numbers, in one inventory")
    body.append(
        text(
            "Switchboard keeps the inventory of your Teams Phone numbers: which are free, who holds which, "
            "and whether that still matches Teams."
        )
    )
    body.append(
        text(
            "Assign a free number to a person with a voice routing policy, remove one, or sync from Teams to see "
            "what changed. Every change is made in Teams first and recorded with who made it."
        )
    )
    body.append(text("Type help for every command.", subtle=True))
    return card(
        body,
        [
            execute("Assign", "command", {"command": "assign"}, style="positive"),
            execute("Numbers", "command", {"command": "numbers"}),
            execute("Sync", "command", {"command": "sync"}),
        ],
    )
