"""Cards the bot sends a person in their own chat (not an operator's): what changed for them."""

from __future__ import annotations

from cards.elements import Card, card, facts, heading, text


def new_number_card(*, name: str, number: str, policy: str | None, organisation: str, operator: str) -> Card:
    """Told to the person a number was just assigned to, when their tenant turns it on."""
    body = heading("Your Teams phone number", f"Hello {name}")
    body.append(text(f"You now have a phone number in Teams: **{number}**. People can call you on it from today."))
    rows = [("Number", number), ("Calls are routed by", policy or "your organisation's default policy")]
    rows.append(("Organisation", organisation))
    rows.append(("Assigned by", operator))
    body.append(facts(rows))
    body.append(text("Questions about it? Ask the person who assigned it.", subtle=True))
    return card(body)
