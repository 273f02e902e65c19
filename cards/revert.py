"""Reverting a change of `history`: the confirm card shows what the number is now and what it will be."""

from __future__ import annotations

from dataclasses import dataclass

from cards.elements import Card, card, execute, facts, heading, text
from cards.views import FlowRef

TITLE = "Revert a change"


@dataclass(frozen=True)
class RevertView:
    number: str
    change: str  # "unassign on 2026-12-06 10:04 by olivia@contoso.test"
    now: str  # the state the change left: "used by Adele Vance with US-Local"
    after: str  # the state reverting restores: "available"
    in_teams: str  # what Teams will be asked to do


def revert_confirm_card(flow: FlowRef, view: RevertView, *, tenant: str) -> Card:
    body = heading(TITLE, "Confirm")
    body.append(
        facts(
            [
                ("Tenant", tenant),
                ("Number", view.number),
                ("Change", view.change),
                ("Now", view.now),
                ("After the revert", view.after),
            ]
        )
    )
    body.append(text(view.in_teams))
    return card(
        body,
        [
            execute("Revert", "revert.confirm", flow.data(), style="destructive"),
            execute("Cancel", "cancel", flow.data()),
        ],
    )
