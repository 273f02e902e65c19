"""The audit of added numbers that the database writes from the rows themselves (`add_audit`): the same
event, snapshot and operator the Python path wrote, so `history NUMBER` still says who imported it."""

from __future__ import annotations

from sqlalchemy import text

from inventory.model import Actor
from inventory.services.imports import import_csv
from inventory.store.add_audit import unreserved_adds_audit
from inventory.store.audit_repository import audit_row
from inventory.store.engine import Store
from inventory.store.number_rows import snapshot
from tests.support.clock import FakeClock

OLIVIA = Actor("cli:olivia", "olivia")
FILE = (
    "number,location,carrier,pool,range,tags,notes\n"
    "+15551230000,Seattle,Contoso Telecom,Sales,SEA-1,front desk|lobby,by the door\n"
    "+15551230001,,,,,,\n"
    "tel:+15551230002;ext=12,Seattle,,,SEA-1,,\n"
)


async def test_history_of_an_imported_number_says_who_imported_it_and_what_it_was(
    store: Store, clock: FakeClock
) -> None:
    await import_csv(store, "contoso", FILE, actor=OLIVIA, clock=clock)
    async with store.read() as uow:
        for number, extension in (("+15551230000", ""), ("+15551230001", ""), ("+15551230002", "12")):
            stored = await uow.numbers.get("contoso", number, extension)
            [event] = await uow.audit.history("contoso", number=number)
            assert (event.action, event.operator_id, event.operator_name) == ("import", "cli:olivia", "olivia")
            assert (event.number, event.extension, event.at) == (number, extension, clock.now())
            assert event.before is None
            assert event.after == snapshot(stored)


async def test_an_import_writes_one_audit_row_per_number_and_none_for_another_tenant(
    store: Store, clock: FakeClock
) -> None:
    await import_csv(store, "fabrikam", "number\n+15551239999\n", actor=OLIVIA, clock=clock)
    report = await import_csv(store, "contoso", FILE, actor=OLIVIA, clock=clock)
    async with store.read() as uow:
        [events] = await uow.connection.execute(text("SELECT count(*) FROM audit_events WHERE tenant = 'contoso'"))
        fabrikam = await uow.audit.history("fabrikam", number="+15551239999")
    assert events[0] == report.added == 3
    assert [e.action for e in fabrikam] == ["import"]


async def test_history_by_holder_finds_its_events_through_the_partial_holder_indexes(
    store: Store, clock: FakeClock
) -> None:
    await import_csv(store, "contoso", FILE, actor=OLIVIA, clock=clock)
    assigned = {"number": "+15551230001", "assignee_id": "obj-1", "assignee_upn": "Adele@Contoso.test"}
    async with store.write() as uow:
        row = audit_row(
            "contoso", "assign", OLIVIA, at=clock.now(), correlation_id="c-1",
            number="+15551230001", extension="", before=None, after=assigned,
        )  # fmt: skip
        await uow.audit.write([row])
    async with store.read() as uow:
        by_id = await uow.audit.history("contoso", holder="obj-1")
        by_upn = await uow.audit.history("contoso", holder="adele@contoso.test")
        plans = []
        if store.dialect == "sqlite":
            for column in ("holder_id", "holder_upn"):
                query = f"EXPLAIN QUERY PLAN SELECT id FROM audit_events WHERE tenant = :t AND {column} = :h"
                steps = await uow.connection.execute(text(query), {"t": "contoso", "h": "obj-1"})
                plans.append(" ".join(str(step[-1]) for step in steps))
    assert [e.action for e in by_id] == [e.action for e in by_upn] == ["assign"]
    for column, plan in zip(("holder_id", "holder_upn"), plans, strict=False):
        assert f"ix_audit_events_tenant_{column}_id" in plan


async def test_the_audit_of_an_add_reads_only_the_rows_above_the_last_id_not_the_whole_tenant(
    store: Store, clock: FakeClock
) -> None:
    # Offered the tenant's indexes, SQLite walked every number of the tenant for each batch of an import.
    await import_csv(store, "contoso", FILE, actor=OLIVIA, clock=clock)
    async with store.read() as uow:
        statement = unreserved_adds_audit(
            uow.connection, "contoso", 2, action="import", actor=OLIVIA, at=clock.now(), correlation_id="c-1"
        )
        compiled = statement.compile(dialect=uow.connection.dialect)
        explain = "EXPLAIN QUERY PLAN " if store.dialect == "sqlite" else "EXPLAIN "
        placeholders = compiled.positiontup or []
        steps = await uow.connection.exec_driver_sql(explain + str(compiled), tuple(None for _ in placeholders))
        plan = " ".join(str(step[-1]) for step in steps)
    if store.dialect == "sqlite":
        assert "USING INTEGER PRIMARY KEY (rowid>?)" in plan
    else:
        assert "tenant_" not in plan  # none of the tenant's indexes


async def test_text_that_json_must_escape_reads_back_from_history_as_it_was_imported(
    store: Store, clock: FakeClock
) -> None:
    # PostgreSQL joins the snapshot's pairs as text (`add_audit._pair`): every value must still be escaped.
    tricky = 'number,location,notes\n+15551230000,"Café ""Nord"" \\ 2",line one\u2028tab\there\n'
    await import_csv(store, "contoso", tricky, actor=OLIVIA, clock=clock)
    async with store.read() as uow:
        stored = await uow.numbers.get("contoso", "+15551230000", "")
        [event] = await uow.audit.history("contoso", number="+15551230000")
    assert stored is not None
    assert (stored.location, stored.notes) == ('Café "Nord" \\ 2', "line one\u2028tab\there")
    assert event.after == snapshot(stored)
