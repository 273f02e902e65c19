"""Odd data from Teams must not break a sync: unknown enum values, missing UPNs, broken items."""

from __future__ import annotations

import aiohttp

from inventory.ports.phone_system import TeamsAssignmentStatus
from inventory.teams.mapping import number_from_graph, numbers_from_graph, user_configuration_from_graph
from inventory.teams.simulation.records import SimAccount, SimNumber
from tests.support.clock import FakeClock
from tests.support.teams_fakes import graph_over_http, small_tenant


async def test_unknown_enum_values_read_as_unknown_instead_of_crashing() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    tenant.add_number(SimNumber("+12065559999", "unknownFutureValue", assignment_status="sharedLineAssigned"))
    tenant.add_account(SimAccount("sfb-1", "old@contoso.example", "Legacy Phone", account_type="sfbOnPremUser"))
    async with graph_over_http(tenant, clock) as (phone, _):
        numbers = {n.number: n for n in await phone.list_numbers()}
        accounts = {a.id: a for a in await phone.list_accounts()}

    assert numbers["+12065559999"].number_type is None
    assert numbers["+12065559999"].assignment_status is TeamsAssignmentStatus.UNKNOWN
    assert accounts["sfb-1"].account_type is None
    assert accounts["sfb-1"].label == "Legacy Phone"


async def test_an_account_without_a_upn_is_listed_and_labelled_by_its_name() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    tenant.add_account(SimAccount("no-upn", None, "Lobby Phone", account_type="user"))
    tenant.assign_directly("+12065558888", "no-upn")
    async with graph_over_http(tenant, clock) as (phone, _):
        snapshot = await phone.fetch_snapshot()

    account = snapshot.accounts["no-upn"]
    assert account.upn is None
    assert account.label == "Lobby Phone"
    assert account.numbers == ("+12065558888",)


def test_items_without_a_number_or_id_are_dropped_and_counted() -> None:
    items: list[object] = [
        {"telephoneNumber": "+15550001", "numberType": "directRouting", "assignmentStatus": "unassigned"},
        {"telephoneNumber": None},
        "not an object",
        {"telephoneNumber": "15550002", "numberType": 7, "assignmentStatus": None, "assignmentTargetId": ""},
        {"telephoneNumber": "+15550001"},
    ]

    numbers, dropped, repeats = numbers_from_graph(items)

    assert [n.number for n in numbers] == ["+15550001", "+15550002"]  # a missing + is restored
    assert (dropped, repeats) == (2, 1)
    assert numbers[1].holder_id is None
    assert numbers[1].number_type is None


def test_null_and_wrongly_typed_fields_do_not_crash_the_mapping() -> None:
    assert number_from_graph({"telephoneNumber": "  "}) is None
    config = user_configuration_from_graph(
        {"id": "u1", "telephoneNumbers": "oops", "effectivePolicyAssignments": [None, {"policyType": 3}]}
    )
    assert config is not None
    assert config.numbers == ()
    assert config.voice_routing_policy is None
    assert not config.enterprise_voice
    assert config.upn is None


async def test_graph_sends_types_added_after_v1_only_to_a_client_that_asks_and_ours_asks() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    tenant.add_number(SimNumber("+447700900001", "operatorConnectMobile"))
    async with graph_over_http(tenant, clock) as (phone, server):
        numbers = {n.number: n for n in await phone.list_numbers()}
        path = f"{server.graph_base_url}/admin/teams/telephoneNumberManagement/numberAssignments"
        async with (
            aiohttp.ClientSession(headers={"Authorization": "Bearer any"}) as plain,
            plain.get(path) as response,
        ):
            unasked = {item["telephoneNumber"]: item for item in (await response.json())["value"]}

    assert unasked["+447700900001"]["numberType"] == "unknownFutureValue"  # Graph hides it from the unasking
    mobile = numbers["+447700900001"].number_type
    assert mobile is not None
    assert (mobile.value, mobile.listed) == ("operatorConnectMobile", False)
