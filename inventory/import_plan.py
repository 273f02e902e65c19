"""What a CSV changes in the inventory, decided before anything is written. Pure: rows and numbers in, a plan out.

A row for a number the inventory lacks adds it; a row for a number it has changes only the cells that are
filled (an empty cell leaves a field as it is) and moves its status only between available and blocked,
through the lifecycle rules. Who holds a number never comes from a file: that is Teams' truth.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from inventory.csv_format import IMPORTABLE_STATUSES, CsvRow
from inventory.errors import TransitionRefused
from inventory.model import Actor, NumberStatus, NumberType, PhoneNumber
from inventory.ports.repositories import NewNumber, NumberKey
from inventory.transitions import block, unblock

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
) -> ImportPlan:
    plan = ImportPlan(new=[], updates=[], unchanged=0, problems=[])
    for row in rows:
        current = existing.get((row.number, row.extension))
        if current is None:
            if row.status is not None and row.status not in IMPORTABLE_STATUSES:
                plan.problems.append(f"line {row.line}: {status_not_importable(row.status)}")
            else:
                plan.new.append(_new_number(tenant, row, default_type))
            continue
        try:
            updated = _apply_row(current, row, actor, now)
        except TransitionRefused as refused:
            plan.problems.append(f"line {row.line}: {refused}")
            continue
        if updated is None:
            plan.unchanged += 1
        else:
            plan.updates.append((current, updated))
    return plan


def _new_number(tenant: str, row: CsvRow, default_type: NumberType) -> NewNumber:
    return NewNumber(
        tenant,
        row.number,
        row.number_type or default_type,
        extension=row.extension,
        status=row.status or NumberStatus.AVAILABLE,
        location=row.location,
        range_label=row.range_label,
        carrier=row.carrier,
        pool=row.pool,
        tags=row.tags,
        notes=row.notes,
        emergency_location_id=row.emergency_location_id,
    )


def _apply_row(current: PhoneNumber, row: CsvRow, actor: Actor, now: datetime) -> PhoneNumber | None:
    """The number as the row wants it, or None when the row changes nothing.

    Empty cells leave a field as it is: a carrier sheet without a `pool` column must not wipe pools.
    """
    changes = {
        name: getattr(row, name)
        for name in _METADATA_FIELDS
        if getattr(row, name) not in (None, ()) and getattr(row, name) != getattr(current, name)
    }
    updated = current
    if row.status is not None and row.status is not current.status:
        if row.status not in IMPORTABLE_STATUSES:
            raise TransitionRefused(status_not_importable(row.status))
        transition = block if row.status is NumberStatus.BLOCKED else unblock
        updated = transition(updated, operator=actor.name, now=now)
    if changes:
        updated = dataclasses.replace(updated, updated_at=now, last_modified_by=actor.name, **changes)
    return None if updated is current else updated


def status_not_importable(status: NumberStatus) -> str:
    return (
        f"status '{status.value}' cannot be set from a file: who holds a number comes from Teams (run a sync) "
        "and reservations are made in the bot."
    )
