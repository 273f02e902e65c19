"""Mapping between `PhoneNumber` values and `phone_numbers` rows, and the JSON the audit keeps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from inventory.model import AccountType, Assignee, Hold, NumberStatus, NumberType, PhoneNumber, activation_state_of
from inventory.store.tables import phone_numbers


def tags_column(tags: tuple[str, ...]) -> str:
    return "," + ",".join(tags) + "," if tags else ""


def tags_of(column: str | None) -> tuple[str, ...]:
    """The tags a `tags_column` text holds."""
    return tuple(tag for tag in (column or "").split(",") if tag)


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
    tags = tags_of(row["tags"])
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


# Where each column sits in a row of `select(phone_numbers)` (the table's own order).
_AT = {column.name: index for index, column in enumerate(phone_numbers.columns)}
_ID, _TENANT, _NUMBER, _EXTENSION = _AT["id"], _AT["tenant"], _AT["number"], _AT["extension"]
_NUMBER_TYPE, _STATUS, _ASSIGNEE_ID = _AT["number_type"], _AT["status"], _AT["assignee_id"]
_ASSIGNEE_UPN, _ASSIGNEE_NAME, _ASSIGNEE_TYPE = _AT["assignee_upn"], _AT["assignee_name"], _AT["assignee_type"]
_ASSIGNEE_ASSIGNMENT, _VOICE_ROUTING_POLICY = _AT["assignee_assignment"], _AT["voice_routing_policy"]
_EMERGENCY_LOCATION_ID, _ACTIVATION_STATE = _AT["emergency_location_id"], _AT["activation_state"]
_LOCATION, _RANGE_LABEL, _CARRIER, _POOL = _AT["location"], _AT["range_label"], _AT["carrier"], _AT["pool"]
_TAGS, _NOTES, _HOLD_OWNER, _HOLD_NOTE = _AT["tags"], _AT["notes"], _AT["hold_owner"], _AT["hold_note"]
_HOLD_EXPIRES_AT, _HOLD_OWNER_NAME = _AT["hold_expires_at"], _AT["hold_owner_name"]
_HOLD_FOR_ID, _HOLD_FOR_NAME, _HOLD_TICKET = _AT["hold_for_id"], _AT["hold_for_name"], _AT["hold_ticket"]
_HOLD_WARNED_AT, _QUARANTINED_UNTIL = _AT["hold_warned_at"], _AT["quarantined_until"]
_CREATED_AT, _UPDATED_AT, _CREATED_BY = _AT["created_at"], _AT["updated_at"], _AT["created_by"]
_LAST_MODIFIED_BY, _VERSION = _AT["last_modified_by"], _AT["version"]

# Enum construction by value is slow (a search page builds 26 numbers); a dict lookup is not. A value
# missing here (an unlisted numberType Teams added) still goes through the constructor.
_STATUSES = {status.value: status for status in NumberStatus}
_NUMBER_TYPES = {number_type.value: number_type for number_type in NumberType}
_ACCOUNT_TYPES = {account_type.value: account_type for account_type in AccountType}


def from_table_row(row: Sequence[Any]) -> PhoneNumber:
    """`from_row` of a row of `select(phone_numbers)`, read by position: the search page's hot path,
    where the mapping lookups and enum constructors were half the CPU. A test keeps the two equal."""
    assignee = None
    if row[_ASSIGNEE_ID]:
        kind = row[_ASSIGNEE_TYPE] or AccountType.USER.value
        assignee = Assignee(
            id=row[_ASSIGNEE_ID],
            upn=row[_ASSIGNEE_UPN],
            display_name=row[_ASSIGNEE_NAME],
            account_type=_ACCOUNT_TYPES.get(kind) or AccountType(kind),
            teams_assignment=row[_ASSIGNEE_ASSIGNMENT],
        )
    held = None
    if row[_HOLD_OWNER]:
        held = Hold(
            owner=row[_HOLD_OWNER],
            note=row[_HOLD_NOTE] or "",
            expires_at=row[_HOLD_EXPIRES_AT],
            owner_name=row[_HOLD_OWNER_NAME],
            for_id=row[_HOLD_FOR_ID],
            for_name=row[_HOLD_FOR_NAME],
            ticket=row[_HOLD_TICKET],
            warned_at=row[_HOLD_WARNED_AT],
        )
    tags_text = row[_TAGS]
    number_type, status = row[_NUMBER_TYPE], row[_STATUS]
    return PhoneNumber(
        id=row[_ID],
        tenant=row[_TENANT],
        number=row[_NUMBER],
        extension=row[_EXTENSION] or "",
        number_type=_NUMBER_TYPES.get(number_type) or NumberType(number_type),
        status=_STATUSES.get(status) or NumberStatus(status),
        assignee=assignee,
        voice_routing_policy=row[_VOICE_ROUTING_POLICY],
        emergency_location_id=row[_EMERGENCY_LOCATION_ID],
        activation_state=activation_state_of(row[_ACTIVATION_STATE]),
        location=row[_LOCATION],
        range_label=row[_RANGE_LABEL],
        carrier=row[_CARRIER],
        pool=row[_POOL],
        tags=tags_of(tags_text),
        notes=row[_NOTES],
        hold=held,
        quarantined_until=row[_QUARANTINED_UNTIL],
        created_at=row[_CREATED_AT],
        updated_at=row[_UPDATED_AT],
        created_by=row[_CREATED_BY],
        last_modified_by=row[_LAST_MODIFIED_BY],
        version=row[_VERSION],
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
