"""Number requests on both databases: a request holds the next free number of what was asked; approve
assigns it through the journal in Teams and the inventory; two approvers at once give one outcome; reject,
expiry and change of number give the held number back; bad input changes nothing."""

from __future__ import annotations

import asyncio
import dataclasses
import re

import pytest

from inventory.config import TenantConfig
from inventory.e164 import parse_range
from inventory.errors import NotFound, TransitionRefused
from inventory.model import Actor, NumberStatus
from inventory.requests import Person, RequestStatus, request_hold_owner
from inventory.services.assignment import AssignmentService
from inventory.services.context import ServiceContext
from inventory.services.imports import import_range
from inventory.services.requests import NewRequest, RequestService
from inventory.store.engine import Store
from inventory.teams.retry import GraphTuning
from inventory.teams.simulation import SimAccount, SimulatedPhoneSystem, SimulatedTenant
from tests.support import db
from tests.support.clock import FakeClock
from tests.support.services import one_tenant

SAM = Actor("obj-sam", "sam@contoso.test")
OLIVIA = Actor("obj-olivia", "olivia@contoso.test")
MEGAN = Actor("obj-megan", "megan@contoso.test")
ADELE = Person("obj-adele", "Adele Vance", "adele@contoso.test")
FAST = GraphTuning(poll_first_delay_seconds=0.0, poll_steady_seconds=0.0, poll_cap_seconds=0.0)


@pytest.fixture
async def pools(store: Store, clock: FakeClock) -> Store:
    """Sales has +1 206 555 0100-0102, Support +1 206 555 0200-0201."""
    for numbers, pool in (("+12065550100-+12065550102", "Sales"), ("+12065550200-+12065550201", "Support")):
        await import_range(store, "contoso", parse_range(numbers), actor=OLIVIA, clock=clock, pool=pool)
    return store


@pytest.fixture
def teams(clock: FakeClock) -> SimulatedTenant:
    account = SimAccount(ADELE.id, ADELE.upn, ADELE.name, enterprise_voice=True)
    return SimulatedTenant(name="contoso", accounts=[account], policies={"US-Local": "pol-1"}, clock=clock)


@pytest.fixture
def context(pools: Store, clock: FakeClock, teams: SimulatedTenant) -> ServiceContext:
    phone = SimulatedPhoneSystem(teams, clock=clock, tuning=FAST)
    config = TenantConfig(
        name="contoso", display_name="Contoso", allowed_policies=("US-Local",), default_policy="US-Local"
    )
    return one_tenant(pools, phone, config, clock)


@pytest.fixture
def assignments(context: ServiceContext) -> AssignmentService:
    return AssignmentService(context)


@pytest.fixture
def service(context: ServiceContext, assignments: AssignmentService) -> RequestService:
    return RequestService(context, assignments)


def asked(pool: str | None = "Sales", note: str = "new starter") -> NewRequest:
    return NewRequest("contoso", SAM, "29:sam", ADELE, pool=pool, note=note)


async def test_a_request_holds_the_next_free_number_of_the_pool_for_the_request(
    service: RequestService, pools: Store
) -> None:
    request = await service.create(asked(pool="support"), correlation_id="c-1")
    assert (request.status, request.number, request.pool) == (RequestStatus.PENDING, "+12065550200", "Support")
    held = await db.number(pools, "+12065550200")
    assert held.status is NumberStatus.RESERVED
    assert held.hold is not None
    assert held.hold.owner == request_hold_owner(request.id)
    assert (await service.get(request.id)).person == ADELE


async def test_an_approval_assigns_the_held_number_in_teams_and_the_inventory(
    service: RequestService, pools: Store, teams: SimulatedTenant
) -> None:
    request = await service.create(asked(), correlation_id="c-1")
    decision = await service.approve(request.id, request.version, MEGAN)
    assert decision.decided
    assert decision.request.status is RequestStatus.ASSIGNED
    assert decision.request.decided_by == MEGAN.name
    number = await db.number(pools, "+12065550100")
    assert number.status is NumberStatus.USED
    assert number.assignee is not None
    assert (number.assignee.id, number.voice_routing_policy) == (ADELE.id, "US-Local")
    assert teams.numbers_of(ADELE.id) == ["+12065550100"]


async def test_two_approvers_at_once_give_one_outcome_and_one_teams_call(
    service: RequestService, teams: SimulatedTenant
) -> None:
    request = await service.create(asked(), correlation_id="c-1")
    first, second = await asyncio.gather(
        service.approve(request.id, request.version, MEGAN), service.approve(request.id, request.version, OLIVIA)
    )
    assert sorted([first.decided, second.decided]) == [False, True]
    assert (await service.get(request.id)).status is RequestStatus.ASSIGNED
    assert len([op for op in teams.operations.values() if op.action == "assign"]) == 1


