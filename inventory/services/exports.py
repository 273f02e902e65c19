"""Exporting a tenant's inventory as CSV that `switchboard import` reads back."""

from __future__ import annotations

import csv
from typing import TextIO

from inventory.model import PhoneNumber
from inventory.store.engine import Store
from inventory.store.search import NumberQuery, search_numbers

EXPORT_COLUMNS = (
    "number",
    "extension",
    "number_type",
    "status",
    "location",
    "range",
    "carrier",
    "pool",
    "tags",
    "notes",
    "emergency_location_id",
    "assignee_name",
    "assignee_upn",
    "assignee_type",
    "voice_routing_policy",
    "hold_owner",
    "hold_expires_at",
    "quarantined_until",
    "updated_at",
    "last_modified_by",
)
_PAGE = 5_000


def export_row(number: PhoneNumber) -> list[str]:
    assignee, held = number.assignee, number.hold
    values: list[object] = [
        number.number,
        number.extension,
        number.number_type.value,
        number.status.value,
        number.location,
        number.range_label,
        number.carrier,
        number.pool,
        "|".join(number.tags),
        number.notes,
        number.emergency_location_id,
        assignee.display_name if assignee else None,
        assignee.upn if assignee else None,
        assignee.account_type.value if assignee else None,
        number.voice_routing_policy,
        held.owner if held else None,
        held.expires_at.isoformat() if held and held.expires_at else None,
        number.quarantined_until.isoformat() if number.quarantined_until else None,
        number.updated_at.isoformat() if number.updated_at else None,
        number.last_modified_by,
    ]
    return ["" if value is None else str(value) for value in values]


async def export_csv(store: Store, tenant: str, out: TextIO) -> int:
    """Write every number of `tenant`, ordered by number, page by page; returns how many."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    written = 0
    cursor: str | None = None
    while True:
        async with store.read() as connection:
            page = await search_numbers(connection, NumberQuery(tenant=tenant), limit=_PAGE, after=cursor)
        writer.writerows(export_row(n) for n in page.items)
        written += len(page.items)
        if page.next_cursor is None:
            return written
        cursor = page.next_cursor
