"""Exporting a tenant's inventory as CSV that `switchboard import` reads back."""

from __future__ import annotations

import csv
from typing import TextIO

from inventory.csv_format import EXPORT_COLUMNS, export_row
from inventory.number_query import NumberQuery
from inventory.ports.storage import Storage

_PAGE = 5_000


async def export_csv(storage: Storage, tenant: str, out: TextIO, *, query: NumberQuery | None = None) -> int:
    """Write every number of `tenant` (or those `query` finds), ordered by number, page by page (one short
    read each, so memory stays flat however big the tenant); returns how many."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    written = 0
    cursor: str | None = None
    while True:
        async with storage.read(scan=True) as uow:
            page = await uow.numbers.search(query or NumberQuery(tenant=tenant), limit=_PAGE, after=cursor)
        writer.writerows(export_row(n) for n in page.items)
        written += len(page.items)
        if page.next_cursor is None:
            return written
        cursor = page.next_cursor