async def test_a_rejection_gives_the_number_back_and_a_later_approval_changes_nothing(
    service: RequestService, pools: Store
) -> None:
    request = await service.create(asked(), correlation_id="c-1")
    rejected = await service.reject(request.id, request.version, MEGAN, "Use the shared line")
    assert (rejected.request.status, rejected.request.reason) == (RequestStatus.REJECTED, "Use the shared line")
    assert (await db.number(pools, "+12065550100")).status is NumberStatus.AVAILABLE
    before = await db.snapshot(pools)
    late = await service.approve(request.id, request.version, OLIVIA)
    assert not late.decided
    assert late.request.status is RequestStatus.REJECTED
    assert await db.snapshot(pools) == before


async def test_a_request_nobody_decides_expires_with_its_hold(
    service: RequestService, pools: Store, clock: FakeClock
) -> None:
    request = await service.create(asked(), correlation_id="c-1")
    assert await service.expire_due() == []
    clock.advance(hours=24, seconds=1)
    expired = await service.expire_due()
    assert [(r.id, r.status) for r in expired] == [(request.id, RequestStatus.EXPIRED)]
    assert (await db.number(pools, "+12065550100")).status is NumberStatus.AVAILABLE
    assert await service.expire_due() == []


async def test_changing_the_number_holds_the_new_one_and_gives_the_old_one_back(
    service: RequestService, pools: Store
) -> None:
    request = await service.create(asked(), correlation_id="c-1")
    changed = await service.change_number(request.id, request.version, MEGAN, "+12065550102", correlation_id="c-2")
    assert changed.request.number == "+12065550102"
    assert changed.request.version == request.version + 1
    assert (await db.number(pools, "+12065550100")).status is NumberStatus.AVAILABLE
    new = await db.number(pools, "+12065550102")
    assert new.status is NumberStatus.RESERVED
    assert new.hold is not None
    assert new.hold.owner == request_hold_owner(request.id)
    stale = await service.approve(request.id, request.version, MEGAN)
    assert not stale.decided
    assert stale.request.status is RequestStatus.PENDING


async def test_changing_to_a_number_that_is_not_free_is_refused_and_keeps_the_held_one(
    service: RequestService, pools: Store
) -> None:
    first = await service.create(asked(), correlation_id="c-1")
    second = await service.create(asked(), correlation_id="c-2")
    before = await db.snapshot(pools)
    with pytest.raises(TransitionRefused, match=re.escape("The request keeps +1 206 555 0101")):
        await service.change_number(second.id, second.version, MEGAN, first.number or "", correlation_id="c-3")
    assert await db.snapshot(pools) == before


@pytest.mark.parametrize(
    ("new", "refusal"),
    [
        (asked(pool="Marketing"), "There is no pool 'Marketing' in contoso"),
        (NewRequest("contoso", SAM, "29:sam", ADELE, location="Atlantis"), "No number is free in location Atlantis"),
    ],
    ids=["unknown-pool", "nothing-free"],
)
async def test_a_request_that_cannot_be_held_is_refused_and_changes_nothing(
    service: RequestService, pools: Store, new: NewRequest, refusal: str
) -> None:
    before = await db.snapshot(pools)
    with pytest.raises((NotFound, TransitionRefused), match=re.escape(refusal)):
        await service.create(new, correlation_id="c-1")
    assert await db.snapshot(pools) == before


async def test_an_unknown_request_id_is_refused(service: RequestService) -> None:
    with pytest.raises(NotFound, match="does not exist"):
        await service.approve("tampered", 1, MEGAN)


async def test_an_approval_teams_refuses_before_assigning_fails_the_request_and_gives_the_number_back(
    pools: Store, clock: FakeClock, teams: SimulatedTenant
) -> None:
    phone = SimulatedPhoneSystem(teams, clock=clock, tuning=FAST)
    config = TenantConfig(name="contoso", display_name="Contoso", allowed_policies=("Gone",), default_policy="Gone")
    context = one_tenant(pools, phone, config, clock)
    service = RequestService(context, AssignmentService(context))
    request = await service.create(asked(), correlation_id="c-1")
    decision = await service.approve(request.id, request.version, MEGAN)
    assert decision.decided
    assert decision.request.status is RequestStatus.FAILED
    assert "Gone" in (decision.request.reason or "")
    assert (await db.number(pools, "+12065550100")).status is NumberStatus.AVAILABLE
    assert teams.numbers_of(ADELE.id) == []


