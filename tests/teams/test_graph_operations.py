"""Assign/unassign over HTTP: a 202 is not success; the operation is polled with backoff to a final
status or our deadline; Retry-After on polls is honoured; statusDetail reaches the caller verbatim."""

from __future__ import annotations

import dataclasses

import pytest

from inventory.errors import TeamsError
from inventory.model import NumberType
from inventory.ports.phone_system import OperationStatus
from inventory.teams.simulation.faults import FaultKnobs
from inventory.teams.simulation.tenant import SimulatedTenant
from tests.support.clock import FakeClock
from tests.support.teams_fakes import EXACT_TUNING, graph_over_http, small_tenant


def free_number_and_user(clock: FakeClock) -> tuple[SimulatedTenant, str, str]:
    tenant = small_tenant(clock)
    number = next(n for n in tenant.all_numbers() if n.number_type == "directRouting" and not n.assignment_target_id)
    user = next(a for a in tenant.teams_accounts() if a.account_type == "user" and not tenant.numbers_of(a.id))
    return tenant, number.telephone_number, user.id


async def test_an_operation_that_never_finishes_is_timed_out_at_the_deadline_without_waiting() -> None:
    clock = FakeClock()
    tenant, number, user = free_number_and_user(clock)
    tenant.faults.stall_next_operations()
    async with graph_over_http(tenant, clock) as (phone, server):
        outcome = await phone.assign_number(number, user, NumberType.DIRECT_ROUTING)

    assert outcome.status is OperationStatus.TIMED_OUT
    # A quarter second doubling to a steady second for the first minute, then on to 5 s; cut at 300 s.
    assert clock.sleeps == [0.25, 0.5, *[1] * 60, 2, 4, *[5] * 46, 3.25]
    polls = [r for r in server.requests if "operations(" in r.path]
    assert len(polls) == len(clock.sleeps)
    assert all(r.status == 200 for r in polls)


async def test_a_shorter_operation_deadline_is_respected() -> None:
    clock = FakeClock()
    tenant, number, user = free_number_and_user(clock)
    tenant.faults.stall_next_operations()
    tuning = dataclasses.replace(EXACT_TUNING, operation_deadline_seconds=10)
    async with graph_over_http(tenant, clock, tuning=tuning) as (phone, _):
        outcome = await phone.assign_number(number, user, NumberType.DIRECT_ROUTING)

    assert outcome.status is OperationStatus.TIMED_OUT
    assert clock.slept == 10


async def test_retry_after_on_the_202_and_on_polls_sets_the_poll_interval() -> None:
    clock = FakeClock()
    tenant, number, user = free_number_and_user(clock)
    tenant.knobs = FaultKnobs(operation_delay_seconds=12, operation_retry_after=5)
    async with graph_over_http(tenant, clock) as (phone, server):
        outcome = await phone.assign_number(number, user, NumberType.DIRECT_ROUTING)

    assert outcome.succeeded
    assert clock.sleeps == [5, 5, 5]
    assert [r.retry_after for r in server.requests if "assignNumber" in r.path] == ["5"]


async def test_a_failed_operation_returns_the_status_detail_verbatim_and_no_success() -> None:
    clock = FakeClock()
    tenant, number, user = free_number_and_user(clock)
    detail = 'Number "+1 206" is reserved by the carrier; contact them.\nRef: 7781'
    tenant.faults.fail_next_operations(detail=detail)
    async with graph_over_http(tenant, clock) as (phone, server):
        outcome = await phone.assign_number(number, user, NumberType.DIRECT_ROUTING)

    assert outcome.status is OperationStatus.FAILED
    assert outcome.detail == detail
    assert [r.status for r in server.requests if "assignNumber" in r.path] == [202]


async def test_assign_sends_graphs_documented_body_with_the_location() -> None:
    clock = FakeClock()
    tenant, number, user = free_number_and_user(clock)
    tenant.add_location("loc-42")  # an emergency location the tenant has (the stand-in refuses others)
    async with graph_over_http(tenant, clock) as (phone, _):
        outcome = await phone.assign_number(number, user, NumberType.DIRECT_ROUTING, location_id="loc-42")

    assert outcome.succeeded
    record = tenant.number(number)
    assert record is not None
    assert record.location_id == "loc-42"


async def test_an_assignment_teams_rejects_up_front_is_a_teams_error_not_an_outcome() -> None:
    clock = FakeClock()
    tenant, _, user = free_number_and_user(clock)
    async with graph_over_http(tenant, clock) as (phone, _):
        with pytest.raises(TeamsError, match="400"):
            await phone.assign_number("not-a-number", user, NumberType.DIRECT_ROUTING)


async def test_a_poll_that_is_throttled_is_retried_and_the_operation_still_completes() -> None:
    clock = FakeClock()
    tenant, number, user = free_number_and_user(clock)
    tenant.faults.respond_next(429, retry_after=3, path_contains="operations")
    async with graph_over_http(tenant, clock) as (phone, _):
        outcome = await phone.assign_number(number, user, NumberType.DIRECT_ROUTING)

    assert outcome.succeeded
    assert clock.sleeps == [0.25, 3]
