"""Assigning and removing through Teams, on both databases: Teams first, the inventory after, a journal between."""

from __future__ import annotations

import dataclasses

import pytest

from inventory.config import TenantConfig
from inventory.e164 import parse_range
from inventory.errors import TransitionRefused
from inventory.model import Actor, Assignee, NumberStatus, PhoneNumber
from inventory.services.assignment import AssignmentService, AssignRequest
from inventory.services.holds import reserve_number
from inventory.services.imports import import_range
from inventory.services.policy_check import PolicyUnknown
from inventory.store.engine import Store
from inventory.teams.retry import GraphTuning
from inventory.teams.simulation import SimAccount, SimulatedPhoneSystem, SimulatedTenant
from tests.support import db
from tests.support.clock import FakeClock
from tests.support.services import one_tenant

OLIVIA = Actor("obj-olivia", "olivia@contoso.test")
ADELE = Assignee("obj-adele", "adele@contoso.test", "Adele Vance")
FREE = "+12065550100"


@pytest.fixture
def teams(clock: FakeClock) -> SimulatedTenant:
    return SimulatedTenant(
        name="contoso",
        accounts=[SimAccount("obj-adele", "adele@contoso.test", "Adele Vance", enterprise_voice=True)],
        policies={"US-Unrestricted": "pol-1"},
        clock=clock,
    )


def service(store: Store, teams: SimulatedTenant, clock: FakeClock, quarantine_days: int = 0) -> AssignmentService:
    phone = SimulatedPhoneSystem(teams, clock=clock, tuning=GraphTuning(operation_deadline_seconds=60))
    config = TenantConfig(name="contoso", display_name="Contoso", quarantine_days=quarantine_days)
    return AssignmentService(one_tenant(store, phone, config, clock))


@pytest.fixture
async def assignments(store: Store, teams: SimulatedTenant, clock: FakeClock) -> AssignmentService:
    await import_range(store, "contoso", parse_range("+12065550100-+12065550109"), actor=OLIVIA, clock=clock)
    return service(store, teams, clock)


async def number(store: Store, e164: str = FREE) -> PhoneNumber:
    return await db.number(store, e164)


async def test_a_successful_assignment_makes_the_number_used_with_holder_policy_and_operator(
    assignments: AssignmentService, store: Store, teams: SimulatedTenant
) -> None:
    result = await assignments.assign(AssignRequest("contoso", FREE, ADELE, "US-Unrestricted"), OLIVIA)
    assert result.succeeded
    assert result.policy_warning is None
    assigned = await number(store)
    assert assigned.status is NumberStatus.USED
    assert assigned.assignee == ADELE
    assert assigned.voice_routing_policy == "US-Unrestricted"
    assert assigned.last_modified_by == "olivia@contoso.test"
    sim = teams.number(FREE)
    assert sim is not None
    assert sim.assignment_target_id == "obj-adele"
    async with store.read() as uow:
        [event] = await uow.audit.by_correlation(result.correlation_id)
        entry = await uow.journal.get(result.journal_id)
    assert event.action == "assign"
    assert entry is not None
    assert entry.status == "succeeded"


