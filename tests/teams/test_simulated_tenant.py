"""The simulated tenant: deterministic generation, persistence across restarts, and the in-process
SimulatedPhoneSystem honouring the same fault knobs as the Graph server."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from inventory.errors import ConfigurationError, TeamsError, TeamsPermissionError
from inventory.model import NumberType
from inventory.ports.phone_system import OperationStatus
from inventory.teams.simulation import SimulatedPhoneSystem
from inventory.teams.simulation.directory import Names, Person, VoiceApp
from inventory.teams.simulation.faults import REALISTIC_FAILURES, FaultKnobs
from inventory.teams.simulation.generate import Holders, TenantCast, TenantSizes, generate_tenant
from inventory.teams.simulation.number_blocks import Site
from inventory.teams.simulation.state_file import StateSaver, load_or_create, load_tenant, save_tenant, tenant_to_json
from inventory.teams.simulation.tenant import SimulatedTenant
from tests.support.clock import FakeClock
from tests.support.teams_fakes import EXACT_TUNING, small_tenant


def test_the_same_seed_and_sizes_give_the_same_tenant() -> None:
    sizes = TenantSizes(users=40, numbers=120)

    first, again, other = generate_tenant(sizes, seed=3), generate_tenant(sizes, seed=3), generate_tenant(sizes, seed=4)

    assert tenant_to_json(first) == tenant_to_json(again)
    assert tenant_to_json(first) != tenant_to_json(other)


def test_a_generated_tenant_looks_like_a_real_one() -> None:
    tenant = generate_tenant(TenantSizes(users=200, numbers=300, assigned_share=0.5), seed=11)
    numbers = tenant.all_numbers()

    assert len(numbers) == 300
    assert len({n.telephone_number for n in numbers}) == 300
    assert {n.number_type for n in numbers} == {"directRouting", "callingPlan", "operatorConnect"}
    assert sum(1 for n in numbers if n.assignment_target_id) == 150
    assert all(n.city and n.iso_country_code and n.location_id and n.carrier for n in numbers)
    assert all(n.operator_id is None for n in numbers if n.number_type == "directRouting")
    assert all(n.operator_id for n in numbers if n.number_type != "directRouting")
    voice_apps = [a for a in tenant.accounts() if a.account_type == "resourceAccount"]
    assert voice_apps
    for account in voice_apps:
        held = tenant.number(tenant.numbers_of(account.id)[0])
        assert held is not None
        assert held.assignment_status == "voiceApplicationAssigned"
    assert any(a.account_type == "guest" for a in tenant.accounts())
    assert any(not a.teams_enabled for a in tenant.accounts())


CAST = TenantCast(
    domain="fabrikam.test",
    tenant_id="22222222-2222-4222-8222-222222222222",
    people=(Person("p-1", "nina@fabrikam.test", "Nina Holder"), Person("p-2", "otto@fabrikam.test", "Otto Never")),
    names=Names(first=("Ana",), last=("Lee",), known=("Kim Known",)),
    voice_apps=(VoiceApp("Front Desk", "front-desk", "Oslo"),),
    sites=(Site("Lima", "PE", "Alpha", "+5110000000"), Site("Oslo", "NO", "Beta", "+4720000000", policy="NO-Local")),
    holders=Holders(0.5, named=("p-1",), never=("p-2",)),
)
CAST_SIZES = TenantSizes(
    users=6, auto_attendants=0, call_queues=0, guests=0, without_teams=0, numbers=21, policies=("NO-Local", "Any")
)


def test_a_cast_puts_its_people_voice_apps_sites_and_holders_into_the_tenant() -> None:
    tenant = generate_tenant(CAST_SIZES, cast=CAST, seed=2, name="fabrikam")
    accounts = {account.upn: account for account in tenant.accounts()}
    numbers = tenant.all_numbers()

    assert tenant.tenant_id == "22222222-2222-4222-8222-222222222222"
    assert accounts["nina@fabrikam.test"].id == "p-1"
    assert accounts["kim.known@fabrikam.test"].display_name == "Kim Known"
    assert len(accounts) == 1 + 2 + 6  # the voice app, the cast's people, the made-up users
    assert [n.telephone_number for n in numbers if n.city == "Lima"][:2] == ["+5110000000", "+5110000001"]
    assert sum(1 for n in numbers if n.city == "Lima") == 11  # 21 over two sites: the first gets one more
    assert {n.number_type for n in numbers} == {"directRouting"}
    desk = tenant.number(tenant.numbers_of(accounts["front-desk@fabrikam.test"].id)[0])
    assert desk is not None
    assert desk.city == "Oslo"
    assert len(tenant.numbers_of("p-1")) == 1
    assert tenant.numbers_of("p-2") == []
    made_up = [a for a in tenant.accounts() if a.upn and a.upn.startswith(("ana.", "kim."))]
    assert sum(1 for a in made_up if tenant.numbers_of(a.id)) == round(len(made_up) * 0.5)


def test_what_a_cast_names_keeps_its_id_whatever_the_seed() -> None:
    first, other = generate_tenant(CAST_SIZES, cast=CAST, seed=1), generate_tenant(CAST_SIZES, cast=CAST, seed=9)

    def ids(tenant: SimulatedTenant) -> dict[str | None, str]:
        return {account.upn: account.id for account in tenant.accounts()}

    for named in ("front-desk@fabrikam.test", "kim.known@fabrikam.test", "nina@fabrikam.test"):
        assert ids(first)[named] == ids(other)[named]
    assert ids(first)["ana.lee2@fabrikam.test"] != ids(other)["ana.lee2@fabrikam.test"]


def test_the_tenant_survives_a_restart_through_its_state_file(tmp_path: Path) -> None:
    state = tmp_path / "tenant.json"
    tenant = load_or_create(state, TenantSizes(users=20, numbers=40), seed=5)
    number = next(n for n in tenant.all_numbers() if not n.assignment_target_id)
    tenant.assign_directly(number.telephone_number, tenant.teams_accounts()[0].id)
    tenant.start_operation("unassign", number.telephone_number, number.number_type)
    save_tenant(tenant, state)

    reloaded = load_or_create(state, TenantSizes(users=999, numbers=999), seed=99)

    assert tenant_to_json(reloaded) == tenant_to_json(tenant)
    assert reloaded.operation_counter == 1
    assert [p.name for p in tmp_path.iterdir()] == ["tenant.json"]  # no temporary files left behind


def test_a_damaged_state_file_is_a_clear_configuration_error(tmp_path: Path) -> None:
    state = tmp_path / "tenant.json"
    state.write_text(json.dumps({"format": "switchboard-simulated-tenant", "version": 1, "accounts": [[1]]}))

    with pytest.raises(ConfigurationError, match="damaged"):
        load_tenant(state)
    state.write_text("{")
    with pytest.raises(ConfigurationError, match="Cannot read"):
        load_tenant(state)


async def test_the_saver_writes_only_after_a_change_and_once_more_on_stop(tmp_path: Path) -> None:
    state = tmp_path / "tenant.json"
    tenant = small_tenant(FakeClock())
    saver = StateSaver(tenant, state, interval=0.01)

    assert await saver.save_if_changed() is False
    assert not state.exists()
    saver.start()
    tenant.unassign_directly(next(n for n in tenant.all_numbers() if n.assignment_target_id).telephone_number)
    for _ in range(200):
        if state.exists():
            break
        await asyncio.sleep(0.01)
    written = state.stat().st_mtime_ns
    tenant.remove_account(tenant.accounts()[0].id)
    await saver.stop()

    assert state.stat().st_mtime_ns >= written
    assert len(load_tenant(state).accounts()) == len(tenant.accounts())


async def test_in_process_503s_are_retried_on_the_clock_like_graph() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    tenant.faults.respond_next(503, count=2, path_contains="numberAssignments")
    phone = SimulatedPhoneSystem(tenant, clock=clock, tuning=EXACT_TUNING)

    numbers = await phone.list_numbers()

    assert len(numbers) == len(tenant.all_numbers())
    assert clock.sleeps == [1.0, 2.0]


async def test_in_process_a_403_names_the_permission_and_truncation_is_unreadable() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    phone = SimulatedPhoneSystem(tenant, clock=clock, tuning=EXACT_TUNING)
    tenant.faults.respond_next(403, path_contains="assignNumber")
    tenant.faults.truncate_next(path_contains="userConfigurations")

    with pytest.raises(TeamsPermissionError, match=r"TeamsTelephoneNumber\.ReadWrite\.All"):
        await phone.assign_number("+12065550100", "x", NumberType.DIRECT_ROUTING)
    with pytest.raises(TeamsError, match="could not read"):
        await phone.list_accounts()


async def test_random_operation_failures_use_realistic_details_and_are_seeded() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    tenant.knobs = FaultKnobs(operation_failure_rate=1.0)
    phone = SimulatedPhoneSystem(tenant, clock=clock)
    user = next(a for a in tenant.teams_accounts() if a.account_type == "user")

    outcome = await phone.assign_number("+12065550100", user.id, NumberType.DIRECT_ROUTING)

    assert outcome.status is OperationStatus.FAILED
    assert outcome.detail in REALISTIC_FAILURES


async def test_a_new_primary_number_replaces_the_accounts_old_one() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    phone = SimulatedPhoneSystem(tenant, clock=clock)
    holder = next(a for a in tenant.teams_accounts() if a.account_type == "user" and tenant.numbers_of(a.id))
    old = tenant.numbers_of(holder.id)[0]

    outcome = await phone.assign_number("+12065550177", holder.id, NumberType.DIRECT_ROUTING)

    assert outcome.succeeded
    assert tenant.numbers_of(holder.id) == ["+12065550177"]
    previous = tenant.number(old)
    assert previous is not None
    assert previous.assignment_target_id is None


async def test_assigning_a_number_someone_else_holds_fails_with_teams_reason() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    phone = SimulatedPhoneSystem(tenant, clock=clock)
    taken = next(n for n in tenant.all_numbers() if n.assignment_target_id and n.number_type == "directRouting")
    other = next(a for a in tenant.teams_accounts() if a.account_type == "user" and a.id != taken.assignment_target_id)

    outcome = await phone.assign_number(taken.telephone_number, other.id, NumberType.DIRECT_ROUTING)

    assert outcome.status is OperationStatus.FAILED
    assert outcome.detail
    assert "already assigned" in outcome.detail


async def test_in_process_latency_is_spent_on_the_clock_for_every_simulated_request() -> None:
    clock = FakeClock()
    tenant = small_tenant(clock)
    tenant.knobs = FaultKnobs(latency_ms=250)
    phone = SimulatedPhoneSystem(tenant, clock=clock)

    await phone.list_accounts()

    assert clock.sleeps == [0.25] * len(phone.requests)
    assert len(phone.requests) == 2  # one page of settings, one page of names


def test_people_carry_what_entra_says_about_them_and_keep_it_through_the_state_file(tmp_path: Path) -> None:
    state = tmp_path / "tenant.json"
    tenant = load_or_create(state, TenantSizes(users=12, numbers=20), seed=5)
    users = [a for a in tenant.accounts() if a.account_type == "user"]
    assert all(u.city and u.usage_location and u.department and u.company_name for u in users)
    assert all(len(u.member_of) == 1 and u.member_of[0].display_name == f"{u.department} team" for u in users)
    save_tenant(tenant, state)

    reloaded = load_or_create(state, TenantSizes(users=999, numbers=999), seed=99)

    assert tenant_to_json(reloaded) == tenant_to_json(tenant)
    again = reloaded.account(users[0].id)
    assert again is not None
    assert again.member_of == users[0].member_of
