"""Mapping between `PhoneNumber` values and `phone_numbers` rows, and the JSON the audit keeps."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from inventory.model import AccountType, Assignee, Hold, NumberStatus, NumberType, PhoneNumber, activation_state_of


def tags_column(tags: tuple[str, ...]) -> str:
    return "," + ",".join(tags) + "," if tags else ""


def search_text(number: PhoneNumber) -> str:
    """The lower-cased text that free-text search matches (holder, location, range, carrier, pool, tags)."""
    holder = number.assignee
    return search_text_of(
        holder.display_name if holder else None,
        holder.upn if holder else None,
        number.location,
        number.range_label,
        number.carrier,
        number.pool,
        *number.tags,
    )


def holder_text_of(name: str | None, upn: str | None) -> str | None:
    return search_text_of(name, upn) or None


def search_text_of(*parts: str | None) -> str:
    return " | ".join(part for part in parts if part).lower()[:1200]


def to_row(number: PhoneNumber) -> dict[str, Any]:
    """Column values for an INSERT or UPDATE (without `id`)."""
    assignee, held = number.assignee, number.hold
    return {
        "tenant": number.tenant,
        "number": number.number,
        "extension": number.extension,
        "number_type": number.number_type.value,
        "status": number.status.value,
        "assignee_id": assignee.id if assignee else None,
        "assignee_upn": assignee.upn if assignee else None,
        "assignee_name": assignee.display_name if assignee else None,
        "assignee_type": assignee.account_type.value if assignee else None,
        "assignee_assignment": assignee.teams_assignment if assignee else None,
        "voice_routing_policy": number.voice_routing_policy,
        "emergency_location_id": number.emergency_location_id,
        "activation_state": number.activation_state.value if number.activation_state else None,
        "location": number.location,
        "range_label": number.range_label,
        "carrier": number.carrier,
        "pool": number.pool,
        "tags": tags_column(number.tags),
        "notes": number.notes,
        "search_text": search_text(number),
        "holder_text": holder_text_of(assignee.display_name, assignee.upn) if assignee else None,
        "hold_owner": held.owner if held else None,
        "hold_note": held.note if held else None,
        "hold_expires_at": held.expires_at if held else None,
        "hold_owner_name": held.owner_name if held else None,
        "hold_for_id": held.for_id if held else None,
        "hold_for_name": held.for_name if held else None,
        "hold_ticket": held.ticket if held else None,
        "hold_warned_at": held.warned_at if held else None,
        "quarantined_until": number.quarantined_until,
        "created_at": number.created_at,
        "updated_at": number.updated_at,
        "created_by": number.created_by,
        "last_modified_by": number.last_modified_by,
        "version": number.version,
    }


def new_number_row(
    tenant: str,
    number: str,
    *,
    number_type: NumberType,
    operator: str,
    now: datetime,
    extension: str = "",
    status: NumberStatus = NumberStatus.AVAILABLE,
    location: str | None = None,
    range_label: str | None = None,
    carrier: str | None = None,
    pool: str | None = None,
    tags: tuple[str, ...] = (),
    notes: str | None = None,
    emergency_location_id: str | None = None,
    hold: Hold | None = None,
) -> dict[str, Any]:
    """`to_row` of a number Teams has nobody on yet (a file may reserve it), built without the PhoneNumber
    in between: imports make 100,000 of these, and the detour cost a second. A test keeps the two equal."""
    return {
        "tenant": tenant,
        "number": number,
        "extension": extension,
        "number_type": number_type.value,
        "status": status.value,
        "assignee_id": None,
        "assignee_upn": None,
        "assignee_name": None,
        "assignee_type": None,
        "assignee_assignment": None,
        "voice_routing_policy": None,
        "emergency_location_id": emergency_location_id,
        "activation_state": None,
        "location": location,
        "range_label": range_label,
        "carrier": carrier,
        "pool": pool,
        "tags": tags_column(tags),
        "notes": notes,
        "search_text": search_text_of(location, range_label, carrier, pool, *tags),
        "holder_text": None,
        "hold_owner": hold.owner if hold else None,
        "hold_note": hold.note if hold else None,
        "hold_expires_at": hold.expires_at if hold else None,
        "hold_owner_name": hold.owner_name if hold else None,
        "hold_for_id": hold.for_id if hold else None,
        "hold_for_name": hold.for_name if hold else None,
        "hold_ticket": hold.ticket if hold else None,
        "hold_warned_at": None,
        "quarantined_until": None,
        "created_at": now,
        "updated_at": now,
        "created_by": operator,
        "last_modified_by": operator,
        "version": 1,
    }


def from_row(row: Mapping[Any, Any]) -> PhoneNumber:
    assignee = None
    if row["assignee_id"]:
        assignee = Assignee(
            id=row["assignee_id"],
            upn=row["assignee_upn"],
            display_name=row["assignee_name"],
            account_type=AccountType(row["assignee_type"] or AccountType.USER.value),
            teams_assignment=row["assignee_assignment"],
        )
    held = None
    if row["hold_owner"]:
        held = Hold(
            owner=row["hold_owner"],
            note=row["hold_note"] or "",
            expires_at=row["hold_expires_at"],
            owner_name=row["hold_owner_name"],
            for_id=row["hold_for_id"],
            for_name=row["hold_for_name"],
            ticket=row["hold_ticket"],
            warned_at=row["hold_warned_at"],
        )
    tags = tuple(tag for tag in (row["tags"] or "").split(",") if tag)
    return PhoneNumber(
        id=row["id"],
        tenant=row["tenant"],
        number=row["number"],
        extension=row["extension"] or "",
        number_type=NumberType(row["number_type"]),
        status=NumberStatus(row["status"]),
        assignee=assignee,
        voice_routing_policy=row["voice_routing_policy"],
        emergency_location_id=row["emergency_location_id"],
        activation_state=activation_state_of(row["activation_state"]),
        location=row["location"],
        range_label=row["range_label"],
        carrier=row["carrier"],
        pool=row["pool"],
        tags=tags,
        notes=row["notes"],
        hold=held,
        quarantined_until=row["quarantined_until"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        created_by=row["created_by"],
        last_modified_by=row["last_modified_by"],
        version=row["version"],
    )


def snapshot(number: PhoneNumber | None) -> dict[str, Any] | None:
    """What the audit keeps of a number: every field an operator may ask about later, JSON-ready."""
    return None if number is None else snapshot_of_row(to_row(number))


# The event's own `at` says when; search_text and holder_text are derived; created_* never change after the add.
_NOT_AUDITED = frozenset({"tenant", "search_text", "holder_text", "created_at", "created_by", "updated_at"})
_TIMESTAMPS = ("hold_expires_at", "hold_warned_at", "quarantined_until")


# What `new_number_row` may fill, in `to_row`'s order: the rest of a new row is always empty.
_NEW_ROW_FIELDS = (
    "number",
    "extension",
    "number_type",
    "status",
    "emergency_location_id",
    "location",
    "range_label",
    "carrier",
    "pool",
    "tags",
    "notes",
)
_NEW_ROW_HOLD = (
    "hold_owner",
    "hold_note",
    "hold_expires_at",
    "hold_owner_name",
    "hold_for_id",
    "hold_for_name",
    "hold_ticket",
)


def snapshot_of_new_row(row: dict[str, Any]) -> dict[str, Any]:
    """`snapshot_of_row` of a `new_number_row`, reading only the fields such a row can fill: an import of
    a million numbers builds a million of these. A test keeps the two equal."""
    compact = {key: value for key in _NEW_ROW_FIELDS if (value := row[key]) is not None and value != ""}
    if row["hold_owner"] is not None:
        for key in _NEW_ROW_HOLD:
            value = row[key]
            if value is not None and value != "":
                compact[key] = value.isoformat() if key == "hold_expires_at" else value
    if row["last_modified_by"]:
        compact["last_modified_by"] = row["last_modified_by"]
    compact["version"] = row["version"]
    return compact


def snapshot_of_row(row: dict[str, Any]) -> dict[str, Any]:
    """`snapshot` from a row `to_row` already built (bulk paths build each row once)."""
    compact = {
        key: value for key, value in row.items() if value is not None and value != "" and key not in _NOT_AUDITED
    }
    for key in _TIMESTAMPS:
        if key in compact:
            compact[key] = compact[key].isoformat()
    return compact
