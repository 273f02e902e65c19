"""Removal cards: choose which number (when a user holds several), confirm, then the result."""

from __future__ import annotations

from cards.elements import Card, action_set, card, columns, container, execute, facts, heading, text
from cards.views import FlowRef, NumberView

TITLE = "Remove a number"


def choose_card(flow: FlowRef, numbers: list[NumberView], *, who: str) -> Card:
    body = heading(TITLE, f"{who} holds {len(numbers)} numbers - which one?")
    for number in numbers:
        body.append(
            container(
                [
                    columns(
                        (
                            [
                                text(f"**{number.label}**"),
                                text(number.policy or "no policy", subtle=True, spacing="None"),
                            ],
                            "stretch",
                        ),
                        ([action_set([execute("Remove", "remove.choose", flow.data(number=number.id))])], "auto"),
                    )
                ],
                separator=True,
            )
        )
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
