"""A voice routing policy grant that fails after Teams assigned the number, over real HTTP against the
Graph stand-in, on both databases: the number is assigned with the policy pending, the journal entry
stays open, and the retries grant it with backoff until it lands, or give up saying how to grant it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from inventory.config import TenantConfig
from inventory.e164 import parse_range
from inventory.journal import FAILED, POLICY_ATTEMPTS, POLICY_PENDING, SUCCEEDED, JournalEntry
from inventory.model import Actor, Assignee, NumberStatus
from inventory.services.assignment import AssignmentService, AssignRequest
from inventory.services.imports import import_range
from inventory.services.policy_retry import PolicySettled
from inventory.store.engine import Store
from inventory.teams.simulation import SimAccount, SimulatedTenant
from tests.support import db
from tests.support.clock import FakeClock
from tests.support.services import one_tenant
from tests.support.teams_fakes import graph_over_http

OLIVIA = Actor("obj-olivia", "olivia@contoso.test")
ADELE = Assignee("obj-adele", "adele@contoso.test", "Adele Vance")
FREE = "+12065550100"
POLICY = "US-Unrestricted"


@pytest.fixture
def teams(clock: FakeClock) -> SimulatedTenant:
    return SimulatedTenant(
        name="contoso",
        accounts=[SimAccount("obj-adele", "adele@contoso.test", "Adele Vance", enterprise_voice=True)],
        policies={POLICY: "pol-1"},
        clock=clock,
    )


@pytest.fixture
async def assignments(store: Store, teams: SimulatedTenant, clock: FakeClock) -> AsyncIterator[AssignmentService]:
    await import_range(store, "contoso", parse_range("+12065550100-+12065550109"), actor=OLIVIA, clock=clock)
    async with graph_over_http(teams, clock) as (phone, _server):
        config = TenantConfig(name="contoso", display_name="Contoso", allowed_policies=(POLICY,))
        yield AssignmentService(one_tenant(store, phone, config, clock))


async def journal_entry(store: Store, entry_id: str) -> JournalEntry:
    async with store.read() as uow:
        entry = await uow.journal.get(entry_id)
    assert entry is not None
    return entry


async def test_a_grant_that_fails_once_leaves_the_number_assigned_with_the_policy_pending_until_a_retry_lands(
    assignments: AssignmentService, store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    teams.faults.fail_policy_grants(count=1)

    result = await assignments.assign(AssignRequest("contoso", FREE, ADELE, POLICY), OLIVIA)

    assert result.succeeded
    assert result.policy_pending
    assigned = await db.number(store, FREE)
    assert (assigned.status, assigned.assignee, assigned.voice_routing_policy) == (NumberStatus.USED, ADELE, None)
    entry = await journal_entry(store, result.journal_id)
    assert (entry.status, entry.attempts) == (POLICY_PENDING, 1)
    async with store.read() as uow:
        assert await uow.journal.policy_pending_for("contoso", [FREE]) == {FREE: POLICY}

    assert await assignments.retry_policies() == []  # not due yet: nothing is asked of Teams
    clock.advance(minutes=1)
    [landed] = await assignments.retry_policies()

    assert landed.landed
    assert (landed.number, landed.holder, landed.policy) == ("+1 206 555 0100", "Adele Vance", POLICY)
    assert (await db.number(store, FREE)).voice_routing_policy == POLICY
    assert (await journal_entry(store, result.journal_id)).status == SUCCEEDED
    account = teams.account("obj-adele")
    assert account is not None
    assert account.voice_routing_policy == POLICY
    assert await assignments.retry_policies() == []


async def test_a_grant_teams_always_refuses_is_retried_with_backoff_then_given_up_with_the_powershell_command(
    assignments: AssignmentService, store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    teams.faults.fail_policy_grants(count=None)
    result = await assignments.assign(AssignRequest("contoso", FREE, ADELE, POLICY), OLIVIA)
    waits: list[int] = []
    settled: list[PolicySettled] = []
    while not settled:
        entry = await journal_entry(store, result.journal_id)
        assert entry.retry_at is not None
        waits.append(round((entry.retry_at - clock.now()).total_seconds() / 60))
        clock.current = entry.retry_at
        settled = await assignments.retry_policies()

    assert waits == [1, 2, 4, 8, 16, 30, 30][: POLICY_ATTEMPTS - 1]
    [given_up] = settled
    assert not given_up.landed
    assert given_up.detail is not None
    assert (
        "Grant-CsOnlineVoiceRoutingPolicy -Identity adele@contoso.test -PolicyName US-Unrestricted" in given_up.detail
    )
    entry = await journal_entry(store, result.journal_id)
    assert (entry.status, entry.attempts) == (FAILED, POLICY_ATTEMPTS - 1)
    still = await db.number(store, FREE)
    assert (still.status, still.voice_routing_policy) == (NumberStatus.USED, None)


async def test_a_number_removed_while_its_policy_is_pending_is_not_granted_anything(
    assignments: AssignmentService, store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    teams.faults.fail_policy_grants(count=1)
    result = await assignments.assign(AssignRequest("contoso", FREE, ADELE, POLICY), OLIVIA)
    await assignments.unassign("contoso", FREE, OLIVIA)
    clock.advance(minutes=1)

    [settled] = await assignments.retry_policies()

    assert not settled.landed
    assert "no longer assigned to Adele Vance" in (settled.detail or "")
    assert (await journal_entry(store, result.journal_id)).status == FAILED
    account = teams.account("obj-adele")
    assert account is not None
    assert account.voice_routing_policy is None
