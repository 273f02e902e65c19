"""Reservations in a CSV: an export's hold columns read back, a file reserves numbers, with the rules of
`reserve` and a named reason for every row it cannot honour."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from inventory.errors import ImportRejected
from inventory.model import Actor, NumberStatus, PhoneNumber
from inventory.services.exports import export_csv
from inventory.services.holds import reserve_number
from inventory.services.imports import import_csv
from inventory.store.engine import Store
from tests.support.clock import FakeClock

OLIVIA = Actor("cli:olivia", "olivia")
ADELE_ID = "4f0c5c2e-8d0a-4b4e-9a55-3e0f2a6b7c10"
HEADER = "number,status,hold_for_id,hold_for_name,hold_expires_at,hold_note,hold_ticket\n"


async def _number(store: Store, number: str) -> PhoneNumber:
    async with store.read() as uow:
        found = await uow.numbers.get("contoso", number)
    assert found is not None
    return found


async def test_a_file_reserves_a_new_and_a_free_number_for_the_operator_who_imports_it(
    store: Store, clock: FakeClock
) -> None:
    await import_csv(store, "contoso", "number,pool\n+15551230001,Sales\n", actor=OLIVIA, clock=clock)
    content = HEADER + (
        f"+15551230000,reserved,{ADELE_ID},Adele Vance,2026-12-01,desk move,CHG-42\n"
        "+15551230001,reserved,,,,new starter,\n"
    )
    report = await import_csv(store, "contoso", content, actor=OLIVIA, clock=clock, skip_invalid=False)
    assert (report.added, report.updated) == (1, 1)
    new, free = await _number(store, "+15551230000"), await _number(store, "+15551230001")
    assert new.status is NumberStatus.RESERVED
    assert free.status is NumberStatus.RESERVED
    assert new.hold is not None
    assert free.hold is not None
    assert (new.hold.owner, new.hold.owner_name, new.hold.for_id, new.hold.for_name) == (
        "cli:olivia",
        "olivia",
        ADELE_ID,
        "Adele Vance",
    )
    assert (new.hold.note, new.hold.ticket) == ("desk move", "CHG-42")
    assert new.hold.expires_at == datetime(2026, 12, 1, 23, 59, tzinfo=UTC)
    assert free.hold.expires_at == datetime(2026, 12, 24, 9, 0, tzinfo=UTC)  # the default: 30 days from now
    assert free.pool == "Sales"
    async with store.read() as uow:
        [event] = await uow.audit.history("contoso", number="+15551230000")
    assert (event.action, event.operator_id) == ("import", "cli:olivia")
    assert event.after is not None
    assert event.after["hold_for_name"] == "Adele Vance"


async def test_an_export_with_reservations_reads_back_as_unchanged(store: Store, clock: FakeClock) -> None:
    content = HEADER + f"+15551230000,reserved,{ADELE_ID},Adele Vance,2026-12-01T17:30:00+00:00,desk move,CHG-42\n"
    await import_csv(store, "contoso", content, actor=OLIVIA, clock=clock)
    out = io.StringIO()
    await export_csv(store, "contoso", out)
    header, row = out.getvalue().splitlines()
    exported = dict(zip(header.split(","), row.split(","), strict=True))
    assert (exported["status"], exported["hold_owner"], exported["hold_for_id"]) == ("reserved", "cli:olivia", ADELE_ID)
    assert (exported["hold_ticket"], exported["hold_note"]) == ("CHG-42", "desk move")
    again = await import_csv(store, "contoso", out.getvalue(), actor=Actor("cli:bob", "bob"), clock=clock)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1)


async def test_the_owner_moves_a_reservations_end_from_a_file_and_hears_about_the_new_end_again(
    store: Store, clock: FakeClock
) -> None:
    await import_csv(
        store, "contoso", HEADER + "+15551230000,reserved,,,2026-12-01,desk move,\n", actor=OLIVIA, clock=clock
    )
    moved = await import_csv(
        store,
        "contoso",
        "number,hold_owner,until,ticket\n+15551230000,cli:olivia,2026-12-20,CHG-7\n",
        actor=OLIVIA,
        clock=clock,
    )
    assert (moved.updated, moved.unchanged) == (1, 0)
    number = await _number(store, "+15551230000")
    assert number.hold is not None
    assert (number.hold.expires_at, number.hold.ticket, number.hold.note) == (
        datetime(2026, 12, 20, 23, 59, tzinfo=UTC),
        "CHG-7",
        "desk move",
    )
    assert number.hold.warned_at is None


async def test_rows_a_reservation_cannot_honour_are_named_and_nothing_is_written(
    store: Store, clock: FakeClock
) -> None:
    await import_csv(store, "contoso", "number\n+15551230000\n+15551230001\n", actor=OLIVIA, clock=clock)
    await reserve_number(
        store, "contoso", "+15551230001", owner="flow-1", note="picker", minutes=10, actor=OLIVIA, clock=clock
    )
    content = (
        "number,status,hold_owner,hold_expires_at\n"
        "+15551230000,reserved,,2026-01-01\n"
        "+15551230001,reserved,cli:olivia,\n"
        "+15551230002,reserved,bob,\n"
        "+15551230003,blocked,cli:olivia,\n"
        "+15551230004,reserved,,soon\n"
        "+15551230005,reserved,,2028-01-01\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        await import_csv(store, "contoso", content, actor=OLIVIA, clock=clock)
    assert rejected.value.problems == [
        "line 5: a reservation (the hold_* columns) needs status 'reserved' or an empty status, not 'blocked'.",
        "line 6: hold_expires_at 'soon' is not a date; write it as 2027-01-31 or 2027-01-31T17:00:00+00:00.",
        "line 2: 2026-01-01 23:59 UTC is in the past; choose a later end.",
        "line 3: +1 555 123 0001 is reserved by picker until 2026-11-24 09:10 UTC; cancel the reservation first, "
        "then reserve it.",
        "line 4: hold_owner 'bob' is not an operator: give their Entra object id (a GUID) or cli:LOGIN.",
        "line 7: A reservation may last 366 days at most; choose an earlier end.",
    ]
    assert (await _number(store, "+15551230000")).status is NumberStatus.AVAILABLE
    async with store.read() as uow:
        assert await uow.numbers.get("contoso", "+15551230005") is None


async def test_a_card_flows_short_hold_in_an_export_is_not_a_reservation_to_import(
    store: Store, clock: FakeClock
) -> None:
    content = "number,status,hold_owner,hold_expires_at\n+15551230000,reserved,flow:1234,2026-11-24T09:10:00+00:00\n"
    report = await import_csv(store, "contoso", content, actor=OLIVIA, clock=clock)
    assert report.added == 1
    assert (await _number(store, "+15551230000")).status is NumberStatus.AVAILABLE
