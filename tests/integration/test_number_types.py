"""Number types as Teams names them, on both databases: a type new to Switchboard is synced, stored, shown,
exported and imported verbatim, and sent back to Teams unchanged, never read as Direct Routing."""

from __future__ import annotations

import io

import pytest

from inventory.config import TenantConfig
from inventory.errors import ImportRejected
from inventory.model import Actor, Assignee, NumberStatus, NumberType
from inventory.services.assignment import AssignmentService, AssignRequest
from inventory.services.context import ServiceContext
from inventory.services.exports import export_csv
from inventory.services.imports import import_csv
from inventory.services.sync import SyncService
from inventory.store.engine import Store
from inventory.teams.simulation import SimAccount, SimNumber, SimulatedPhoneSystem, SimulatedTenant
from tests.support.clock import FakeClock
from tests.support.db import number
from tests.support.services import one_tenant

OLIVIA = Actor("obj-olivia", "olivia@contoso.test")
MOBILE = "operatorConnectMobile"  # 21 characters: one more than the column used to allow
HELD, SPARE = "+447700900001", "+447700900002"


@pytest.fixture
def teams(clock: FakeClock) -> SimulatedTenant:
    tenant = SimulatedTenant(
        name="contoso",
        accounts=[
            SimAccount("obj-adele", "adele@contoso.test", "Adele Vance", enterprise_voice=True),
            SimAccount("obj-bob", "bob@contoso.test", "Bob Kelly", enterprise_voice=True),
        ],
        numbers=[SimNumber(SPARE, MOBILE, capabilities=["userAssignment", "teamsPhoneMobile"])],
        clock=clock,
    )
    tenant.assign_directly(HELD, "obj-adele", number_type=MOBILE)
    return tenant


@pytest.fixture
def context(store: Store, teams: SimulatedTenant, clock: FakeClock) -> ServiceContext:
    phone = SimulatedPhoneSystem(teams, clock=clock)
    return one_tenant(store, phone, TenantConfig(name="contoso", display_name="Contoso"), clock)


async def synced(context: ServiceContext) -> None:
    sync = SyncService(context)
    preview = await sync.start_sync("contoso", OLIVIA)
    await sync.commit_sync(preview.run.id, "contoso", OLIVIA)


async def test_a_type_new_to_switchboard_is_stored_verbatim_and_never_as_direct_routing(
    context: ServiceContext, store: Store
) -> None:
    await synced(context)

    held, spare = await number(store, HELD), await number(store, SPARE)
    assert (held.number_type.value, spare.number_type.value) == (MOBILE, MOBILE)
    assert not held.number_type.listed
    assert held.number_type is not NumberType.DIRECT_ROUTING
    assert held.number_type.label == MOBILE  # shown as Teams names it
    assert (held.status, spare.status) == (NumberStatus.USED, NumberStatus.AVAILABLE)
    again = await SyncService(context).start_sync("contoso", OLIVIA)
    assert not again.has_changes  # and a second sync agrees: no type "update" back and forth


async def test_assigning_and_removing_send_teams_the_type_it_reported(
    context: ServiceContext, store: Store, teams: SimulatedTenant
) -> None:
    await synced(context)
    assignments = AssignmentService(context)
    bob = Assignee("obj-bob", "bob@contoso.test", "Bob Kelly")

    assigned = await assignments.assign(AssignRequest("contoso", SPARE, bob, None), OLIVIA)
    removed = await assignments.unassign("contoso", HELD, OLIVIA)

    # Simulated Teams refuses an operation whose numberType is not the number's own.
    assert assigned.succeeded, assigned.detail
    assert removed.succeeded, removed.detail
    sim = teams.number(SPARE)
    assert sim is not None
    assert (sim.assignment_target_id, sim.number_type) == ("obj-bob", MOBILE)


async def test_an_export_read_back_keeps_the_type(context: ServiceContext, store: Store) -> None:
    await synced(context)
    exported = io.StringIO()
    await export_csv(store, "contoso", exported)
    assert f",{MOBILE}," in exported.getvalue()

    rows = exported.getvalue().replace("+447700900002", "+447700900003")
    await import_csv(store, "contoso", rows, actor=OLIVIA, clock=context.clock)

    assert (await number(store, "+447700900003")).number_type.value == MOBILE


async def test_a_type_no_number_of_the_tenant_has_is_a_typo_in_a_csv(context: ServiceContext, store: Store) -> None:
    await synced(context)
    with pytest.raises(ImportRejected) as rejected:
        await import_csv(
            store, "contoso", "number,type\n+447700900009,landlineMobile\n", actor=OLIVIA, clock=context.clock
        )
    assert rejected.value.problems == [
        "line 2: 'landlineMobile' is not a number type; use one of directRouting, callingPlan, operatorConnect"
    ]
    with pytest.raises(ValueError, match="is not a number type"):
        NumberType.parse(MOBILE)  # typed by a person, a type Switchboard does not list is refused
