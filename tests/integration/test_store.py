"""Storage on SQLite and PostgreSQL: conditional updates, the audit trail, and races."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from inventory.e164 import parse_range
from inventory.errors import ConcurrentChange, TransitionRefused
from inventory.model import Actor, NumberStatus, PhoneNumber
from inventory.services.holds import reserve_number
from inventory.services.imports import import_range
from inventory.services.lifecycle import free_expired
from inventory.store.engine import Store
from inventory.transitions import block
from tests.support.clock import FakeClock
from tests.support.db import number as read

OLIVIA = Actor("obj-olivia", "olivia@contoso.test")


async def seed_range(store: Store, clock: FakeClock, text_range: str = "+15551230000-+15551230009") -> None:
    await import_range(store, "contoso", parse_range(text_range), actor=OLIVIA, clock=clock, location="Seattle")


async def test_a_save_against_a_stale_version_writes_nothing(store: Store, clock: FakeClock) -> None:
    await seed_range(store, clock)
    seen = await read(store, "+15551230001")
    async with store.write() as uow:
        await uow.numbers.save(
            seen, block(seen, operator="a", now=clock.now()), action="block", actor=OLIVIA, correlation_id="c1"
        )
    with pytest.raises(ConcurrentChange, match="changed by someone else"):
        async with store.write() as uow:
            await uow.numbers.save(
                seen, block(seen, operator="b", now=clock.now()), action="block", actor=OLIVIA, correlation_id="c2"
            )
    current = await read(store, "+15551230001")
    assert current.version == seen.version + 1
    assert current.last_modified_by == "a"


async def test_every_change_writes_its_audit_event_in_the_same_transaction(store: Store, clock: FakeClock) -> None:
    await seed_range(store, clock)
    seen = await read(store, "+15551230002")

    async def block_then_crash() -> None:
        async with store.write() as uow:
            await uow.numbers.save(
                seen, block(seen, operator="a", now=clock.now()), action="block", actor=OLIVIA, correlation_id="gone"
            )
            raise RuntimeError("crash before commit")

    with pytest.raises(RuntimeError):
        await block_then_crash()
    async with store.read() as uow:
        assert await uow.audit.by_correlation("gone") == []
    assert (await read(store, "+15551230002")).status is NumberStatus.AVAILABLE


async def test_the_audit_event_keeps_operator_before_and_after(store: Store, clock: FakeClock) -> None:
    await seed_range(store, clock)
    seen = await read(store, "+15551230003")
    async with store.write() as uow:
        await uow.numbers.save(
            seen, block(seen, operator=OLIVIA.name, now=clock.now()), action="block", actor=OLIVIA, correlation_id="c3"
        )
    async with store.read() as uow:
        [event] = await uow.audit.by_correlation("c3")
    assert (event.operator_id, event.operator_name, event.action) == ("obj-olivia", "olivia@contoso.test", "block")
    assert event.before is not None
    assert event.after is not None
    assert (event.before["status"], event.after["status"]) == ("available", "blocked")
    assert event.number == "+15551230003"


async def test_the_database_refuses_to_change_or_delete_audit_events(store: Store, clock: FakeClock) -> None:
    await seed_range(store, clock)
    for statement in ("UPDATE audit_events SET action = 'forged'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            async with store.write() as uow:
                await uow.connection.execute(text(statement))
    async with store.read() as uow:
        count = (await uow.connection.execute(text("SELECT count(*) FROM audit_events"))).scalar_one()
    assert count == 10


async def test_fifty_operators_racing_for_one_number_have_exactly_one_winner(store: Store, clock: FakeClock) -> None:
    await seed_range(store, clock)

    async def take(index: int) -> str:
        try:
            await reserve_number(
                store,
                "contoso",
                "+15551230005",
                owner=f"flow-{index}",
                note="",
                minutes=10,
                actor=Actor(f"obj-{index}", f"op{index}@contoso.test"),
                clock=clock,
            )
        except (ConcurrentChange, TransitionRefused):
            return "lost"
        return "won"

    outcomes = await asyncio.gather(*(take(i) for i in range(50)))
    assert outcomes.count("won") == 1
    number = await read(store, "+15551230005")
    assert number.status is NumberStatus.RESERVED
    assert number.version == 2
    async with store.read() as uow:
        reservations = [e for e in await uow.audit.history("contoso", number="+15551230005") if e.action == "reserve"]
    assert len(reservations) == 1
    assert number.hold is not None
    assert number.hold.owner == f"flow-{outcomes.index('won')}"


async def test_expired_holds_return_to_the_pool(store: Store, clock: FakeClock) -> None:
    await seed_range(store, clock)
    await reserve_number(
        store, "contoso", "+15551230007", owner="flow-1", note="", minutes=10, actor=OLIVIA, clock=clock
    )
    assert await free_expired(store, clock=clock) == 0
    clock.advance(minutes=11)
    assert await free_expired(store, clock=clock) == 1
    freed = await read(store, "+15551230007")
    assert freed.status is NumberStatus.AVAILABLE
    assert freed.hold is None
    assert freed.last_modified_by == "Switchboard"


def test_a_new_number_row_is_the_row_of_the_same_number_made_the_long_way() -> None:
    from typing import Any

    from inventory.model import NumberType
    from inventory.store.number_rows import new_number_row, to_row

    now = FakeClock().now()
    fields: dict[str, Any] = {
        "extension": "12",
        "number_type": NumberType.CALLING_PLAN,
        "status": NumberStatus.BLOCKED,
        "tags": ("a", "b"),
        "location": "Seattle",
        "range_label": "SEA-1",
        "carrier": "Lumen",
        "pool": "Sales",
        "notes": "n",
        "emergency_location_id": "loc-1",
    }
    made = PhoneNumber(
        tenant="contoso",
        number="+12065550100",
        created_at=now,
        updated_at=now,
        created_by="olivia",
        last_modified_by="olivia",
        **fields,
    )
    assert new_number_row("contoso", "+12065550100", operator="olivia", now=now, **fields) == to_row(made)


def test_a_new_number_rows_snapshot_is_the_snapshot_of_the_same_row_made_the_long_way() -> None:
    from datetime import timedelta

    from inventory.model import Hold, NumberType
    from inventory.store.number_rows import new_number_row, snapshot_of_new_row, snapshot_of_row

    now = FakeClock().now()
    held = Hold("cli:olivia", "desk move", now + timedelta(days=3), "olivia", "obj-1", "Adele Vance", "CHG-1")
    for hold, status in ((None, NumberStatus.AVAILABLE), (held, NumberStatus.RESERVED)):
        row = new_number_row(
            "contoso",
            "+12065550100",
            number_type=NumberType.DIRECT_ROUTING,
            operator="olivia",
            now=now,
            status=status,
            tags=("a",),
            pool="Sales",
            hold=hold,
        )
        assert snapshot_of_new_row(row) == snapshot_of_row(row)


async def test_a_search_row_read_by_position_is_the_number_read_by_column_name(store: Store, clock: FakeClock) -> None:
    from datetime import UTC, timedelta

    from sqlalchemy import select

    from inventory.model import AccountType, ActivationState, Assignee, Hold, NumberType
    from inventory.store.number_rows import from_row, from_table_row, to_row
    from inventory.store.tables import phone_numbers

    now = clock.now()
    holder = Assignee("obj-1", "adele@contoso.com", "Adele Vance", AccountType.RESOURCE_ACCOUNT, "userAssigned")
    held = Hold("cli:olivia", "desk move", now + timedelta(days=3), "olivia", "obj-2", "Alex W", "CHG-1", now)
    full = PhoneNumber(
        tenant="contoso",
        number="+12065550100",
        extension="12",
        number_type=NumberType("operatorConnectMobile"),  # unlisted: not in the lookup, still read
        status=NumberStatus.RESERVED,
        assignee=holder,
        voice_routing_policy="vrp",
        emergency_location_id="loc-1",
        activation_state=ActivationState.ACTIVATED,
        location="Seattle",
        range_label="SEA-1",
        carrier="Lumen",
        pool="Sales",
        tags=("a", "b"),
        notes="n",
        hold=held,
        quarantined_until=now + timedelta(days=1),
        created_at=now,
        updated_at=now,
        created_by="olivia",
        last_modified_by="olivia",
    )
    bare = PhoneNumber(tenant="contoso", number="+12065550101", created_at=now, updated_at=now)
    async with store.write() as uow:
        await uow.connection.execute(phone_numbers.insert(), [to_row(full), to_row(bare)])
    async with store.read() as uow:
        rows = list(await uow.connection.execute(select(phone_numbers).order_by(phone_numbers.c.number)))
    assert len(rows) == 2
    for row in rows:
        assert from_table_row(row) == from_row(row._mapping)
    assert from_table_row(rows[0]).number_type.value == "operatorConnectMobile"
    # Timestamps come back as the aware UTC values stored (UtcDateTime's own result processor).
    read_back = from_table_row(rows[0])
    assert read_back.hold is not None
    assert read_back.hold.expires_at == held.expires_at
    assert read_back.quarantined_until == full.quarantined_until
    assert read_back.created_at == now
    assert read_back.created_at.tzinfo is UTC
    assert from_table_row(rows[1]).hold is None
