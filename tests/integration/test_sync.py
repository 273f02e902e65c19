"""Sync from Teams on both databases: the diff, drift, and a commit that is atomic and idempotent."""

from __future__ import annotations

import dataclasses

import pytest

from inventory.config import TenantConfig
from inventory.e164 import parse_range
from inventory.errors import NotFound, SwitchboardError
from inventory.model import AccountType, Actor, NumberStatus, NumberType
from inventory.services.holds import reserve_number
from inventory.services.imports import import_range
from inventory.services.sync import SyncService
from inventory.store.engine import Store
from inventory.teams.simulation import SimulatedPhoneSystem, SimulatedTenant
from tests.support.clock import FakeClock
from tests.support.contoso_sync import AA_NUMBER, ADELE_NUMBER, OLIVIA, SPARE_NUMBER, contoso_tenant
from tests.support.db import number
from tests.support.services import one_tenant


@pytest.fixture
def teams(clock: FakeClock) -> SimulatedTenant:
    return contoso_tenant(clock)


# Every test runs twice: the fetch diffed in memory at once, and staged and diffed one number per range.
@pytest.fixture(params=[None, 1], ids=["in-memory", "in-ranges"])
def sync(store: Store, teams: SimulatedTenant, clock: FakeClock, request: pytest.FixtureRequest) -> SyncService:
    phone = SimulatedPhoneSystem(teams, clock=clock)
    config = TenantConfig(name="contoso", display_name="Contoso", quarantine_days=0)
    context = one_tenant(store, phone, config, clock)
    return SyncService(context) if request.param is None else SyncService(context, chunk=1, spill_at=1)


async def test_a_first_sync_adds_every_number_with_its_status_and_holder(sync: SyncService, store: Store) -> None:
    preview = await sync.start_sync("contoso", OLIVIA)
    assert preview.run.counts == {"add": 3, "update": 0, "drift": 0, "unchanged": 0}
    assert [c.change.number for c in preview.preview["add"]] == [ADELE_NUMBER, SPARE_NUMBER, AA_NUMBER]
    result = await sync.commit_sync(preview.run.id, "contoso", OLIVIA)
    assert result.applied == {"add": 3, "update": 0, "drift": 0}
    adele = await number(store, ADELE_NUMBER)
    assert adele.status is NumberStatus.USED
    assert adele.assignee is not None
    assert (adele.assignee.display_name, adele.assignee.upn) == ("Adele Vance", "adele@contoso.test")
    assert adele.voice_routing_policy == "US-Unrestricted"
    assert adele.emergency_location_id == "loc-sea"
    assert adele.last_modified_by == "olivia@contoso.test"
    spare = await number(store, SPARE_NUMBER)
    assert (spare.status, spare.number_type, spare.location) == (
        NumberStatus.AVAILABLE,
        NumberType.CALLING_PLAN,
        "Seattle",
    )
    auto_attendant = await number(store, AA_NUMBER)
    assert auto_attendant.status is NumberStatus.USED
    assert auto_attendant.assignee is not None
    assert auto_attendant.assignee.account_type is AccountType.RESOURCE_ACCOUNT


async def test_a_hand_edited_status_shows_as_an_update_and_is_corrected(sync: SyncService, store: Store) -> None:
    # The picker's acceptance check: set an assigned number to available by hand, sync, see the diff, commit.
    await sync.commit_sync((await sync.start_sync("contoso", OLIVIA)).run.id, "contoso", OLIVIA)
    adele = await number(store, ADELE_NUMBER)
    async with store.write() as uow:
        hand_edit = dataclasses.replace(adele, status=NumberStatus.AVAILABLE, updated_at=adele.updated_at)
        await uow.numbers.save(adele, hand_edit, action="edit", actor=OLIVIA, correlation_id="h")
    preview = await sync.start_sync("contoso", OLIVIA)
    assert preview.run.counts["update"] == 1
    [update] = preview.preview["update"]
    assert ("status", "available", "used") in update.change.fields
    await sync.commit_sync(preview.run.id, "contoso", OLIVIA)
    assert (await number(store, ADELE_NUMBER)).status is NumberStatus.USED


async def test_a_second_sync_with_nothing_new_reports_everything_unchanged(sync: SyncService) -> None:
    await sync.commit_sync((await sync.start_sync("contoso", OLIVIA)).run.id, "contoso", OLIVIA)
    again = await sync.start_sync("contoso", OLIVIA)
    assert again.run.counts == {"add": 0, "update": 0, "drift": 0, "unchanged": 3}
    assert not again.has_changes


