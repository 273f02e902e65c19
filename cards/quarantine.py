"""Ending a quarantine early: the card that asks first, and what it says after."""

from __future__ import annotations

from cards.elements import ATTENTION, Card, card, execute, facts, heading, text
from cards.views import FlowRef


def end_quarantine_card(
    flow: FlowRef, *, tenant: str, label: str, until: str, countdown: str, message: str | None = None
) -> Card:
    """Asks before a quarantined number goes back to the pool: the quarantine is there so that callers of
    its last holder stop reaching a stranger."""
    body = heading("End a quarantine early", f"Tenant {tenant}")
    body.append(facts([("Number", label), ("Quarantined until", until), ("Otherwise", countdown)]))
    body.append(
        text(
            f"{label} becomes available now and may be assigned at once; callers of its last holder could reach "
            "the new one. This is recorded in its history.",
            color=ATTENTION,
        )
    )
    if message:
        body.append(text(message, color=ATTENTION, weight="Bolder"))
    return card(
        body,
        [
            execute("End quarantine", "quarantine.end", flow.data(), style="destructive"),
            execute("Cancel", "cancel", flow.data()),
        ],
    )
