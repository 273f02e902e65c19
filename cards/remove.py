"""Removal cards: choose which number (when a user holds several), confirm, then the result."""

from __future__ import annotations

from cards.elements import Card, action_set, card, columns, container, execute, facts, heading, text
from cards.views import FlowRef, NumberView

TITLE = "Remove a number"


def choose_card(flow: FlowRef, numbers: list[NumberView], *, who: str) -> Card:
    """Which number to remove. When the numbers belong to several people, it asks which person, by name:
    digits alone (`remove 12`) are no way to tell people apart."""
    people = sorted({number.holder for number in numbers if number.holder})
    if len(people) > 1:
        body = heading(TITLE, f"'{who}' matches numbers of {len(people)} people - which person?")
    else:
        body = heading(TITLE, f"{people[0] if people else who} holds {len(numbers)} numbers - which one?")
    for number in sorted(numbers, key=lambda n: (n.holder or "", n.label)) if len(people) > 1 else numbers:
        if len(people) > 1:
            lines = [text(f"**{number.holder or '-'}**"), text(number.label, subtle=True, spacing="None")]
        else:
            lines = [text(f"**{number.label}**"), text(number.policy or "no policy", subtle=True, spacing="None")]
        remove = action_set([execute("Remove", "remove.choose", flow.data(number=number.id))])
        body.append(container([columns((lines, "stretch"), ([remove], "auto"))], separator=True))
    return card(body, [execute("Cancel", "cancel", flow.data())])


def confirm_card(flow: FlowRef, number: NumberView, *, tenant: str, quarantine_days: int) -> Card:
    after = f"quarantined for {quarantine_days} days, then available" if quarantine_days else "available again"
    body = heading(TITLE, "Confirm")
    body.append(
        facts(
            [
                ("Tenant", tenant),
                ("Number", number.label),
                ("Held by", number.holder or "-"),
                ("Voice routing policy", number.policy or "-"),
                ("Afterwards", after),
            ]
        )
    )
    return card(
        body,
        [
            execute("Remove", "remove.confirm", flow.data(), style="destructive"),
            execute("Cancel", "cancel", flow.data()),
        ],
    )
