"""A CSV row's reservation cells: who reserves the number, for whom, until when, why. Pure.

An export writes a reserved number's hold in its last columns; reading them back asks for that reservation.
A card flow's few-minute hold (`flow:<id>`) or a request's (`request:<id>`) is not a reservation anyone
meant to keep: such cells read as no reservation, so an export taken mid-click still re-imports cleanly.
Whether the number may be reserved, and whether the end is still ahead, is the plan's question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time

from inventory.model import HOLD_NOTE_LIMIT

RESERVATION_COLUMNS: dict[str, tuple[str, ...]] = {
    "hold_owner": ("holdowner", "reservedby"),
    "hold_owner_name": ("holdownername", "reservedbyname"),
    "hold_for_id": ("holdforid", "reservedforid"),
    "hold_for_name": ("holdforname", "reservedfor"),
    "hold_expires_at": ("holdexpiresat", "reserveduntil", "until"),
    "hold_note": ("holdnote", "purpose"),
    "hold_ticket": ("holdticket", "ticket"),
}
_LIMITS = {"hold_owner_name": 320, "hold_for_name": 256, "hold_ticket": 64, "hold_note": HOLD_NOTE_LIMIT}
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_CLI_OPERATOR = re.compile(r"^cli:[\w.@\-]{1,120}$")
_TRANSIENT = ("flow:", "request:")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class CsvReservation:
    """What a row asks to reserve; `owner` None means the importing operator, `until` None the default length."""

    owner: str | None
    owner_name: str | None
    for_id: str | None
    for_name: str | None
    until: datetime | None
    note: str | None
    ticket: str | None


def read_reservation(values: dict[str, str], status_text: str) -> tuple[CsvReservation | None, bool]:
    """The row's reservation (None when it asks for none), and whether its `reserved` status was a card
    flow's hold to ignore. Raises ValueError with the reason a cell is wrong."""
    given = {column: values[column] for column in RESERVATION_COLUMNS if values.get(column)}
    owner = given.get("hold_owner")
    if owner is not None and owner.startswith(_TRANSIENT):
        return None, True
    reserved = status_text.strip().lower() == "reserved"
    if not given and not reserved:
        return None, False
    if status_text.strip() and not reserved:
        raise ValueError(
            f"a reservation (the hold_* columns) needs status 'reserved' or an empty status, not '{status_text}'."
        )
    for_id = given.get("hold_for_id")
    if for_id is not None and not _GUID.match(for_id):
        raise ValueError(f"hold_for_id '{for_id[:60]}' is not an Entra object id (a GUID).")
    for column, limit in _LIMITS.items():
        if len(given.get(column, "")) > limit:
            raise ValueError(f"{column} is longer than {limit} characters.")
    until = given.get("hold_expires_at")
    return (
        CsvReservation(
            owner=owner,
            owner_name=given.get("hold_owner_name"),
            for_id=for_id.lower() if for_id else None,
            for_name=given.get("hold_for_name"),
            until=_end(until) if until else None,
            note=given.get("hold_note"),
            ticket=given.get("hold_ticket"),
        ),
        False,
    )


def owner_problem(owner: str) -> str | None:
    """Why `owner` cannot own a new reservation, or None. Asked only when a file makes or moves one, so a
    reservation an export shows reads back whatever its owner looks like."""
    if _GUID.match(owner) or _CLI_OPERATOR.match(owner):
        return None
    return f"hold_owner '{owner[:60]}' is not an operator: give their Entra object id (a GUID) or cli:LOGIN."


def _end(text: str) -> datetime:
    """An ISO date (the end of that day, 23:59 UTC, as `reserve ... until DATE` reads it) or date and time
    (UTC unless it says otherwise)."""
    try:
        if _DATE.match(text):
            return datetime.combine(datetime.fromisoformat(text).date(), time(23, 59), UTC)
        moment = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        raise ValueError(
            f"hold_expires_at '{text[:40]}' is not a date; write it as 2027-01-31 or 2027-01-31T17:00:00+00:00."
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
