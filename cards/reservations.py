"""Reservation cards: what `reserve` took, the `reservations` list with Release and Extend on each, and
the notes that tell a reservation's owner it ends soon or has ended."""

from __future__ import annotations

from dataclasses import dataclass

from cards.elements import (
    ACCENT,
    GOOD,
    WARNING,
    Card,
    action_set,
    card,
    coloured,
    columns,
    container,
    execute,
    facts,
    heading,
    text,
)
from cards.views import FlowRef

_SHOWN = 25  # rows on one card: keeps it far below Teams' 28 KB


@dataclass(frozen=True)
class ReservationView:
    id: int
    label: str  # +1 206 555 0100
    owner: str
    until: str  # "2026-12-31 23:59 UTC" or "no end"
    purpose: str = ""
    for_name: str | None = None
    ticket: str | None = None
    pool: str | None = None

    @property
    def details(self) -> str:
        parts = [f"by {self.owner}", f"until {self.until}"]
        if self.for_name:
            parts.insert(0, f"for {self.for_name}")
        if self.ticket:
            parts.append(f"ticket {self.ticket}")
        if self.pool:
            parts.append(f"pool {self.pool}")
        return " - ".join(parts)


def reserved_card(reserved: list[ReservationView], *, tenant: str) -> Card:
    """What `reserve` took: the numbers, and once what they were reserved as."""
    first = reserved[0]
    title = f"Reserved {first.label}" if len(reserved) == 1 else f"Reserved {len(reserved)} numbers"
    body = heading(title, f"Tenant {tenant}")
    pairs = [("Owner", first.owner), ("Until", first.until)]
    if first.for_name:
        pairs.insert(0, ("For", first.for_name))
    if first.purpose:
        pairs.append(("Purpose", first.purpose))
    if first.ticket:
        pairs.append(("Ticket", first.ticket))
    body.append(facts(pairs))
    if len(reserved) > 1:
        body.extend(text(f"**{view.label}**", spacing="None") for view in reserved[:_SHOWN])
        if len(reserved) > _SHOWN:
            body.append(text(f"...and {len(reserved) - _SHOWN} more", subtle=True, size="Small"))
    body.append(text("Type reservations mine to release or extend them.", subtle=True, size="Small"))
    return card(body)


def reservations_card(
    flow: FlowRef, *, scope: str, items: list[ReservationView], total: int, message: str | None = None
) -> Card:
    """The reservations of `scope` ("yours", "for Adele Vance", "in pool Sales"), each with its buttons."""
    body = heading("Reservations", f"{scope}: {total} reserved")
    if message:
        body.append(text(message, color=GOOD, weight="Bolder"))
    if not items:
        body.append(text("Nothing is reserved here."))
    for view in items[:_SHOWN]:
        buttons = [
            execute("Release", "reservations.release", flow.data(number=view.id)),
            execute("Extend", "reservations.extend", flow.data(number=view.id)),
        ]
        purpose = [text(view.purpose, size="Small", spacing="None")] if view.purpose else []
        row = columns(
            (
                [
                    text(f"**{view.label}**"),
                    text(view.details, subtle=True, size="Small", spacing="None"),
                    *purpose,
                ],
                "stretch",
            ),
            ([action_set(buttons)], "auto"),
        )
        body.append(container([row], separator=True))
    if total > min(len(items), _SHOWN):
        body.append(text(f"Showing {min(len(items), _SHOWN)} of {total}.", subtle=True, size="Small"))
    return card(body)


def reservation_note(view: ReservationView, *, tenant: str, ended: bool) -> Card:
    """For the tenant's channel: the owner's reservation ends soon, or has ended (the number is free again)."""
    if ended:
        title, color, closing = f"Reservation of {view.label} ended", ACCENT, "The number is available again."
    else:
        title, color = f"Reservation of {view.label} ends {view.until}", WARNING
        closing = f"{view.owner}: type reservations mine and press Extend to keep it."
    pairs = [("Tenant", tenant), ("Owner", view.owner)]
    if view.for_name:
        pairs.append(("For", view.for_name))
    if view.ticket:
        pairs.append(("Ticket", view.ticket))
    body = [coloured(title, color, weight="Bolder"), facts(pairs), text(closing, size="Small", spacing="None")]
    if view.purpose:
        body.insert(2, text(view.purpose, size="Small", spacing="None"))
    return card(body, full_width=False)