async def test_an_approval_teams_finished_late_is_followed_once_the_reconciler_settles_it(
    pools: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    # Our deadline (a minute, on the test's clock) is shorter than Teams' ten minutes.
    phone = SimulatedPhoneSystem(teams, clock=clock, tuning=GraphTuning(operation_deadline_seconds=60))
    context = one_tenant(pools, phone, TenantConfig(name="contoso", display_name="Contoso"), clock)
    assignments = AssignmentService(context)
    service = RequestService(context, assignments)
    request = await service.create(asked(), correlation_id="c-1")
    teams.knobs = dataclasses.replace(teams.knobs, operation_delay_seconds=600)
    decision = await service.approve(request.id, request.version, MEGAN)
    assert decision.request.status is RequestStatus.APPROVING
    clock.advance(minutes=3)
    assert await service.follow_settled() == []  # the entry is still pending: Teams is still assigning
    clock.advance(minutes=10)
    await assignments.reconcile("contoso")
    moved = await service.follow_settled()
    assert [(r.id, r.status) for r in moved] == [(request.id, RequestStatus.ASSIGNED)]
    assert await service.follow_settled() == []  # once
    assert (await db.number(pools, "+12065550100")).status is NumberStatus.USED


async def test_an_approval_interrupted_before_teams_was_asked_fails_and_gives_its_number_back(
    service: RequestService, pools: Store, clock: FakeClock
) -> None:
    request = await service.create(asked(), correlation_id="c-1")
    await service.claim_approval(request.id, request.version, MEGAN)  # then the replica stopped
    clock.advance(minutes=3)
    assert await service.follow_settled() == []  # its turn may still be asking Teams about the policy
    clock.advance(minutes=30)
    (moved,) = await service.follow_settled()
    assert moved.status is RequestStatus.FAILED
    assert "before asking Teams" in (moved.reason or "")
    assert (await db.number(pools, "+12065550100")).status is NumberStatus.AVAILABLE


async def test_a_retry_of_a_failed_request_holds_afresh_and_refuses_when_nothing_is_free(
    service: RequestService, pools: Store, teams: SimulatedTenant
) -> None:
    teams.faults.fail_next_operations()
    request = await service.create(asked(pool="Support"), correlation_id="c-1")
    failed = (await service.approve(request.id, request.version, MEGAN)).request
    assert failed.status is RequestStatus.FAILED
    for other in ("first", "second"):  # both Support numbers are taken by other requests meanwhile
        await service.create(asked(pool="Support", note=other), correlation_id="c-2")
    before = await db.snapshot(pools)
    with pytest.raises(TransitionRefused, match="No number is free for this request"):
        await service.claim_retry(failed.id, failed.version, MEGAN, correlation_id="c-3")
    assert await db.snapshot(pools) == before
    assert (await service.get(failed.id)).status is RequestStatus.FAILED

    stale = await service.claim_retry(failed.id, failed.version - 1, MEGAN, correlation_id="c-4")
    assert not stale.decided
    assert await db.snapshot(pools) == before


CHANNEL = {"conversation": {"id": "19:voice-team@thread.tacv2"}, "serviceUrl": "https://smba.test/"}


async def test_the_channel_copy_is_kept_and_a_decision_read_before_it_does_not_wipe_it(
    service: RequestService, pools: Store
) -> None:
    request = await service.create(asked(), correlation_id="c-1")  # read by the approver's click, before...
    kept = await service.attach_channel_copy(request.id, CHANNEL, "copy-1")  # ...the poster posted the copy
    assert kept is not None
    assert (kept.channel_conversation, kept.channel_activity_id) == (CHANNEL, "copy-1")
    decision = await service.reject(request.id, request.version, MEGAN, "use the shared line")
    assert decision.decided
    after = await service.get(request.id)
    assert after.status is RequestStatus.REJECTED
    assert (after.channel_conversation, after.channel_activity_id) == (CHANNEL, "copy-1")


async def test_a_copy_posted_after_the_decision_returns_the_decided_request_to_show_on_it(
    service: RequestService, pools: Store
) -> None:
    request = await service.create(asked(), correlation_id="c-1")
    await service.reject(request.id, request.version, MEGAN, "use the shared line")
    kept = await service.attach_channel_copy(request.id, CHANNEL, "copy-1")
    assert kept is not None
    assert kept.status is RequestStatus.REJECTED
    assert await service.attach_channel_copy("0" * 32, CHANNEL, "copy-2") is None  # no such request
