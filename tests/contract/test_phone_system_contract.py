"""One contract, two implementations: SimulatedPhoneSystem in process, and GraphPhoneSystem over real
HTTP to the Graph stand-in on 127.0.0.1. If the simulation drifts from what the Graph adapter does,
these tests fail for one of the two."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from inventory.errors import TeamsError
from inventory.model import AccountType, NumberType
from inventory.ports.phone_system import OperationStatus, PhoneSystem, TeamsAssignmentStatus
from inventory.teams.simulation import SimulatedPhoneSystem
from inventory.teams.simulation.faults import FaultKnobs
from inventory.teams.simulation.records import RESOURCE_ACCOUNT, SimAccount, SimGroup
from inventory.teams.simulation.tenant import SimulatedTenant
from tests.support.clock import FakeClock
from tests.support.snapshot_sink import RecordingSink
from tests.support.teams_fakes import EXACT_TUNING, ProgressRecorder, graph_over_http, small_tenant


@dataclass
class Harness:
    phone: PhoneSystem
    tenant: SimulatedTenant
    clock: FakeClock


@pytest.fixture(params=["simulated", "graph"])
async def harness(request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    clock = FakeClock()
    tenant = small_tenant(clock)
    # Operations take 3 s on the shared fake clock, so polling sees notStarted/running before the end.
    tenant.knobs = FaultKnobs(operation_delay_seconds=3)
    if request.param == "simulated":
        yield Harness(SimulatedPhoneSystem(tenant, clock=clock, tuning=EXACT_TUNING), tenant, clock)
        return
    async with graph_over_http(tenant, clock) as (phone, _server):
        yield Harness(phone, tenant, clock)


def free_direct_routing_number(tenant: SimulatedTenant) -> str:
    return next(
        n.telephone_number
        for n in tenant.all_numbers()
        if n.number_type == "directRouting" and n.assignment_target_id is None
    )


def user_without_number(tenant: SimulatedTenant) -> SimAccount:
    return next(
        a
        for a in tenant.teams_accounts()
        if a.account_type == "user" and not tenant.numbers_of(a.id) and a.display_name and a.upn
    )


async def test_every_number_is_listed_including_resource_account_numbers(harness: Harness) -> None:
    progress = ProgressRecorder()
    numbers = await harness.phone.list_numbers(progress)

    assert sorted(n.number for n in numbers) == sorted(n.telephone_number for n in harness.tenant.all_numbers())
    voice_app_numbers = [n for n in numbers if n.assignment_status is TeamsAssignmentStatus.VOICE_APPLICATION_ASSIGNED]
    assert voice_app_numbers
    holder = harness.tenant.account(voice_app_numbers[0].holder_id)
    assert holder is not None
    assert holder.account_type == RESOURCE_ACCOUNT
    assert {n.number_type for n in numbers} == set(NumberType)
    assert progress.pages("numbers") >= 1


async def test_accounts_carry_their_type_name_voice_settings_and_numbers(harness: Harness) -> None:
    accounts = {a.id: a for a in await harness.phone.list_accounts()}

    assert set(accounts) == {a.id for a in harness.tenant.teams_accounts()}
    for sim in harness.tenant.teams_accounts():
        account = accounts[sim.id]
        assert account.display_name == sim.display_name
        assert account.upn == sim.upn
        assert account.numbers == tuple(harness.tenant.numbers_of(sim.id))
        assert account.voice_routing_policy == sim.voice_routing_policy
        expected_type = {"user": AccountType.USER, "resourceAccount": AccountType.RESOURCE_ACCOUNT}
        assert account.account_type == expected_type.get(sim.account_type)


async def test_search_matches_the_start_of_display_name_or_upn_ignoring_case(harness: Harness) -> None:
    by_upn = await harness.phone.search_accounts("AA-")
    user = user_without_number(harness.tenant)
    by_name = await harness.phone.search_accounts(user.display_name.lower() if user.display_name else "")

    assert by_upn
    assert all(a.account_type is AccountType.RESOURCE_ACCOUNT for a in by_upn)
    assert all((a.upn or "").lower().startswith("aa-") for a in by_upn)
    assert user.id in {a.id for a in by_name}
    assert [a.label.lower() for a in by_name] == sorted(a.label.lower() for a in by_name)


async def test_search_with_an_apostrophe_in_the_query_finds_the_account(harness: Harness) -> None:
    harness.tenant.add_account(SimAccount("obrien-1", "ada.obrien@contoso.example", "Ada O'Brien", "user"))

    found = await harness.phone.search_accounts("ada o'b")

    assert [a.id for a in found] == ["obrien-1"]


async def test_search_respects_the_limit_and_skips_accounts_without_teams(harness: Harness) -> None:
    no_teams = next(a for a in harness.tenant.accounts() if not a.teams_enabled)
    assert no_teams.upn is not None

    limited = await harness.phone.search_accounts("a", limit=2)
    hidden = await harness.phone.search_accounts(no_teams.upn)

    assert len(limited) <= 2
    assert hidden == []


async def test_get_account_returns_the_account_or_none(harness: Harness) -> None:
    user = user_without_number(harness.tenant)

    account = await harness.phone.get_account(user.id)

    assert account is not None
    assert account.label == user.display_name
    assert await harness.phone.get_account("00000000-0000-0000-0000-00000000dead") is None


async def test_assign_waits_for_the_operation_and_teams_then_shows_the_holder(harness: Harness) -> None:
    number, user = free_direct_routing_number(harness.tenant), user_without_number(harness.tenant)

    outcome = await harness.phone.assign_number(number, user.id, NumberType.DIRECT_ROUTING)

    assert outcome.status is OperationStatus.SUCCEEDED
    assert outcome.operation_id
    assert harness.clock.sleeps == [0.25, 0.5, 1.0, 1.0, 1.0]  # done at 3 s: polled at 0.25, 0.75, 1.75, 2.75, 3.75
    listed = {n.number: n for n in await harness.phone.list_numbers()}
    assert listed[number].holder_id == user.id
    assert listed[number].assignment_status is TeamsAssignmentStatus.USER_ASSIGNED
    account = await harness.phone.get_account(user.id)
    assert account is not None
    assert account.numbers == (number,)
    assert account.enterprise_voice


async def test_an_assignment_carries_its_emergency_location_and_teams_then_reports_it(harness: Harness) -> None:
    number, user = free_direct_routing_number(harness.tenant), user_without_number(harness.tenant)
    harness.tenant.add_location("loc-redmond-b40")

    outcome = await harness.phone.assign_number(number, user.id, NumberType.DIRECT_ROUTING, "loc-redmond-b40")

    assert outcome.succeeded
    listed = {n.number: n for n in await harness.phone.list_numbers()}
    assert listed[number].location_id == "loc-redmond-b40"


async def test_an_emergency_location_the_tenant_lacks_is_refused_and_nothing_moves(harness: Harness) -> None:
    number, user = free_direct_routing_number(harness.tenant), user_without_number(harness.tenant)

    with pytest.raises(TeamsError, match="The emergency location 'loc-nowhere' was not found in this tenant"):
        await harness.phone.assign_number(number, user.id, NumberType.DIRECT_ROUTING, "loc-nowhere")

    record = harness.tenant.number(number)
    assert record is not None
    assert record.assignment_target_id is None
    assert not harness.tenant.operations


async def test_unassign_waits_for_the_operation_and_frees_the_number(harness: Harness) -> None:
    held = next(n for n in harness.tenant.all_numbers() if n.assignment_target_id and n.number_type == "callingPlan")

    outcome = await harness.phone.unassign_number(held.telephone_number, NumberType.CALLING_PLAN)

    assert outcome.succeeded
    listed = {n.number: n for n in await harness.phone.list_numbers()}
    assert listed[held.telephone_number].holder_id is None
    assert listed[held.telephone_number].assignment_status is TeamsAssignmentStatus.UNASSIGNED


async def test_a_failed_operation_returns_teams_status_detail_verbatim(harness: Harness) -> None:
    number, user = free_direct_routing_number(harness.tenant), user_without_number(harness.tenant)
    detail = "The user is not licensed for Teams Phone. Assign MCOEV & retry (code 4041)."
    harness.tenant.faults.fail_next_operations(action="assign", number=number, detail=detail)

    outcome = await harness.phone.assign_number(number, user.id, NumberType.DIRECT_ROUTING)

    assert outcome.status is OperationStatus.FAILED
    assert outcome.detail == detail
    record = harness.tenant.number(number)
    assert record is not None
    assert record.assignment_target_id is None


async def test_the_next_three_assigns_fail_when_a_test_scripts_it(harness: Harness) -> None:
    user = user_without_number(harness.tenant)
    number = free_direct_routing_number(harness.tenant)
    harness.tenant.faults.fail_next_operations(count=3, action="assign")

    outcomes = [await harness.phone.assign_number(number, user.id, NumberType.DIRECT_ROUTING) for _ in range(4)]

    assert [o.status for o in outcomes] == [OperationStatus.FAILED] * 3 + [OperationStatus.SUCCEEDED]


async def test_removing_a_number_nobody_holds_is_skipped_with_a_reason(harness: Harness) -> None:
    number = free_direct_routing_number(harness.tenant)

    outcome = await harness.phone.unassign_number(number, NumberType.DIRECT_ROUTING)

    assert outcome.status is OperationStatus.SKIPPED
    assert outcome.detail
    assert "not assigned" in outcome.detail


async def test_an_operation_that_never_finishes_times_out_at_the_deadline(harness: Harness) -> None:
    number, user = free_direct_routing_number(harness.tenant), user_without_number(harness.tenant)
    harness.tenant.faults.stall_next_operations()

    outcome = await harness.phone.assign_number(number, user.id, NumberType.DIRECT_ROUTING)

    assert outcome.status is OperationStatus.TIMED_OUT
    assert outcome.operation_id
    assert harness.clock.slept == EXACT_TUNING.operation_deadline_seconds


async def test_granting_a_policy_changes_the_effective_policy_and_none_restores_global(harness: Harness) -> None:
    user = user_without_number(harness.tenant)
    policy = harness.phone.allowed_policies()[1]

    await harness.phone.grant_voice_routing_policy(user.id, policy)
    granted = await harness.phone.get_account(user.id)
    await harness.phone.grant_voice_routing_policy(user.id, None)
    restored = await harness.phone.get_account(user.id)

    assert granted is not None
    assert granted.voice_routing_policy == policy
    assert restored is not None
    assert restored.voice_routing_policy is None
    assert await harness.phone.resolve_policy_id(policy) == harness.tenant.policies[policy]


async def test_granting_an_unknown_policy_fails_with_the_powershell_command_to_run(harness: Harness) -> None:
    user = user_without_number(harness.tenant)

    with pytest.raises(TeamsError) as raised:
        await harness.phone.grant_voice_routing_policy(user.id, "No-Such-Policy")

    assert f"Grant-CsOnlineVoiceRoutingPolicy -Identity {user.upn} -PolicyName No-Such-Policy" in str(raised.value)


async def test_allowed_policies_are_the_configured_ones(harness: Harness) -> None:
    assert harness.phone.allowed_policies() == tuple(harness.tenant.policies)


async def test_the_snapshot_shows_drift_made_behind_switchboards_back(harness: Harness) -> None:
    tenant = harness.tenant
    number, user = free_direct_routing_number(tenant), user_without_number(tenant)
    tenant.assign_directly(number, user.id)
    gone = next(n for n in tenant.all_numbers() if n.assignment_target_id and n.assignment_status == "userAssigned")
    gone_holder = gone.assignment_target_id
    assert gone_holder is not None
    tenant.remove_account(gone_holder)
    other = next(a for a in tenant.teams_accounts() if a.id != user.id and a.account_type == "user")
    tenant.show_number_on_account(number, other.id)

    snapshot = await harness.phone.fetch_snapshot()

    numbers = {n.number: n for n in snapshot.numbers}
    assert numbers[number].holder_id == user.id
    assert numbers[gone.telephone_number].holder_id == gone_holder
    assert gone_holder not in snapshot.accounts
    assert number in snapshot.accounts[user.id].numbers
    assert number in snapshot.accounts[other.id].numbers
    assert len(snapshot.numbers) == len(tenant.all_numbers())


async def test_a_429_is_waited_out_for_as_long_as_teams_asks(harness: Harness) -> None:
    harness.tenant.faults.respond_next(429, retry_after=2, path_contains="numberAssignments")

    numbers = await harness.phone.list_numbers()

    assert len(numbers) == len(harness.tenant.all_numbers())
    assert harness.clock.sleeps == [2.0]


async def test_an_operation_can_be_asked_again_by_the_location_given_when_teams_accepted_it(harness: Harness) -> None:
    number, user = free_direct_routing_number(harness.tenant), user_without_number(harness.tenant)
    locations: list[str] = []
    looks = []

    async def started(location: str) -> None:
        locations.append(location)
        looks.append(await harness.phone.operation_outcome(location))  # at once: Teams has only just begun

    outcome = await harness.phone.assign_number(number, user.id, NumberType.DIRECT_ROUTING, on_started=started)

    assert outcome.succeeded
    assert [look.status if look else None for look in looks] == [OperationStatus.RUNNING]
    later = await harness.phone.operation_outcome(locations[0])
    assert later is not None
    assert (later.status, later.operation_id) == (OperationStatus.SUCCEEDED, outcome.operation_id)


async def test_asking_about_an_operation_teams_does_not_know_answers_none(harness: Harness) -> None:
    number, user = free_direct_routing_number(harness.tenant), user_without_number(harness.tenant)
    locations: list[str] = []

    async def started(location: str) -> None:
        locations.append(location)

    outcome = await harness.phone.assign_number(number, user.id, NumberType.DIRECT_ROUTING, on_started=started)
    assert outcome.operation_id
    unknown = locations[0].replace(outcome.operation_id, "QXNzaWduLTEtOTk5OTk5OTk")
    assert await harness.phone.operation_outcome(unknown) is None


async def test_a_persons_rule_attributes_and_groups_are_read_as_entra_has_them(harness: Harness) -> None:
    user = user_without_number(harness.tenant)
    user.department, user.usage_location, user.city = "Sales", "US", "Seattle"
    user.office_location, user.company_name = "Building 4", "Contoso Ltd"
    # More groups than one page of transitiveMemberOf holds: every page is read.
    user.member_of = [SimGroup(f"grp-{i:03d}", f"Team {i:03d}") for i in range(150)]

    person = await harness.phone.person_attributes(user.id)

    assert person is not None
    assert (person.department, person.usage_location, person.city) == ("Sales", "US", "Seattle")
    assert (person.office_location, person.company_name) == ("Building 4", "Contoso Ltd")
    assert len(person.groups) == 150
    assert person.groups[149] == ("grp-149", "Team 149")
    assert await harness.phone.person_attributes("00000000-0000-0000-0000-00000000dead") is None


async def test_an_operation_over_teams_running_limit_is_refused_429_and_started_after_the_retry_after(
    harness: Harness,
) -> None:
    harness.tenant.knobs = FaultKnobs(operation_delay_seconds=3, max_running_operations=1, busy_retry_after_seconds=4)
    free = [
        n.telephone_number
        for n in harness.tenant.all_numbers()
        if n.number_type == "directRouting" and n.assignment_target_id is None
    ]
    users = [
        a for a in harness.tenant.teams_accounts() if a.account_type == "user" and not harness.tenant.numbers_of(a.id)
    ]
    harness.tenant.start_operation("assign", free[0], "directRouting", target_id=users[0].id)  # one already running

    outcome = await harness.phone.assign_number(free[1], users[1].id, NumberType.DIRECT_ROUTING)

    assert outcome.succeeded
    assert harness.tenant.operations_refused >= 1
    assert harness.clock.sleeps[0] == 4.0  # the busy answer's Retry-After, waited out exactly


async def test_a_streamed_snapshot_adds_up_to_the_fetched_one(harness: Harness) -> None:
    tenant = harness.tenant
    number, user = free_direct_routing_number(tenant), user_without_number(tenant)
    tenant.assign_directly(number, user.id)
    other = next(a for a in tenant.teams_accounts() if a.id != user.id and a.account_type == "user")
    tenant.show_number_on_account(number, other.id)
    sink = RecordingSink()

    await harness.phone.stream_snapshot(sink)
    fetched = await harness.phone.fetch_snapshot()

    streamed = sink.snapshot()
    assert sorted(streamed.numbers, key=lambda n: n.key) == sorted(fetched.numbers, key=lambda n: n.key)
    assert streamed.accounts == fetched.accounts
    assert len(sink.number_pages) >= 1
