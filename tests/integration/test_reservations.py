"""Reservations on both databases: one number or the next COUNT of a pool, all or nothing, with an owner,
a purpose, a person and a ticket; released, extended, warned once, expired, and used by their person."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from inventory import transitions
from inventory.config import TenantConfig
from inventory.e164 import parse_range
from inventory.errors import NotFound, TransitionRefused
from inventory.model import Actor, Assignee, Hold, NumberStatus
from inventory.services.assignment import AssignmentService, AssignRequest
from inventory.services.imports import import_range
from inventory.services.lifecycle import free_expired_numbers
from inventory.services.reservations import ReservationRequest, Reservations, ReservationService
from inventory.store.engine import Store
from inventory.teams.retry import GraphTuning
from inventory.teams.simulation import SimAccount, SimulatedPhoneSystem, SimulatedTenant
from tests.support import db
from tests.support.clock import FakeClock
from tests.support.services import one_tenant

OLIVIA = Actor("obj-olivia", "olivia@contoso.test")
MEGAN = Actor("obj-megan", "megan@contoso.test")
ADELE = Assignee("obj-adele", "adele@contoso.test", "Adele Vance")
BOB = Assignee("obj-bob", "bob@contoso.test", "Bob Kelly")


def teams_of(clock: FakeClock) -> SimulatedTenant:
    accounts = [SimAccount(a.id, a.upn or "", a.display_name or "", enterprise_voice=True) for a in (ADELE, BOB)]
    return SimulatedTenant(name="contoso", accounts=accounts, policies={"US-Local": "pol-1"}, clock=clock)


@pytest.fixture
async def pools(store: Store, clock: FakeClock) -> Store:
    """Sales has 5 numbers (+1 206 555 0100-0104), Support 3 (0200-0202)."""
    for numbers, pool in (("+12065550100-+12065550104", "Sales"), ("+12065550200-+12065550202", "Support")):
        await import_range(store, "contoso", parse_range(numbers), actor=OLIVIA, clock=clock, pool=pool)
    return store


def reservations(store: Store, clock: FakeClock) -> ReservationService:
    phone = SimulatedPhoneSystem(teams_of(clock), clock=clock)
    return ReservationService(one_tenant(store, phone, TenantConfig(name="contoso", display_name="Contoso"), clock))


async def test_the_next_count_free_numbers_of_a_pool_are_reserved_with_owner_person_purpose_and_ticket(
    pools: Store, clock: FakeClock
) -> None:
    request = ReservationRequest(
        "contoso",
        count=2,
        pool="sales",
        for_id=ADELE.id,
        for_name="Adele Vance",
        duration=timedelta(days=14),
        purpose="new starters",
        ticket="CHG-7",
    )
    taken = await reservations(pools, clock).reserve(request, OLIVIA, correlation_id="c-1")
    assert [n.number for n in taken] == ["+12065550100", "+12065550101"]
    stored = await db.number(pools, "+12065550101")
    assert stored.status is NumberStatus.RESERVED
    assert stored.hold is not None
    assert (stored.hold.owner, stored.hold.owner_name, stored.hold.for_id, stored.hold.ticket, stored.hold.note) == (
        OLIVIA.id,
        OLIVIA.name,
        ADELE.id,
        "CHG-7",
        "new starters",
    )
    assert stored.hold.expires_at == clock.now() + timedelta(days=14)
    event = (await db.history(pools, "+12065550101"))[-1]
    assert (event.action, event.operator_name, event.correlation_id) == ("reserve", OLIVIA.name, "c-1")
    assert event.after is not None
    assert (event.after["hold_for_name"], event.after["hold_ticket"]) == ("Adele Vance", "CHG-7")


@pytest.mark.parametrize(
    ("request_", "refusal"),
    [
        (ReservationRequest("contoso", count=4, pool="Support"), "Only 3 numbers are free in pool Support, not 4"),
        (ReservationRequest("contoso", count=1, pool="Marketing"), "There is no pool 'Marketing' in contoso"),
        (
            ReservationRequest("contoso", count=1, until=datetime(2026, 11, 1, tzinfo=UTC)),
            "2026-11-01 00:00 UTC is in the past",
        ),
        (ReservationRequest("contoso", number="+12065550200", pool="Sales"), "is in pool Support, not Sales"),
        (ReservationRequest("contoso", number="+12065559999"), "+1 206 555 9999 is not in the contoso inventory"),
        (ReservationRequest("contoso", count=0), "between 1 and 100 numbers"),
    ],
    ids=["more-than-free", "unknown-pool", "past-date", "wrong-pool", "unknown-number", "zero"],
)
async def test_bad_input_is_refused_with_its_reason_and_changes_nothing(
    pools: Store, clock: FakeClock, request_: ReservationRequest, refusal: str
) -> None:
    before = await db.snapshot(pools)
    with pytest.raises((TransitionRefused, NotFound), match=re.escape(refusal)):
        await reservations(pools, clock).reserve(request_, OLIVIA, correlation_id="c-1")
    assert await db.snapshot(pools) == before


async def test_a_count_that_others_took_part_of_first_reserves_nothing(pools: Store, clock: FakeClock) -> None:
    service = reservations(pools, clock)
    await service.reserve(ReservationRequest("contoso", count=2, pool="Support"), MEGAN, correlation_id="c-1")
    before = await db.snapshot(pools)
    with pytest.raises(TransitionRefused, match="Only 1 number"):
        await service.reserve(ReservationRequest("contoso", count=2, pool="Support"), OLIVIA, correlation_id="c-2")
    assert await db.snapshot(pools) == before


async def test_a_listing_shows_mine_a_pools_and_a_persons_reservations_but_never_a_cards_hold(
    pools: Store, clock: FakeClock
) -> None:
    service = reservations(pools, clock)
    await service.reserve(ReservationRequest("contoso", number="+12065550100"), OLIVIA, correlation_id="c")
    await service.reserve(
        ReservationRequest("contoso", number="+12065550200", for_id=BOB.id, for_name="Bob Kelly"),
        MEGAN,
        correlation_id="c",
    )
    async with pools.write() as uow:  # what a picker's hold looks like
        current = await uow.numbers.get("contoso", "+12065550101")
        assert current is not None
        held = transitions.hold(current, Hold("flow:abc", "picking", clock.now()), operator="x", now=clock.now())
        await uow.numbers.save(current, held, action="hold", actor=OLIVIA, correlation_id="c")

    def numbers(found: Reservations) -> list[str]:
        return [n.number for n in found.items]

    assert numbers(await service.listing("contoso")) == ["+12065550100", "+12065550200"]
    assert numbers(await service.listing("contoso", owner=OLIVIA.id)) == ["+12065550100"]
    assert numbers(await service.listing("contoso", pool="Support")) == ["+12065550200"]
    assert numbers(await service.listing("contoso", for_id=BOB.id)) == ["+12065550200"]
    with pytest.raises(NotFound, match="no pool 'Nope'"):
        await service.listing("contoso", pool="Nope")


async def test_release_and_extend_are_audited_and_extend_starts_the_warning_afresh(
    pools: Store, clock: FakeClock
) -> None:
    service = reservations(pools, clock)
    [number] = await service.reserve(
        ReservationRequest("contoso", number="+12065550100", duration=timedelta(hours=10)), OLIVIA, correlation_id="c"
    )
    assert number.id is not None
    assert [n.number for n in await service.warn_expiring()] == ["+12065550100"]
    assert await service.warn_expiring() == []  # once
    extended = await service.extend("contoso", number.id, MEGAN, correlation_id="c-2")
    assert extended.hold is not None
    assert extended.hold.expires_at == clock.now() + timedelta(hours=10) + timedelta(days=30)
    assert extended.hold.warned_at is None
    released = await service.release("contoso", number.id, MEGAN, correlation_id="c-3")
    assert released.status is NumberStatus.AVAILABLE
    actions = [e.action for e in await db.history(pools, "+12065550100")]
    assert actions[-4:] == ["reserve", "reservation-warned", "extend-reservation", "cancel-reservation"]
    with pytest.raises(TransitionRefused, match="not reserved; there is nothing to extend"):
        await service.extend("contoso", number.id, MEGAN, correlation_id="c-4")


async def test_an_ended_reservation_is_freed_and_reported_as_a_reservation(pools: Store, clock: FakeClock) -> None:
    service = reservations(pools, clock)
    await service.reserve(
        ReservationRequest("contoso", number="+12065550100", duration=timedelta(hours=1)), OLIVIA, correlation_id="c"
    )
    clock.advance(hours=2)
    [freed] = await free_expired_numbers(pools, clock=clock)
    assert freed.hold is not None
    assert freed.hold.is_reservation
    assert (await db.number(pools, "+12065550100")).status is NumberStatus.AVAILABLE


async def test_a_number_reserved_for_a_person_may_be_assigned_to_them_and_to_nobody_else(
    pools: Store, clock: FakeClock
) -> None:
    teams = teams_of(clock)
    phone = SimulatedPhoneSystem(teams, clock=clock, tuning=GraphTuning(operation_deadline_seconds=60))
    context = one_tenant(pools, phone, TenantConfig(name="contoso", display_name="Contoso"), clock)
    request = ReservationRequest("contoso", number="+12065550100", for_id=ADELE.id, for_name="Adele Vance")
    await ReservationService(context).reserve(request, OLIVIA, correlation_id="c")
    assignments = AssignmentService(context)
    with pytest.raises(TransitionRefused, match=re.escape("reserved by olivia@contoso.test for Adele Vance")):
        await assignments.assign(AssignRequest("contoso", "+12065550100", BOB, None), MEGAN)
    result = await assignments.assign(AssignRequest("contoso", "+12065550100", ADELE, None), MEGAN)
    assert result.number is not None
    assert result.number.status is NumberStatus.USED
    assert (await db.number(pools, "+12065550100")).assignee == ADELE
