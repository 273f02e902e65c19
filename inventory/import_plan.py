"""What a CSV changes in the inventory, decided before anything is written. Pure: rows and numbers in, a plan out.

A row for a number the inventory lacks adds it; a row for a number it has changes only the cells that are
filled (an empty cell leaves a field as it is) and moves its status only between available and blocked,
through the lifecycle rules. Who holds a number in Teams never comes from a file: that is Teams' truth.
A row may reserve a number (`csv_reservations`): a free one through the same rule as `reserve`; one its
owner already reserved is updated; one anybody else holds is the row's problem, named.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from inventory.csv_format import IMPORTABLE_STATUSES, CsvRow
from inventory.csv_reservations import CsvReservation, owner_problem
from inventory.errors import TransitionRefused
from inventory.model import Actor, Hold, NumberStatus, NumberType, PhoneNumber
from inventory.ports.repositories import FileFields, NewNumber, NumberKey
from inventory.transitions import block, check_reservation_end, hold, unblock

DEFAULT_RESERVATION = timedelta(days=30)  # `Settings.reservation_days`' default

# Fields a CSV row may set on an existing number (status goes through the lifecycle rules instead).
_METADATA_FIELDS = (
    "number_type",
    "location",
    "range_label",
    "carrier",
    "pool",
    "tags",
    "notes",
    "emergency_location_id",
)


@dataclass
class ImportPlan:
    new: list[NewNumber]  # numbers the inventory lacks
    updates: list[tuple[PhoneNumber, PhoneNumber]]
    unchanged: int
    problems: list[str]


def plan_import(
    tenant: str,
    rows: Sequence[CsvRow],
    existing: dict[NumberKey, PhoneNumber],
    actor: Actor,
    now: datetime,
    default_type: NumberType,
    reservation_length: timedelta = DEFAULT_RESERVATION,
) -> ImportPlan:
    """The plan for `rows` (one chunk of a file or all of it) against the numbers of them the inventory has."""
    plan = ImportPlan(new=[], updates=[], unchanged=0, problems=[])
    for row in rows:
        current = existing.get((row.number, row.extension))
        try:
            if current is None:
                plan.new.append(_new_number(tenant, row, default_type, actor, now, reservation_length))
                continue
            updated = _apply_row(current, row, actor, now, reservation_length)
        except TransitionRefused as refused:
            plan.problems.append(f"line {row.line}: {refused}")
            continue
        if updated is None:
            plan.unchanged += 1
        else:
            plan.updates.append((current, updated))
    return plan


def _new_number(
    tenant: str, row: CsvRow, default_type: NumberType, actor: Actor, now: datetime, length: timedelta
) -> NewNumber:
    if row.reservation is None and row.status is not None and row.status not in IMPORTABLE_STATUSES:
        raise TransitionRefused(status_not_importable(row.status))
    reserved = _new_hold(row.reservation, actor, now, length) if row.reservation else None
    return NewNumber(
        tenant,
        row.number,
        row.number_type or default_type,
        extension=row.extension,
        status=NumberStatus.RESERVED if reserved else row.status or NumberStatus.AVAILABLE,
        location=row.location,
        range_label=row.range_label,
        carrier=row.carrier,
        pool=row.pool,
        tags=row.tags,
        notes=row.notes,
        emergency_location_id=row.emergency_location_id,
        hold=reserved,
    )


def leaves_unchanged(row: CsvRow, stored: FileFields) -> bool:
    """True when `row` surely changes nothing on the number stored as `stored` (`_apply_row` would answer
    None): no reservation, the status it names is the number's, every filled cell as stored. False means
    only "look closer": the caller reads the whole number and plans the row as usual."""
    if row.reservation is not None:
        return False
    if row.status is not None and row.status.value != stored.status:
        return False
    if row.number_type is not None and row.number_type.value != stored.number_type:
        return False
    return (
        (row.location is None or row.location == stored.location)
        and (row.range_label is None or row.range_label == stored.range_label)
        and (row.carrier is None or row.carrier == stored.carrier)
        and (row.pool is None or row.pool == stored.pool)
        and (not row.tags or row.tags == stored.tags)
        and (row.notes is None or row.notes == stored.notes)
        and (row.emergency_location_id is None or row.emergency_location_id == stored.emergency_location_id)
    )


def _apply_row(current: PhoneNumber, row: CsvRow, actor: Actor, now: datetime, length: timedelta) -> PhoneNumber | None:
    """The number as the row wants it, or None when the row changes nothing.

    Empty cells leave a field as it is: a carrier sheet without a `pool` column must not wipe pools.
    """
    changes = {
        name: getattr(row, name)
        for name in _METADATA_FIELDS
        if getattr(row, name) not in (None, ()) and getattr(row, name) != getattr(current, name)
    }
    updated = current
    if row.reservation is not None:
        updated = _reserve(current, row.reservation, actor, now, length)
    elif row.status is not None and row.status is not current.status:
        if row.status not in IMPORTABLE_STATUSES:
            raise TransitionRefused(status_not_importable(row.status))
        transition = block if row.status is NumberStatus.BLOCKED else unblock
        updated = transition(updated, operator=actor.name, now=now)
    if changes:
        updated = dataclasses.replace(updated, updated_at=now, last_modified_by=actor.name, **changes)
    return None if updated is current else updated


def _reserve(
    current: PhoneNumber, wanted: CsvReservation, actor: Actor, now: datetime, length: timedelta
) -> PhoneNumber:
    """`current` reserved as the row says: its owner's reservation updated with the cells given, or a free
    number reserved; a number anyone else holds (or Teams has) is refused with the lifecycle's reason."""
    held = current.hold
    if current.status is NumberStatus.RESERVED and held is not None and held.owner == (wanted.owner or actor.id):
        merged = dataclasses.replace(
            held,
            owner_name=wanted.owner_name or held.owner_name,
            for_id=wanted.for_id or held.for_id,
            for_name=wanted.for_name or held.for_name,
            note=wanted.note or held.note,
            ticket=wanted.ticket or held.ticket,
            expires_at=wanted.until or held.expires_at,
        )
        if merged == held:
            return current
        if merged.expires_at != held.expires_at:
            check_reservation_end(merged.expires_at, now)
            merged = dataclasses.replace(merged, warned_at=None)  # a new end earns a new "ends soon" note
        return current.touched(actor.name, now, hold=merged)
    return hold(current, _new_hold(wanted, actor, now, length), operator=actor.name, now=now)


def _new_hold(wanted: CsvReservation, actor: Actor, now: datetime, length: timedelta) -> Hold:
    owner = wanted.owner or actor.id
    problem = owner_problem(owner)
    if problem:
        raise TransitionRefused(problem)
    end = wanted.until or now + length
    check_reservation_end(end, now)
    return Hold(
        owner=owner,
        note=wanted.note or "",
        expires_at=end,
        owner_name=wanted.owner_name or (actor.name if owner == actor.id else None),
        for_id=wanted.for_id,
        for_name=wanted.for_name,
        ticket=wanted.ticket,
    )


def status_not_importable(status: NumberStatus) -> str:
    return (
        f"status '{status.value}' cannot be set from a file: who holds a number comes from Teams (run a sync); "
        "a file may set available, blocked or reserved."
    )
