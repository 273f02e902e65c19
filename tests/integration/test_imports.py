"""CSV and range imports: all or nothing, idempotent, every bad line named."""

from __future__ import annotations

import io

import pytest

from inventory.csv_format import CHUNK
from inventory.e164 import parse_range
from inventory.errors import ImportRejected
from inventory.model import Actor, NumberStatus, NumberType
from inventory.number_query import NumberQuery
from inventory.services.exports import export_csv
from inventory.services.holds import reserve_number
from inventory.services.imports import import_csv, import_range
from inventory.store.engine import Store
from tests.support.clock import FakeClock

OLIVIA = Actor("cli:olivia", "olivia")
GOOD_CSV = (
    "number,location,carrier,pool,range,tags\n"
    "+15551230000,Seattle,Contoso Telecom,Sales,SEA-1,front desk|lobby\n"
    "15551230001,Seattle,Contoso Telecom,Sales,SEA-1,\n"
    "tel:+15551230002;ext=12,Seattle,Contoso Telecom,,SEA-1,\n"
)


async def count(store: Store) -> int:
    async with store.read() as uow:
        return await uow.numbers.count(NumberQuery(tenant="contoso"))


async def test_a_good_file_is_imported_with_its_metadata(store: Store, clock: FakeClock) -> None:
    report = await import_csv(store, "contoso", GOOD_CSV, actor=OLIVIA, clock=clock)
    assert (report.added, report.updated, report.unchanged) == (3, 0, 0)
    async with store.read() as uow:
        number = await uow.numbers.get("contoso", "+15551230000")
        with_extension = await uow.numbers.get("contoso", "+15551230002", "12")
    assert number is not None
    assert with_extension is not None
    assert number.status is NumberStatus.AVAILABLE
    assert number.number_type is NumberType.DIRECT_ROUTING
    assert (number.location, number.carrier, number.pool, number.range_label) == (
        "Seattle",
        "Contoso Telecom",
        "Sales",
        "SEA-1",
    )
    assert number.tags == ("front desk", "lobby")
    assert number.created_by == "olivia"


async def test_reimporting_the_same_file_changes_nothing_and_says_so(store: Store, clock: FakeClock) -> None:
    await import_csv(store, "contoso", GOOD_CSV, actor=OLIVIA, clock=clock)
    again = await import_csv(store, "contoso", GOOD_CSV, actor=OLIVIA, clock=clock)
    assert not again.changed
    assert again.summary() == "Nothing changed: all 3 numbers are already in the inventory as given."
    async with store.read() as uow:
        events = await uow.audit.history("contoso", number="+15551230000")
    assert [e.action for e in events] == ["import"]


async def test_a_changed_row_updates_only_what_it_gives(store: Store, clock: FakeClock) -> None:
    await import_csv(store, "contoso", GOOD_CSV, actor=OLIVIA, clock=clock)
    report = await import_csv(store, "contoso", "number,location\n+15551230000,Redmond\n", actor=OLIVIA, clock=clock)
    assert (report.added, report.updated) == (0, 1)
    async with store.read() as uow:
        number = await uow.numbers.get("contoso", "+15551230000")
    assert number is not None
    assert (number.location, number.carrier) == ("Redmond", "Contoso Telecom")


async def test_one_bad_line_rejects_the_whole_file_and_names_every_bad_line(store: Store, clock: FakeClock) -> None:
    content = "number,location\n+15551230000,Seattle\nbanana,Seattle\n+1555,Seattle\n+15551230000,Seattle\n"
    with pytest.raises(ImportRejected, match="3 lines are invalid, so nothing was imported") as rejected:
        await import_csv(store, "contoso", content, actor=OLIVIA, clock=clock)
    problems = rejected.value.problems
    assert problems[0].startswith("line 3: 'banana' is not a phone number")
    assert problems[1].startswith("line 4: '+1555' has the wrong number of digits")
    assert problems[2] == "line 5: +15551230000 repeats line 2."
    assert await count(store) == 0


async def test_skip_invalid_imports_the_good_lines_and_lists_the_skipped(store: Store, clock: FakeClock) -> None:
    content = "number;location\n+15551230000;Seattle\nbanana;Seattle\n+15551230001;Seattle\n"
    report = await import_csv(store, "contoso", content, actor=OLIVIA, clock=clock, skip_invalid=True)
    assert report.added == 2
    assert report.skipped == [
        "line 3: 'banana' is not a phone number I can read; write it in E.164 form, for example +15551234567."
    ]
    assert await count(store) == 2


