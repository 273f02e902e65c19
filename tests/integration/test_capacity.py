"""Capacity thresholds on both databases: a count or a share of free numbers per pool; a check queues one
note when a pool falls below and one when it recovers, never a second for the same state; bad thresholds
and unknown pools are refused and change nothing; setting and removing a threshold is audited."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from inventory.capacity import PoolCapacity, parse_threshold
from inventory.config import TenantConfig
from inventory.e164 import parse_range
from inventory.errors import NotFound, SwitchboardError
from inventory.model import Actor
from inventory.notifications import Conversation
from inventory.services.capacity import CapacityService
from inventory.services.imports import import_range
from inventory.services.reservations import ReservationRequest, ReservationService
from inventory.store.engine import Store
from inventory.store.tables import audit_events, notifications
from inventory.teams.simulation import SimulatedPhoneSystem, SimulatedTenant
from tests.support.clock import FakeClock
from tests.support.services import one_tenant

OLIVIA = Actor("obj-olivia", "olivia@contoso.test")


def note(tenant: str, pool: PoolCapacity) -> dict[str, Any]:
    return {"pool": pool.threshold.pool, "low": pool.low, "free": pool.free}


@pytest.fixture
async def sales(store: Store, clock: FakeClock) -> Store:
    """Sales has 10 numbers (+1 206 555 0100-0109); the tenant has a channel to hear about them."""
    numbers = parse_range("+12065550100-+12065550109")
    await import_range(store, "contoso", numbers, actor=OLIVIA, clock=clock, pool="Sales")
    async with store.write() as uow:
        channel = Conversation("19:voice-ops@thread.tacv2", "channel", {"conversation": {"id": "19:voice-ops"}})
        await uow.conversations.remember(channel, at=clock.now())
        await uow.conversations.notify_here(channel.id, "contoso")
    return store


def services(store: Store, clock: FakeClock) -> tuple[CapacityService, ReservationService]:
    phone = SimulatedPhoneSystem(SimulatedTenant(name="contoso", clock=clock), clock=clock)
    context = one_tenant(store, phone, TenantConfig(name="contoso", display_name="Contoso"), clock)
    return CapacityService(context), ReservationService(context)


async def reserve(reservations: ReservationService, count: int) -> None:
    await reservations.reserve(ReservationRequest("contoso", count=count, pool="Sales"), OLIVIA, correlation_id="c")


async def queued(store: Store) -> list[dict[str, Any]]:
    async with store.read() as uow:
        rows = await uow.connection.execute(select(notifications.c.card).order_by(notifications.c.id))
        return [row.card for row in rows]


async def test_a_pool_alerts_once_when_it_falls_below_its_count_and_once_when_it_recovers(
    sales: Store, clock: FakeClock
) -> None:
    capacity, reservations = services(sales, clock)
    await capacity.set_threshold("contoso", "sales", "4", OLIVIA)
    assert await capacity.check("contoso", note) == []  # 10 free: fine, and nothing to say
    await reserve(reservations, 7)  # 3 free
    [low] = await capacity.check("contoso", note)
    assert (low.low, low.free, low.total) == (True, 3, 10)
    await reserve(reservations, 1)
    assert await capacity.check("contoso", note) == []  # still low: no second alert
    await capacity.set_threshold("contoso", "Sales", "2", OLIVIA)  # a lower threshold: 2 free is not below 2
    [recovered] = await capacity.check("contoso", note)
    assert recovered.low is False
    assert await queued(sales) == [
        {"pool": "Sales", "low": True, "free": 3},
        {"pool": "Sales", "low": False, "free": 2},
    ]


async def test_a_share_threshold_compares_free_numbers_with_the_whole_pool(sales: Store, clock: FakeClock) -> None:
    capacity, reservations = services(sales, clock)
    await capacity.set_threshold("contoso", "Sales", "30%", OLIVIA)
    await reserve(reservations, 7)  # 3 of 10 free: exactly 30%, not below
    assert await capacity.check("contoso", note) == []
    await reserve(reservations, 1)
    [low] = await capacity.check("contoso", note)
    assert (low.low, low.free, low.threshold.needed(low.total)) == (True, 2, 3)


async def test_two_checks_of_the_same_fall_queue_one_alert(sales: Store, clock: FakeClock) -> None:
    capacity, reservations = services(sales, clock)
    await capacity.set_threshold("contoso", "Sales", "5", OLIVIA)
    await reserve(reservations, 6)
    first, second = services(sales, clock)[0], services(sales, clock)[0]
    assert len(await first.check("contoso", note)) == 1
    assert await second.check("contoso", note) == []
    assert len(await queued(sales)) == 1


@pytest.mark.parametrize("setting", ["0", "100%", "0%", "lots", "-3", "5.5"])
async def test_a_threshold_that_is_no_threshold_is_refused_and_nothing_is_stored(
    sales: Store, clock: FakeClock, setting: str
) -> None:
    capacity, _ = services(sales, clock)
    with pytest.raises(SwitchboardError, match="is not a threshold"):
        await capacity.set_threshold("contoso", "Sales", setting, OLIVIA)
    assert await capacity.overview("contoso") == []


async def test_an_unknown_pool_is_refused_with_the_pools_there_are(sales: Store, clock: FakeClock) -> None:
    capacity, _ = services(sales, clock)
    with pytest.raises(NotFound, match=r"no pool called 'Marketing' \(pools: Sales\)"):
        await capacity.set_threshold("contoso", "Marketing", "5", OLIVIA)
    with pytest.raises(NotFound, match="has no threshold"):
        await capacity.remove_threshold("contoso", "Sales", OLIVIA)


async def test_setting_and_removing_a_threshold_is_audited(sales: Store, clock: FakeClock) -> None:
    capacity, _ = services(sales, clock)
    await capacity.set_threshold("contoso", "Sales", "5", OLIVIA)
    await capacity.set_threshold("contoso", "Sales", "20%", OLIVIA)
    await capacity.remove_threshold("contoso", "Sales", OLIVIA)
    async with sales.read() as uow:
        query = select(audit_events).where(audit_events.c.action.like("%threshold")).order_by(audit_events.c.id)
        rows = (await uow.connection.execute(query)).mappings().all()
    assert [(r["action"], r["operator_name"]) for r in rows] == [
        ("set-threshold", OLIVIA.name),
        ("set-threshold", OLIVIA.name),
        ("remove-threshold", OLIVIA.name),
    ]
    assert (rows[1]["before"], rows[1]["after"]) == (
        {"pool": "Sales", "threshold": "5 free"},
        {"pool": "Sales", "threshold": "20% free"},
    )


def test_a_count_or_a_share_reads_as_a_threshold() -> None:
    assert parse_threshold("Sales", "5").label == "5 free"
    assert parse_threshold("Sales", "15 %").label == "15% free"


async def test_a_check_of_the_pools_one_change_touched_leaves_the_others_for_their_own_check(
    sales: Store, clock: FakeClock
) -> None:
    capacity, reservations = services(sales, clock)
    await capacity.set_threshold("contoso", "Sales", "5", OLIVIA)
    await reserve(reservations, 6)  # 4 of 10 free: below 5
    assert await capacity.check("contoso", note, pools=["Marketing", None]) == []  # not Sales: not looked at
    assert await queued(sales) == []
    (low,) = await capacity.check("contoso", note, pools=["sales"])  # pool names match without case
    assert (low.threshold.pool, low.low) == ("Sales", True)
    assert await capacity.check("contoso", note) == []  # told once, whichever check told it
    assert await queued(sales) == [{"pool": "Sales", "low": True, "free": 4}]


async def test_the_count_a_check_makes_stops_at_the_threshold_and_matches_the_pool_exactly(
    sales: Store, clock: FakeClock
) -> None:
    async with sales.read() as uow:
        assert await uow.numbers.available_up_to("contoso", "Sales", 3) == 3  # of 10 free: it stops at 3
        assert await uow.numbers.available_up_to("contoso", "Sales", 50) == 10
        assert await uow.numbers.available_up_to("contoso", "sales", 50) == 0  # the threshold's own spelling