async def test_changes_in_teams_appear_field_by_field(sync: SyncService, teams: SimulatedTenant) -> None:
    await sync.commit_sync((await sync.start_sync("contoso", OLIVIA)).run.id, "contoso", OLIVIA)
    teams.assign_directly(SPARE_NUMBER, "obj-bob", number_type="callingPlan")
    teams.account("obj-adele").display_name = "Adele Vance-Smith"  # type: ignore[union-attr]
    teams.touch()
    preview = await sync.start_sync("contoso", OLIVIA)
    fields = {c.change.number: c.change.fields for c in preview.preview["update"]}
    assert ("display name", "Adele Vance", "Adele Vance-Smith") in fields[ADELE_NUMBER]
    assert ("status", "available", "used") in fields[SPARE_NUMBER]
    assert ("display name", None, "Bob Kelly") in fields[SPARE_NUMBER]


async def test_drift_is_flagged_and_never_mixed_into_updates(
    sync: SyncService, store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    await sync.commit_sync((await sync.start_sync("contoso", OLIVIA)).run.id, "contoso", OLIVIA)
    await import_range(store, "contoso", parse_range("+12065550010-+12065550012"), actor=OLIVIA, clock=clock)
    await reserve_number(
        store, "contoso", "+12065550010", owner="flow-1", note="", minutes=10, actor=OLIVIA, clock=clock
    )
    await reserve_number(
        store, "contoso", "+12065550011", owner="flow-2", note="", minutes=10, actor=OLIVIA, clock=clock
    )
    teams.assign_directly("+12065550010", "obj-bob")  # reserved here, assigned in Teams: override
    teams.unassign_directly(ADELE_NUMBER)  # used here, unassigned in Teams: release
    teams.show_number_on_account(SPARE_NUMBER, "obj-bob")
    teams.assign_directly(SPARE_NUMBER, "obj-adele", number_type="callingPlan")  # two accounts: double
    preview = await sync.start_sync("contoso", OLIVIA)
    drift = {c.change.number: c.change for c in preview.preview["drift"]}
    assert {n: c.kind for n, c in drift.items()} == {
        ADELE_NUMBER: "release",
        SPARE_NUMBER: "double",
        "+12065550010": "override",
    }
    assert "Bob Kelly" in (drift[SPARE_NUMBER].note or "")
    assert preview.run.counts["update"] == 0
    # +12065550011 is reserved here and unknown to Teams: it keeps its reservation, unchanged.
    result = await sync.commit_sync(preview.run.id, "contoso", OLIVIA)
    assert result.applied["drift"] == 2
    assert result.flagged == 1
    assert (await number(store, "+12065550010")).status is NumberStatus.USED
    assert (await number(store, "+12065550011")).status is NumberStatus.RESERVED
    assert (await number(store, ADELE_NUMBER)).status is NumberStatus.AVAILABLE
    assert (await number(store, ADELE_NUMBER)).assignee is None


async def test_a_commit_can_leave_drift_for_later(sync: SyncService, store: Store, teams: SimulatedTenant) -> None:
    await sync.commit_sync((await sync.start_sync("contoso", OLIVIA)).run.id, "contoso", OLIVIA)
    teams.unassign_directly(ADELE_NUMBER)
    teams.assign_directly(SPARE_NUMBER, "obj-bob", number_type="callingPlan")
    preview = await sync.start_sync("contoso", OLIVIA)
    result = await sync.commit_sync(preview.run.id, "contoso", OLIVIA, categories=["update"])
    assert result.applied == {"add": 0, "update": 1, "drift": 0}
    assert (await number(store, ADELE_NUMBER)).status is NumberStatus.USED


async def test_a_row_edited_between_diff_and_commit_is_skipped_and_reported(
    sync: SyncService, store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    await sync.commit_sync((await sync.start_sync("contoso", OLIVIA)).run.id, "contoso", OLIVIA)
    teams.assign_directly(SPARE_NUMBER, "obj-bob", number_type="callingPlan")
    teams.account("obj-adele").voice_routing_policy = "US-Local"  # type: ignore[union-attr]
    teams.touch()
    preview = await sync.start_sync("contoso", OLIVIA)
    assert preview.run.counts["update"] == 2
    await reserve_number(
        store,
        "contoso",
        SPARE_NUMBER,
        owner="flow-9",
        note="",
        minutes=10,
        actor=Actor("obj-megan", "megan@contoso.test"),
        clock=clock,
    )
    result = await sync.commit_sync(preview.run.id, "contoso", OLIVIA)
    assert result.applied["update"] == 1
    assert result.skipped == ["+1 206 555 0002: changed by megan@contoso.test since the sync, so it was left as it is."]
    assert (await number(store, SPARE_NUMBER)).status is NumberStatus.RESERVED
    assert (await number(store, ADELE_NUMBER)).voice_routing_policy == "US-Local"


async def test_committing_the_same_run_twice_applies_it_once(sync: SyncService, store: Store) -> None:
    preview = await sync.start_sync("contoso", OLIVIA)
    first = await sync.commit_sync(preview.run.id, "contoso", OLIVIA)
    second = await sync.commit_sync(preview.run.id, "contoso", Actor("obj-megan", "megan@contoso.test"))
    assert second.already_committed
    assert second.applied == first.applied
    assert second.committed_by == "olivia@contoso.test"
    async with store.read() as uow:
        events = await uow.audit.history("contoso", number=ADELE_NUMBER)
    assert [e.action for e in events] == ["sync-add"]


async def test_every_applied_change_is_audited_with_operator_and_states(
    sync: SyncService, store: Store, teams: SimulatedTenant
) -> None:
    await sync.commit_sync((await sync.start_sync("contoso", OLIVIA)).run.id, "contoso", OLIVIA)
    teams.assign_directly(SPARE_NUMBER, "obj-bob", number_type="callingPlan")
    preview = await sync.start_sync("contoso", OLIVIA)
    result = await sync.commit_sync(preview.run.id, "contoso", OLIVIA)
    async with store.read() as uow:
        [event] = await uow.audit.by_correlation(result.correlation_id)
    assert (event.action, event.operator_id, event.number) == ("sync", "obj-olivia", SPARE_NUMBER)
    assert event.before is not None
    assert event.after is not None
    assert (event.before["status"], event.after["status"]) == ("available", "used")
    assert event.after["assignee_upn"] == "bob@contoso.test"


async def test_an_expired_or_cancelled_run_cannot_be_committed(sync: SyncService, clock: FakeClock) -> None:
    stale = await sync.start_sync("contoso", OLIVIA)
    clock.advance(minutes=16)
    with pytest.raises(SwitchboardError, match=r"expired .* run sync again"):
        await sync.commit_sync(stale.run.id, "contoso", OLIVIA)
    cancelled = await sync.start_sync("contoso", OLIVIA)
    await sync.discard_sync(cancelled.run.id, "contoso", OLIVIA)
    with pytest.raises(SwitchboardError, match=r"cancelled by olivia@contoso\.test"):
        await sync.commit_sync(cancelled.run.id, "contoso", OLIVIA)


async def test_a_run_cannot_be_committed_from_another_tenant(sync: SyncService) -> None:
    preview = await sync.start_sync("contoso", OLIVIA)
    with pytest.raises(NotFound):
        await sync.commit_sync(preview.run.id, "fabrikam", OLIVIA)
    with pytest.raises(NotFound):
        await sync.commit_sync("no-such-run", "contoso", OLIVIA)


async def test_inventory_numbers_teams_never_saw_stay_available(
    sync: SyncService, store: Store, clock: FakeClock
) -> None:
    await import_range(store, "contoso", parse_range("+14255550100-+14255550199"), actor=OLIVIA, clock=clock)
    preview = await sync.start_sync("contoso", OLIVIA)
    assert preview.run.counts == {"add": 3, "update": 0, "drift": 0, "unchanged": 100}


async def test_released_drift_goes_to_quarantine_when_the_tenant_ages_numbers(
    store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    phone = SimulatedPhoneSystem(teams, clock=clock)
    config = TenantConfig(name="contoso", display_name="Contoso", quarantine_days=30)
    sync = SyncService(one_tenant(store, phone, config, clock))
    await sync.commit_sync((await sync.start_sync("contoso", OLIVIA)).run.id, "contoso", OLIVIA)
    teams.unassign_directly(ADELE_NUMBER)
    await sync.commit_sync((await sync.start_sync("contoso", OLIVIA)).run.id, "contoso", OLIVIA)
    released = await number(store, ADELE_NUMBER)
    assert released.status is NumberStatus.QUARANTINED
    assert released.quarantined_until is not None


async def test_the_fetch_reports_progress(sync: SyncService) -> None:
    seen: list[str] = []

    async def progress(update: object) -> None:
        seen.append(getattr(update, "what", ""))

    await sync.start_sync("contoso", OLIVIA, progress)
    assert "numbers" in seen


async def test_two_replicas_committing_at_once_apply_the_run_once(sync: SyncService, store: Store) -> None:
    import asyncio

    preview = await sync.start_sync("contoso", OLIVIA)
    first, second = await asyncio.gather(
        sync.commit_sync(preview.run.id, "contoso", OLIVIA),
        sync.commit_sync(preview.run.id, "contoso", Actor("obj-megan", "megan@contoso.test")),
    )
    assert sorted([first.already_committed, second.already_committed]) == [False, True]
    async with store.read() as uow:
        assert len(await uow.numbers.all_in_tenant("contoso")) == 3
