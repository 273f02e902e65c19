"""`--json`: what a command prints for a script instead of a table, one JSON document on standard output.

Field names are stable and spelled as in the CSV export where both have them; times are ISO 8601 UTC;
absent values are null, never left out, so a script can index any field of any record.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import Any, TextIO

from rich.console import Console

from inventory.audit import AuditEvent
from inventory.model import PhoneNumber
from inventory.number_query import NumberQuery
from inventory.services.views import Views
from inventory.sync.changes import Change

_EXPORT_PAGE = 1_000

JSON_HELP = "print one JSON document on standard output instead of text (for scripts)"


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=JSON_HELP)


def emit(console: Console, document: object) -> None:
    """Write `document` as one line of JSON, past rich's markup and wrapping (but through the redactor)."""
    console.file.write(json.dumps(document, ensure_ascii=False, default=_iso) + "\n")
    console.file.flush()


async def export_json(views: Views, tenant: str, out: TextIO) -> int:
    """`export --json`: {"tenant": ..., "numbers": [...]} written page by page, so memory stays flat
    however big the tenant; returns how many numbers."""
    out.write(json.dumps({"tenant": tenant})[:-1] + ', "numbers": [')
    written, cursor = 0, None
    while True:
        page, _ = await views.page(NumberQuery(tenant=tenant), size=_EXPORT_PAGE, after=cursor)
        for number in page.items:
            out.write(("," if written else "") + "\n" + json.dumps(number_json(number), default=_iso))
            written += 1
        cursor = page.next_cursor
        if cursor is None:
            out.write("\n]}\n")
            return written


def number_json(number: PhoneNumber) -> dict[str, Any]:
    holder = number.assignee
    hold = number.hold
    return {
        "number": number.number,
        "extension": number.extension,
        "label": number.label,
        "status": number.status.value,
        "number_type": number.number_type.value,
        "assignee_id": holder.id if holder else None,
        "assignee_upn": holder.upn if holder else None,
        "assignee_name": holder.display_name if holder else None,
        "assignee_type": holder.account_type.value if holder else None,
        "voice_routing_policy": number.voice_routing_policy,
        "emergency_location_id": number.emergency_location_id,
        "activation_state": number.activation_state.value if number.activation_state else None,
        "location": number.location,
        "range_label": number.range_label,
        "carrier": number.carrier,
        "pool": number.pool,
        "tags": list(number.tags),
        "notes": number.notes,
        "hold_owner": hold.owner if hold else None,
        "hold_owner_name": hold.owner_name if hold else None,
        "hold_note": hold.note if hold else None,
        "hold_expires_at": hold.expires_at if hold else None,
        "hold_for_id": hold.for_id if hold else None,
        "hold_for_name": hold.for_name if hold else None,
        "hold_ticket": hold.ticket if hold else None,
        "quarantined_until": number.quarantined_until,
        "updated_at": number.updated_at,
        "last_modified_by": number.last_modified_by,
        "version": number.version,
    }


def event_json(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": event.at,
        "action": event.action,
        "number": event.number,
        "extension": event.extension,
        "operator_id": event.operator_id,
        "operator_name": event.operator_name,
        "holder_id": event.holder_id,
        "before": event.before,
        "after": event.after,
        "detail": event.detail,
        "correlation_id": event.correlation_id,
    }


def change_json(change: Change) -> dict[str, Any]:
    return {
        "category": change.category,
        "kind": change.kind,
        "number": change.number,
        "extension": change.extension,
        "label": change.label,
        "fields": [{"field": name, "old": old, "new": new} for name, old, new in change.fields],
        "note": change.note,
    }


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