async def test_a_status_that_breaks_the_lifecycle_rejects_the_file(store: Store, clock: FakeClock) -> None:
    await import_csv(store, "contoso", GOOD_CSV, actor=OLIVIA, clock=clock)
    await reserve_number(
        store, "contoso", "+15551230001", owner="flow-1", note="", minutes=10, actor=OLIVIA, clock=clock
    )
    content = "number,status\n+15551230000,blocked\n+15551230001,available\n+15551230009,used\n"
    with pytest.raises(ImportRejected) as rejected:
        await import_csv(store, "contoso", content, actor=OLIVIA, clock=clock)
    assert rejected.value.problems == [
        "line 3: +1 555 123 0001 is reserved, not blocked.",
        "line 4: status 'used' cannot be set from a file: who holds a number comes from Teams (run a sync); "
        "a file may set available, blocked or reserved.",
    ]
    async with store.read() as uow:
        untouched = await uow.numbers.get("contoso", "+15551230000")
    assert untouched is not None
    assert untouched.status is NumberStatus.AVAILABLE


async def test_a_range_import_adds_only_the_missing_numbers(store: Store, clock: FakeClock) -> None:
    await import_csv(store, "contoso", GOOD_CSV, actor=OLIVIA, clock=clock)
    report = await import_range(
        store,
        "contoso",
        parse_range("+15551230000-+15551230099"),
        actor=OLIVIA,
        clock=clock,
        location="Seattle",
        carrier="Fabrikam",
        pool="Support",
    )
    assert (report.added, report.unchanged) == (98, 2)
    again = await import_range(store, "contoso", parse_range("+15551230000-+15551230099"), actor=OLIVIA, clock=clock)
    assert (again.added, again.unchanged) == (0, 100)
    assert await count(store) == 101  # + the extension number from the CSV


async def test_an_export_reimports_as_unchanged(store: Store, clock: FakeClock) -> None:
    await import_csv(store, "contoso", GOOD_CSV, actor=OLIVIA, clock=clock)
    await reserve_number(
        store, "contoso", "+15551230001", owner="flow-1", note="", minutes=10, actor=OLIVIA, clock=clock
    )
    out = io.StringIO()
    assert await export_csv(store, "contoso", out) == 3
    report = await import_csv(store, "contoso", out.getvalue(), actor=OLIVIA, clock=clock)
    assert not report.changed
    assert report.unchanged == 3


async def test_tenants_are_kept_apart(store: Store, clock: FakeClock) -> None:
    await import_csv(store, "contoso", GOOD_CSV, actor=OLIVIA, clock=clock)
    report = await import_csv(store, "fabrikam", GOOD_CSV, actor=OLIVIA, clock=clock)
    assert report.added == 3
    async with store.read() as uow:
        assert await uow.numbers.count(NumberQuery(tenant="fabrikam")) == 3


async def test_a_bad_line_after_the_first_chunk_leaves_nothing_of_the_chunks_before_it(
    store: Store, clock: FakeClock
) -> None:
    lines = ["number"] + [f"+1555{i:07d}" for i in range(CHUNK + 10)] + ["+1 555 bad"]
    with pytest.raises(ImportRejected) as rejected:
        await import_csv(store, "contoso", "\n".join(lines) + "\n", actor=OLIVIA, clock=clock)
    assert rejected.value.problems == [
        f"line {CHUNK + 12}: '+1 555 bad' has the wrong number of digits for country code +1."
    ]
    assert await count(store) == 0
    async with store.read() as uow:
        assert await uow.audit.history("contoso", number="+15550000000") == []


async def test_a_reimport_that_changes_some_rows_updates_those_and_counts_the_rest_unchanged(
    store: Store, clock: FakeClock
) -> None:
    await import_csv(store, "contoso", GOOD_CSV, actor=OLIVIA, clock=clock)
    changed = GOOD_CSV.replace("15551230001,Seattle", "15551230001,Redmond") + "+15551230003,Dublin,,,,\n"
    report = await import_csv(store, "contoso", changed, actor=OLIVIA, clock=clock)
    assert (report.added, report.updated, report.unchanged) == (1, 1, 2)
    async with store.read() as uow:
        moved = await uow.numbers.get("contoso", "+15551230001")
        events = await uow.audit.history("contoso", number="+15551230000")
    assert moved is not None
    assert moved.location == "Redmond"
    assert [e.action for e in events] == ["import"]


async def test_the_fields_a_reimport_looks_at_first_are_those_of_the_whole_number(
    store: Store, clock: FakeClock
) -> None:
    await import_csv(store, "contoso", GOOD_CSV, actor=OLIVIA, clock=clock)
    keys = [("+15551230000", ""), ("+15551230001", ""), ("+15551230002", "12"), ("+15551239999", "")]
    async with store.read() as uow:
        fields = await uow.numbers.file_fields("contoso", keys)
        whole = await uow.numbers.get_many("contoso", keys)
    assert set(fields) == set(whole) == set(keys[:3])
    for key, number in whole.items():
        seen = fields[key]
        assert (seen.number_type, seen.status) == (number.number_type.value, number.status.value)
        assert (seen.location, seen.range_label, seen.carrier, seen.pool, seen.tags) == (
            number.location, number.range_label, number.carrier, number.pool, number.tags,
        )  # fmt: skip
        assert (seen.notes, seen.emergency_location_id) == (number.notes, number.emergency_location_id)
