"""A re-import's first look (`leaves_unchanged`): a row it calls unchanged is one the full plan finds
unchanged, so counting it without reading the whole number changes no outcome."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from inventory.csv_format import CsvRow
from inventory.csv_reservations import CsvReservation
from inventory.import_plan import leaves_unchanged, plan_import
from inventory.model import Actor, NumberStatus, NumberType, PhoneNumber
from inventory.ports.repositories import FileFields

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
OLIVIA = Actor("cli:olivia", "olivia")
STORED = PhoneNumber(
    "contoso", "+15551230000", location="Seattle", range_label="SEA-1", carrier="Lumen", pool="Sales",
    tags=("lobby", "front desk"), notes="by the door", emergency_location_id="loc-1", id=7, version=3,
)  # fmt: skip


def _fields(number: PhoneNumber) -> FileFields:
    return FileFields(
        number.number_type.value, number.status.value, number.location, number.range_label, number.carrier,
        number.pool, number.tags, number.notes, number.emergency_location_id,
    )  # fmt: skip


def _row(**cells: object) -> CsvRow:
    given: dict[str, object] = {
        "line": 2, "number": STORED.number, "extension": "", "number_type": None, "status": None,
        "location": None, "range_label": None, "carrier": None, "pool": None, "tags": (), "notes": None,
        "emergency_location_id": None,
    }  # fmt: skip
    return CsvRow(**(given | cells))  # type: ignore[arg-type]


def _plan_finds_unchanged(row: CsvRow, current: PhoneNumber) -> bool:
    plan = plan_import("contoso", [row], {(row.number, row.extension): current}, OLIVIA, NOW, NumberType.DIRECT_ROUTING)
    return plan.unchanged == 1


# Each cell as stored, as something else, and empty; the status and type too.
CELLS: dict[str, list[object]] = {
    "location": [None, "Seattle", "Redmond", ""],
    "pool": [None, "Sales", "sales"],
    "tags": [(), ("lobby", "front desk"), ("front desk", "lobby"), ("lobby",)],
    "notes": [None, "by the door", "by the window"],
    "status": [None, NumberStatus.AVAILABLE, NumberStatus.BLOCKED],
    "number_type": [None, NumberType.DIRECT_ROUTING, NumberType("operatorConnectMobile")],
    "emergency_location_id": [None, "loc-1", "loc-2"],
}


def test_every_row_the_first_look_calls_unchanged_the_full_plan_finds_unchanged() -> None:
    names = list(CELLS)
    called_unchanged = 0
    for values in itertools.product(*(CELLS[name] for name in names)):
        row = _row(**dict(zip(names, values, strict=True)))
        if leaves_unchanged(row, _fields(STORED)):
            called_unchanged += 1
            assert _plan_finds_unchanged(row, STORED), row
    assert called_unchanged > 1  # the first look does spare some rows


def test_a_row_of_the_stored_values_is_unchanged_at_first_look() -> None:
    row = _row(
        location="Seattle", range_label="SEA-1", carrier="Lumen", pool="Sales", tags=("lobby", "front desk"),
        notes="by the door", emergency_location_id="loc-1", status=NumberStatus.AVAILABLE,
        number_type=NumberType.DIRECT_ROUTING,
    )  # fmt: skip
    assert leaves_unchanged(row, _fields(STORED))


def test_a_row_with_a_reservation_is_always_planned_in_full() -> None:
    reservation = CsvReservation("cli:olivia", None, None, None, None, None, None)
    assert not leaves_unchanged(_row(reservation=reservation), _fields(STORED))
