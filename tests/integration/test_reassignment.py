"""Re-assigning someone who already holds a number, on both databases: Teams swaps the number, and the
inventory releases the old one in the same transaction that records the new one."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from bot.jobs import Jobs
from inventory.config import TenantConfig
from inventory.e164 import parse_range
from inventory.model import Actor, Assignee, NumberStatus
from inventory.services.assignment import AssignmentService, AssignRequest
from inventory.services.container import Services
from inventory.services.deletion import delete_inventory
from inventory.services.holds import reserve_number
from inventory.services.imports import import_range
from inventory.services.lifecycle import free_expired
from inventory.services.sync import SyncService
from inventory.store.engine import Store
from inventory.teams.retry import GraphTuning
from inventory.teams.simulation import SimAccount, SimulatedPhoneSystem, SimulatedTenant
from tests.support import db
from tests.support.clock import FakeClock
from tests.support.services import one_tenant

OLIVIA = Actor("obj-olivia", "olivia@contoso.test")
OLD, NEW = "+12065550100", "+12065550101"


def person(index: int) -> Assignee:
    return Assignee(f"obj-{index}", f"person{index}@contoso.test", f"Person {index}")


@pytest.fixture
def teams(clock: FakeClock) -> SimulatedTenant:
    accounts = [SimAccount(p.id, p.upn, p.display_name, enterprise_voice=True) for p in map(person, range(10))]
    return SimulatedTenant(name="contoso", accounts=accounts, clock=clock)


def services(
    store: Store, teams: SimulatedTenant, clock: FakeClock, quarantine_days: int = 0
) -> tuple[AssignmentService, SyncService]:
    phone = SimulatedPhoneSystem(teams, clock=clock, tuning=GraphTuning(operation_deadline_seconds=60))
    config = TenantConfig(name="contoso", display_name="Contoso", quarantine_days=quarantine_days)
    context = one_tenant(store, phone, config, clock)
    return AssignmentService(context), SyncService(context)


@pytest.fixture
async def imported(store: Store, clock: FakeClock) -> None:
    await import_range(store, "contoso", parse_range("+12065550100-+12065550129"), actor=OLIVIA, clock=clock)


@pytest.mark.usefixtures("imported")
async def test_re_assigning_ten_holders_releases_each_old_number_and_a_sync_then_finds_no_drift(
    store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    assignments, sync = services(store, teams, clock)
    for index in range(10):
        await assignments.assign(AssignRequest("contoso", f"+120655501{index:02d}", person(index), None), OLIVIA)
    for index in range(10):
        result = await assignments.assign(
            AssignRequest("contoso", f"+120655501{index + 10:02d}", person(index), None), OLIVIA
        )
        assert result.succeeded
        assert [n.number for n in result.replaced] == [f"+120655501{index:02d}"]

    for index in range(10):
        old = await db.number(store, f"+120655501{index:02d}")
        assert (old.status, old.assignee) == (NumberStatus.AVAILABLE, None)
    preview = await sync.start_sync("contoso", OLIVIA)
    assert (preview.run.counts["drift"], preview.run.counts["update"]) == (0, 0)


@pytest.mark.usefixtures("imported")
async def test_a_replaced_number_goes_to_quarantine_when_the_tenant_ages_numbers_and_is_audited(
    store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    assignments, _ = services(store, teams, clock, quarantine_days=30)
    await assignments.assign(AssignRequest("contoso", OLD, person(0), None), OLIVIA)
    result = await assignments.assign(AssignRequest("contoso", NEW, person(0), None), OLIVIA)

    old = await db.number(store, OLD)
    assert old.status is NumberStatus.QUARANTINED
    [replaced_event] = [e for e in await db.history(store, OLD) if e.action == "replaced"]
    assert replaced_event.correlation_id == result.correlation_id
    assert replaced_event.detail == "Teams replaced it with +1 206 555 0101 for Person 0."


@pytest.mark.usefixtures("imported")
async def test_a_number_teams_lets_the_holder_keep_stays_used_in_the_inventory(
    store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    assignments, sync = services(store, teams, clock)
    await assignments.assign(AssignRequest("contoso", OLD, person(0), None), OLIVIA)
    private = teams.number(OLD)
    assert private is not None
    private.assignment_category = "private"  # a private line is not what a new primary number replaces
    result = await assignments.assign(AssignRequest("contoso", NEW, person(0), None), OLIVIA)

    assert result.replaced == ()
    assert (await db.number(store, OLD)).status is NumberStatus.USED
    assert not (await sync.start_sync("contoso", OLIVIA)).run.counts["drift"]


@pytest.mark.usefixtures("imported")
async def test_the_reconciler_releases_the_replaced_number_when_it_settles_a_late_assignment(
    store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    assignments, sync = services(store, teams, clock)
    await assignments.assign(AssignRequest("contoso", OLD, person(0), None), OLIVIA)
    # Teams takes longer than our deadline, and finishes late (its operation then says succeeded).
    teams.knobs = dataclasses.replace(teams.knobs, operation_delay_seconds=600)
    assert (await assignments.assign(AssignRequest("contoso", NEW, person(0), None), OLIVIA)).pending
    clock.advance(minutes=11)
    assert await assignments.reconcile("contoso") == 1

    assert (await db.number(store, OLD)).status is NumberStatus.AVAILABLE
    assert (await db.number(store, NEW)).status is NumberStatus.USED
    assert not (await sync.start_sync("contoso", OLIVIA)).has_changes


@pytest.mark.usefixtures("imported")
async def test_a_hold_never_expires_while_teams_is_still_assigning_its_number(
    store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    assignments, _ = services(store, teams, clock)
    await reserve_number(store, "contoso", NEW, owner="flow-1", note="", minutes=10, actor=OLIVIA, clock=clock)
    teams.faults.stall_next_operations()
    pending = await assignments.assign(AssignRequest("contoso", NEW, person(0), None, hold_owner="flow-1"), OLIVIA)
    assert pending.pending
    clock.advance(minutes=30)

    assert await free_expired(store, clock=clock) == 0
    assert (await db.number(store, NEW)).status is NumberStatus.RESERVED


@pytest.mark.usefixtures("imported")
async def test_deleting_the_inventory_closes_a_pending_assignment_as_deleted_so_nothing_is_left_to_finish(
    store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    assignments, _ = services(store, teams, clock)
    teams.faults.stall_next_operations()
    assert (await assignments.assign(AssignRequest("contoso", NEW, person(0), None), OLIVIA)).pending

    done = await delete_inventory(store, "contoso", actor=OLIVIA, clock=clock)

    assert (done.numbers, done.closed_operations) == (30, 1)
    clock.advance(minutes=3)
    assert await assignments.reconcile("contoso") == 0
    async with store.read() as uow:
        assert await uow.journal.pending(created_before=clock.now()) == []


@pytest.mark.usefixtures("imported")
async def test_the_bot_reconciles_operations_left_pending_as_soon_as_it_starts(
    store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    phone = SimulatedPhoneSystem(teams, clock=clock, tuning=GraphTuning(operation_deadline_seconds=60))
    context = one_tenant(store, phone, TenantConfig(name="contoso", display_name="Contoso"), clock)
    teams.knobs = dataclasses.replace(teams.knobs, operation_delay_seconds=120)  # slower than our 60 s
    left = await AssignmentService(context).assign(AssignRequest("contoso", NEW, person(0), None), OLIVIA)
    assert left.pending  # the process that asked Teams is gone; Teams finished after all
    clock.advance(minutes=3)

    jobs = Jobs(Services.build(context))
    jobs.start()
    settled = None
    try:
        for _ in range(500):  # bounded (10 s): the first reconcile runs at once, not after 180 s
            settled = await db.number(store, NEW)
            if settled.status is NumberStatus.USED:
                break
            await asyncio.sleep(0.02)
    finally:
        await jobs.stop()
    assert settled is not None
    assert settled.status is NumberStatus.USED
