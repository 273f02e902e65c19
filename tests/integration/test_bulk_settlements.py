"""A bulk run's assignments settled a batch to a transaction, on both databases: every number used by its
account, the numbers Teams replaced released with their history, every entry closed, and Teams and the
inventory still agree (a sync finds no drift)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from inventory.config import TenantConfig
from inventory.e164 import parse_range
from inventory.model import Actor, Assignee, NumberStatus
from inventory.services.assignment import AssignmentService, AssignRequest
from inventory.services.bulk import assign_all
from inventory.services.context import ServiceContext
from inventory.services.imports import import_range
from inventory.services.sync import SyncService
from inventory.store.engine import Store
from inventory.teams.retry import GraphTuning
from inventory.teams.simulation import SimAccount, SimulatedPhoneSystem, SimulatedTenant
from tests.support import db
from tests.support.clock import FakeClock
from tests.support.services import one_tenant

OLIVIA = Actor("obj-olivia", "olivia@contoso.test")


def person(index: int) -> Assignee:
    return Assignee(f"obj-{index}", f"person{index}@contoso.test", f"Person {index}")


def number(index: int) -> str:
    return f"+120655501{index:02d}"


@pytest.fixture
def teams(clock: FakeClock) -> SimulatedTenant:
    accounts = [SimAccount(p.id, p.upn, p.display_name, enterprise_voice=True) for p in map(person, range(20))]
    return SimulatedTenant(name="contoso", accounts=accounts, clock=clock)


@pytest.fixture
async def context(store: Store, teams: SimulatedTenant, clock: FakeClock) -> ServiceContext:
    await import_range(store, "contoso", parse_range("+12065550100-+12065550159"), actor=OLIVIA, clock=clock)
    phone = SimulatedPhoneSystem(teams, clock=clock, tuning=GraphTuning(operation_deadline_seconds=60))
    return one_tenant(store, phone, TenantConfig(name="contoso", display_name="Contoso"), clock)


async def bulk(context: ServiceContext, assignments: AssignmentService, pairs: list[tuple[int, int]]) -> None:
    requests = [AssignRequest("contoso", number(n), person(p), None) for n, p in pairs]
    run = await assign_all(assignments, requests, OLIVIA, gate=context.gate("contoso"))
    assert run.succeeded == len(requests), [o.refusal or (o.result and o.result.detail) for o in run.outcomes]


async def test_a_bulk_run_re_assigning_twenty_holders_releases_each_old_number_and_closes_every_entry(
    store: Store, context: ServiceContext
) -> None:
    assignments = AssignmentService(context)
    await bulk(context, assignments, [(index, index) for index in range(20)])
    await bulk(context, assignments, [(index + 20, index) for index in range(20)])

    for index in range(20):
        old, new = await db.number(store, number(index)), await db.number(store, number(index + 20))
        assert (old.status, old.assignee) == (NumberStatus.AVAILABLE, None)
        assert (new.status, new.assignee) == (NumberStatus.USED, person(index))
        [replaced] = [e for e in await db.history(store, number(index)) if e.action == "replaced"]
        assert replaced.detail == f"Teams replaced it with {new.label} for Person {index}."
        assert replaced.operator_id == OLIVIA.id
    async with store.read() as uow:
        assert await uow.journal.pending(tenant="contoso", created_before=datetime(2100, 1, 1, tzinfo=UTC)) == []
    preview = await SyncService(context).start_sync("contoso", OLIVIA)
    assert (preview.run.counts["drift"], preview.run.counts["update"]) == (0, 0)


async def test_a_bulk_run_giving_one_person_two_numbers_leaves_the_inventory_as_teams_has_it(
    store: Store, context: ServiceContext
) -> None:
    assignments = AssignmentService(context)

    await bulk(context, assignments, [(0, 0), (1, 0), (2, 1)])

    numbers = [await db.number(store, number(index)) for index in range(3)]
    used = [n for n in numbers if n.status is NumberStatus.USED]
    assert sorted(n.assignee.id for n in used if n.assignee) == ["obj-0", "obj-1"]
    preview = await SyncService(context).start_sync("contoso", OLIVIA)
    assert (preview.run.counts["drift"], preview.run.counts["update"]) == (0, 0)
