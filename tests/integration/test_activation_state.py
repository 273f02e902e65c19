"""Teams' activation state is part of the inventory, on both databases: stored per number, compared by sync,
and a number Teams has pending, failed or in a state Switchboard does not know is never offered."""

from __future__ import annotations

import io

import pytest

from bot.flows.view_models import number_view
from inventory.config import TenantConfig
from inventory.errors import TransitionRefused
from inventory.model import ActivationState, Actor, NumberStatus
from inventory.number_query import NumberQuery
from inventory.services.context import ServiceContext
from inventory.services.exports import export_csv
from inventory.services.holds import reserve_number
from inventory.services.sync import SyncService
from inventory.store.engine import Store
from inventory.teams.simulation import SimAccount, SimNumber, SimulatedPhoneSystem, SimulatedTenant
from tests.support.clock import FakeClock
from tests.support.db import number
from tests.support.services import one_tenant

OLIVIA = Actor("obj-olivia", "olivia@contoso.test")
ACTIVE, PENDING, FAILED, NEWER = "+12065550001", "+12065550002", "+12065550003", "+12065550004"


@pytest.fixture
def teams(clock: FakeClock) -> SimulatedTenant:
    numbers = [
        SimNumber(ACTIVE, "callingPlan", capabilities=["userAssignment"]),
        SimNumber(PENDING, "callingPlan", activation_state="assignmentPending"),
        SimNumber(FAILED, "callingPlan", activation_state="assignmentFailed"),
        SimNumber(NEWER, "callingPlan", activation_state="portingInProgress"),  # a state added after v1.0
    ]
    accounts = [SimAccount("obj-adele", "adele@contoso.test", "Adele Vance", enterprise_voice=True)]
    return SimulatedTenant(name="contoso", accounts=accounts, numbers=numbers, clock=clock)


@pytest.fixture
def context(store: Store, teams: SimulatedTenant, clock: FakeClock) -> ServiceContext:
    phone = SimulatedPhoneSystem(teams, clock=clock)
    return one_tenant(store, phone, TenantConfig(name="contoso", display_name="Contoso"), clock)


async def synced(context: ServiceContext) -> None:
    sync = SyncService(context)
    await sync.commit_sync((await sync.start_sync("contoso", OLIVIA)).run.id, "contoso", OLIVIA)


async def offered(store: Store) -> list[str]:
    query = NumberQuery("contoso", statuses=(NumberStatus.AVAILABLE,), offerable_only=True)
    async with store.read() as uow:
        return [n.number for n in (await uow.numbers.search(query)).items]


async def test_each_number_keeps_the_state_teams_reports_even_one_switchboard_does_not_know(
    context: ServiceContext, store: Store
) -> None:
    await synced(context)
    states = {n: (await number(store, n)).activation_state for n in (ACTIVE, PENDING, FAILED, NEWER)}
    assert states[ACTIVE] is ActivationState.ACTIVATED
    assert states[PENDING] is ActivationState.ASSIGNMENT_PENDING
    assert states[FAILED] is ActivationState.ASSIGNMENT_FAILED
    newer = states[NEWER]
    assert newer is not None
    assert newer.value == "portingInProgress"
    assert newer.label == "in a state Switchboard does not know (portingInProgress)"


async def test_only_an_active_number_is_offered_and_a_stale_click_cannot_hold_another(
    context: ServiceContext, store: Store
) -> None:
    await synced(context)
    assert await offered(store) == [ACTIVE]
    with pytest.raises(TransitionRefused, match="Teams reports \\+1 206 555 0002 as assignment pending in Teams"):
        await reserve_number(
            store, "contoso", PENDING, owner="olivia", note="", minutes=10, actor=OLIVIA, clock=context.clock
        )
    assert (await number(store, PENDING)).status is NumberStatus.AVAILABLE


async def test_a_state_teams_changes_is_an_update_in_the_review_and_the_number_is_offered_again(
    context: ServiceContext, store: Store, teams: SimulatedTenant
) -> None:
    await synced(context)
    pending = teams.number(PENDING)
    assert pending is not None
    pending.activation_state = "activated"

    preview = await SyncService(context).start_sync("contoso", OLIVIA)
    fields = [stored.change.fields for changes in preview.preview.values() for stored in changes]
    assert (("Teams state", "assignmentPending", "activated"),) in fields
    await SyncService(context).commit_sync(preview.run.id, "contoso", OLIVIA)
    assert await offered(store) == [ACTIVE, PENDING]


async def test_numbers_cards_and_the_export_show_a_state_that_is_not_plainly_active(
    context: ServiceContext, store: Store
) -> None:
    await synced(context)
    failed = await number(store, FAILED)
    exported = io.StringIO()
    await export_csv(store, "contoso", exported)

    assert number_view(failed).status == "available, assignment failed in Teams"
    assert number_view(await number(store, ACTIVE)).status == "available"
    lines = {line.split(",")[0]: line for line in exported.getvalue().splitlines()}
    assert ",assignmentFailed," in lines[FAILED]
