"""GraphPhoneSystem against Graph's failure modes, over real HTTP to the stand-in on 127.0.0.1.
Waits are asserted on the fake clock and the server's request log, never on wall time."""

from __future__ import annotations

import dataclasses

import pytest

from inventory.errors import TeamsError, TeamsPermissionError
from inventory.model import NumberType
from inventory.teams.factory import phone_system_for
from inventory.teams.graph_errors import TeamsNotFound
from inventory.teams.stand_in.server import start_graph_server
from tests.support.clock import FakeClock
from tests.support.teams_fakes import EXACT_TUNING, graph_over_http, small_tenant

NUMBERS = "numberAssignments"


async def test_a_429_with_retry_after_2_is_waited_out_for_exactly_two_seconds() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    tenant.faults.respond_next(429, retry_after=2, path_contains=NUMBERS)
    async with graph_over_http(tenant, clock) as (phone, server):
        numbers = await phone.list_numbers()

    assert len(numbers) == len(tenant.all_numbers())
    assert clock.sleeps == [2.0]
    statuses = [(r.status, r.retry_after) for r in server.requests if NUMBERS in r.path]
    assert statuses == [(429, "2"), (200, None)]


async def test_a_503_is_retried_with_exponential_backoff_and_then_succeeds() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    tenant.faults.respond_next(503, count=2, path_contains=NUMBERS)
    async with graph_over_http(tenant, clock) as (phone, server):
        numbers = await phone.list_numbers()

    assert len(numbers) == len(tenant.all_numbers())
    assert clock.sleeps == [1.0, 2.0]
    assert [r.status for r in server.requests if NUMBERS in r.path] == [503, 503, 200]


async def test_backoff_without_retry_after_is_jittered_below_its_ceiling() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    tenant.faults.respond_next(504, count=3, path_contains=NUMBERS)
    jittered = dataclasses.replace(EXACT_TUNING, jitter=lambda ceiling: ceiling * 0.75)
    async with graph_over_http(tenant, clock, tuning=jittered) as (phone, _):
        await phone.list_numbers()

    assert clock.sleeps == [0.75, 1.5, 3.0]


async def test_retries_stop_after_the_attempt_limit_with_a_retryable_error() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    tenant.faults.respond_next(503, count=50, path_contains=NUMBERS)
    async with graph_over_http(tenant, clock) as (phone, server):
        with pytest.raises(TeamsError) as raised:
            await phone.list_numbers()

    assert raised.value.retryable
    assert raised.value.status == 503
    assert "after 5 attempts" in str(raised.value)
    assert len([r for r in server.requests if NUMBERS in r.path]) == EXACT_TUNING.max_attempts


async def test_a_403_fails_fast_naming_the_missing_permission_the_tenant_and_admin_consent() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    tenant.faults.respond_next(403, path_contains=NUMBERS)
    async with graph_over_http(tenant, clock) as (phone, server):
        with pytest.raises(TeamsPermissionError) as raised:
            await phone.list_numbers()

    message = str(raised.value)
    assert "TeamsTelephoneNumber.Read.All" in message
    assert "'contoso'" in message
    assert "admin consent" in message
    assert clock.sleeps == []
    assert len([r for r in server.requests if NUMBERS in r.path]) == 1


async def test_a_403_on_assign_names_the_write_permission() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    tenant.faults.respond_next(403, path_contains="assignNumber")
    async with graph_over_http(tenant, clock) as (phone, _):
        with pytest.raises(TeamsPermissionError, match=r"TeamsTelephoneNumber\.ReadWrite\.All"):
            await phone.assign_number("+12065550100", "someone", NumberType.DIRECT_ROUTING)


@pytest.mark.parametrize(("status", "error_type"), [(400, TeamsError), (404, TeamsNotFound)])
async def test_400_and_404_are_never_retried(status: int, error_type: type[TeamsError]) -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    tenant.faults.respond_next(status, path_contains="/v1.0/users", message="Teams explains the problem here.")
    async with graph_over_http(tenant, clock) as (phone, server):
        with pytest.raises(error_type) as raised:
            await phone.search_accounts("a")

    assert raised.value.status == status
    assert "Teams explains the problem here." in str(raised.value)
    assert len([r for r in server.requests if r.path.startswith("/v1.0/users")]) == 1
    assert clock.sleeps == []


async def test_a_retry_after_longer_than_we_wait_fails_fast_and_says_how_long() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    tenant.faults.respond_next(429, retry_after=3600, path_contains=NUMBERS)
    async with graph_over_http(tenant, clock) as (phone, _):
        with pytest.raises(TeamsError, match="wait 3600 s") as raised:
            await phone.list_numbers()

    assert raised.value.retryable
    assert clock.sleeps == []


async def test_the_call_deadline_bounds_the_total_wait_across_retries() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    tenant.faults.respond_next(429, retry_after=100, count=5, path_contains=NUMBERS)
    async with graph_over_http(tenant, clock) as (phone, _):
        with pytest.raises(TeamsError, match="Gave up"):
            await phone.list_numbers()

    assert clock.slept == 100.0  # a second 100 s wait would pass the 180 s deadline


async def test_truncated_json_gives_a_clear_teams_error_instead_of_a_crash() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    tenant.faults.truncate_next(path_contains=NUMBERS)
    async with graph_over_http(tenant, clock) as (phone, _):
        with pytest.raises(TeamsError, match="could not read") as raised:
            await phone.list_numbers()

    assert "not valid JSON" in str(raised.value)


async def test_an_unreachable_graph_fails_after_bounded_attempts_with_a_clear_message() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    server = await start_graph_server(tenant)
    config = server.tenant_config("contoso")
    await server.stop()  # nothing listens on that port any more
    async with phone_system_for(config, clock=clock, tuning=EXACT_TUNING) as phone:
        with pytest.raises(TeamsError) as raised:
            await phone.list_numbers()

    assert "contoso" in str(raised.value)
    assert raised.value.retryable


async def test_a_lost_connection_on_assign_is_not_retried_and_asks_for_a_sync() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    async with graph_over_http(tenant, clock) as (phone, server):
        await phone.list_numbers()  # holds a token now, so only the Graph request can fail
        client = phone.client
        await server.stop()
        url = client.url(f"admin/teams/telephoneNumberManagement/{NUMBERS}/assignNumber")
        with pytest.raises(TeamsError, match="run a sync") as raised:
            await client.request("POST", url, what="assign", permission="TeamsTelephoneNumber.ReadWrite.All")

    assert raised.value.retryable
    assert clock.sleeps == []