async def test_a_failed_teams_operation_shows_its_reason_and_leaves_the_inventory_unchanged(
    assignments: AssignmentService, store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    await reserve_number(store, "contoso", FREE, owner="flow-1", note="", minutes=10, actor=OLIVIA, clock=clock)
    teams.faults.fail_next_operations(detail="The number is not in a valid state for this operation.")
    result = await assignments.assign(
        AssignRequest("contoso", FREE, ADELE, "US-Unrestricted", hold_owner="flow-1"), OLIVIA
    )
    assert result.failed
    assert result.detail == "The number is not in a valid state for this operation."
    released = await number(store)
    assert released.status is NumberStatus.AVAILABLE
    assert released.assignee is None


async def test_a_number_held_by_another_flow_is_refused_before_teams_is_called(
    assignments: AssignmentService, store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    await reserve_number(store, "contoso", FREE, owner="flow-1", note="", minutes=10, actor=OLIVIA, clock=clock)
    with pytest.raises(TransitionRefused, match="reserved by flow-1"):
        await assignments.assign(AssignRequest("contoso", FREE, ADELE, None, hold_owner="flow-2"), OLIVIA)
    sim = teams.number(FREE)
    assert sim is None or sim.assignment_target_id is None


async def test_a_policy_teams_does_not_know_is_refused_before_the_number_moves(
    assignments: AssignmentService, store: Store, teams: SimulatedTenant
) -> None:
    with pytest.raises(PolicyUnknown, match="'No-Such-Policy' is not a voice routing policy of contoso"):
        await assignments.assign(AssignRequest("contoso", FREE, ADELE, "No-Such-Policy"), OLIVIA)
    assert (await number(store)).status is NumberStatus.AVAILABLE
    sim = teams.number(FREE)
    assert sim is None or sim.assignment_target_id is None


async def test_a_policy_grant_teams_refuses_still_assigns_and_says_how_to_grant_it(
    assignments: AssignmentService, store: Store, teams: SimulatedTenant
) -> None:
    teams.faults.respond_next(403, path_contains="userAssignments")
    result = await assignments.assign(AssignRequest("contoso", FREE, ADELE, "US-Unrestricted"), OLIVIA)
    assert result.succeeded
    assert result.policy_warning is not None
    assert "Grant-CsOnlineVoiceRoutingPolicy" in result.policy_warning
    assert (await number(store)).voice_routing_policy is None


async def test_removal_returns_the_number_to_the_pool(
    assignments: AssignmentService, store: Store, teams: SimulatedTenant
) -> None:
    await assignments.assign(AssignRequest("contoso", FREE, ADELE, "US-Unrestricted"), OLIVIA)
    result = await assignments.unassign("contoso", FREE, OLIVIA)
    assert result.succeeded
    freed = await number(store)
    assert (freed.status, freed.assignee, freed.voice_routing_policy) == (NumberStatus.AVAILABLE, None, None)
    sim = teams.number(FREE)
    assert sim is not None
    assert sim.assignment_target_id is None


async def test_removal_quarantines_when_the_tenant_ages_numbers(
    store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    await import_range(store, "contoso", parse_range("+12065550100-+12065550100"), actor=OLIVIA, clock=clock)
    aging = service(store, teams, clock, quarantine_days=14)
    await aging.assign(AssignRequest("contoso", FREE, ADELE, None), OLIVIA)
    await aging.unassign("contoso", FREE, OLIVIA)
    assert (await number(store)).status is NumberStatus.QUARANTINED


async def test_a_failed_removal_keeps_the_number_used(
    assignments: AssignmentService, store: Store, teams: SimulatedTenant
) -> None:
    await assignments.assign(AssignRequest("contoso", FREE, ADELE, None), OLIVIA)
    teams.faults.fail_next_operations(action="unassign", detail="Number is locked by a pending port order.")
    result = await assignments.unassign("contoso", FREE, OLIVIA)
    assert result.failed
    assert result.detail == "Number is locked by a pending port order."
    assert (await number(store)).status is NumberStatus.USED


async def test_removing_a_number_nobody_holds_is_refused(assignments: AssignmentService) -> None:
    with pytest.raises(TransitionRefused, match="not assigned to anyone"):
        await assignments.unassign("contoso", FREE, OLIVIA)


async def test_an_operation_teams_never_finishes_stays_pending_then_the_reconciler_settles_it(
    assignments: AssignmentService, store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    await reserve_number(store, "contoso", FREE, owner="flow-1", note="", minutes=10, actor=OLIVIA, clock=clock)
    teams.faults.stall_next_operations()
    result = await assignments.assign(AssignRequest("contoso", FREE, ADELE, None, hold_owner="flow-1"), OLIVIA)
    assert result.pending
    assert "keeps checking" in (result.detail or "")
    assert (await number(store)).status is NumberStatus.RESERVED
    # Teams finished after all (an admin looked), though its operation still says running.
    teams.assign_directly(FREE, "obj-adele")
    clock.advance(minutes=3)
    assert await assignments.reconcile("contoso") == 0  # Teams says its operation runs: not ours to guess
    clock.advance(minutes=30)  # ... until it has run so long it is stuck: the holder in Teams decides
    assert await assignments.reconcile("contoso") == 1
    settled = await number(store)
    assert settled.status is NumberStatus.USED
    assert settled.assignee is not None
    assert settled.assignee.id == "obj-adele"
    assert await assignments.reconcile("contoso") == 0


async def test_the_reconciler_releases_a_hold_when_teams_never_assigned(
    assignments: AssignmentService, store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    await reserve_number(store, "contoso", FREE, owner="flow-1", note="", minutes=10, actor=OLIVIA, clock=clock)
    teams.faults.stall_next_operations()
    await assignments.assign(AssignRequest("contoso", FREE, ADELE, None, hold_owner="flow-1"), OLIVIA)
    clock.advance(minutes=33)
    assert await assignments.reconcile("contoso") == 1
    assert (await number(store)).status is NumberStatus.AVAILABLE


async def test_the_reconciler_leaves_an_entry_pending_while_its_teams_operation_runs_then_settles_it(
    assignments: AssignmentService, store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    await reserve_number(store, "contoso", FREE, owner="flow-1", note="", minutes=10, actor=OLIVIA, clock=clock)
    # Longer than our deadline: the operator's turn gives up while Teams works on.
    teams.knobs = dataclasses.replace(teams.knobs, operation_delay_seconds=600)
    result = await assignments.assign(AssignRequest("contoso", FREE, ADELE, None, hold_owner="flow-1"), OLIVIA)
    assert result.pending
    async with store.read() as uow:
        entry = await uow.journal.get(result.journal_id)
    assert entry is not None
    assert entry.operation_location is not None  # kept when Teams accepted it, before the wait
    clock.advance(minutes=3)
    assert await assignments.reconcile("contoso") == 0
    assert (await number(store)).status is NumberStatus.RESERVED  # not failed, not given back
    clock.advance(minutes=10)  # Teams finishes
    assert await assignments.reconcile("contoso") == 1
    assert (await number(store)).status is NumberStatus.USED


async def test_the_reconciler_closes_an_entry_whose_operation_teams_failed_with_teams_reason(
    assignments: AssignmentService, store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    await reserve_number(store, "contoso", FREE, owner="flow-1", note="", minutes=10, actor=OLIVIA, clock=clock)
    teams.knobs = dataclasses.replace(teams.knobs, operation_delay_seconds=600)
    teams.faults.fail_next_operations(count=1, detail="The location is not valid for this number.")
    result = await assignments.assign(AssignRequest("contoso", FREE, ADELE, None, hold_owner="flow-1"), OLIVIA)
    clock.advance(minutes=11)
    assert await assignments.reconcile("contoso") == 1
    async with store.read() as uow:
        entry = await uow.journal.get(result.journal_id)
    assert entry is not None
    assert (entry.status, entry.detail) == ("failed", "The location is not valid for this number.")
    assert (await number(store)).status is NumberStatus.AVAILABLE
