"""Sync on both databases for the holders and numbers real tenants have: accounts Teams cannot resolve,
and Direct Routing numbers with an extension."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inventory.config import TenantConfig
from inventory.model import AccountType, NumberStatus
from inventory.services.imports import import_csv
from inventory.services.sync import SyncService
from inventory.store.engine import Store
from inventory.teams.simulation import SimulatedPhoneSystem, SimulatedTenant
from tests.support.clock import FakeClock
from tests.support.contoso_sync import AA_NUMBER, OLIVIA, contoso_tenant
from tests.support.db import number
from tests.support.services import one_tenant

APP_NUMBER = "+12065550042"


@pytest.fixture
def teams(clock: FakeClock) -> SimulatedTenant:
    return contoso_tenant(clock)


@pytest.fixture
def sync(store: Store, teams: SimulatedTenant, clock: FakeClock) -> SyncService:
    phone = SimulatedPhoneSystem(teams, clock=clock)
    return SyncService(one_tenant(store, phone, TenantConfig(name="contoso", display_name="Contoso"), clock))


async def test_a_number_held_for_an_app_teams_cannot_resolve_enters_once_as_used_and_never_drifts_again(
    sync: SyncService, store: Store, teams: SimulatedTenant
) -> None:
    teams.assign_directly(APP_NUMBER, "app-7f3e", assignment_status="thirdPartyAppAssigned")
    preview = await sync.start_sync("contoso", OLIVIA)
    [unresolved] = [c.change for c in preview.preview["add"] if c.change.number == APP_NUMBER]
    assert unresolved.kind == "unresolved"
    assert "app-7f3e (thirdPartyAppAssigned)" in (unresolved.note or "")
    assert preview.run.counts["drift"] == 0

    result = await sync.commit_sync(preview.run.id, "contoso", OLIVIA)
    assert result.skipped == []
    assert result.applied["add"] == 4
    held = await number(store, APP_NUMBER)
    assert held.status is NumberStatus.USED
    assert held.assignee is not None
    assert held.assignee.account_type is AccountType.UNRESOLVED
    assert held.assignee.label == "an unresolved account (app-7f3e, thirdPartyAppAssigned)"

    again = await sync.start_sync("contoso", OLIVIA)
    assert again.run.counts == {"add": 0, "update": 0, "drift": 0, "unchanged": 4}
    assert await sync.recent_clean_run("contoso", max_age=timedelta(minutes=5)) is not None


async def test_a_holder_deleted_since_the_last_sync_is_an_unresolved_update_that_a_safe_commit_applies(
    sync: SyncService, store: Store, teams: SimulatedTenant
) -> None:
    await sync.commit_sync((await sync.start_sync("contoso", OLIVIA)).run.id, "contoso", OLIVIA)
    teams.remove_account("obj-aa")
    preview = await sync.start_sync("contoso", OLIVIA)
    assert preview.run.counts["drift"] == 0
    [update] = [c.change for c in preview.preview["update"]]
    assert update.kind == "unresolved"
    assert ("holder", None, "unresolved (voiceApplicationAssigned)") in update.fields

    result = await sync.commit_sync(preview.run.id, "contoso", OLIVIA, categories=["add", "update"])
    assert result.applied["update"] == 1
    holder = (await number(store, AA_NUMBER)).assignee
    assert holder is not None
    assert (holder.id, holder.account_type, holder.display_name) == ("obj-aa", AccountType.UNRESOLVED, None)
    assert not (await sync.start_sync("contoso", OLIVIA)).has_changes


async def test_a_direct_routing_number_with_an_extension_is_matched_with_its_inventory_row(
    sync: SyncService, store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    csv = "number,location\n+14255550100;ext=12,Redmond\n+14255550100,Redmond\n"
    await import_csv(store, "contoso", csv, actor=OLIVIA, clock=clock)
    teams.assign_directly("+14255550100;ext=12", "obj-bob")
    preview = await sync.start_sync("contoso", OLIVIA)
    [update] = [c.change for c in preview.preview["update"]]
    assert (update.number, update.extension, update.label) == ("+14255550100", "12", "+1 425 555 0100 ext. 12")
    assert ("status", "available", "used") in update.fields
    assert preview.run.counts["add"] == 3  # contoso's own three; the extension number is not new

    await sync.commit_sync(preview.run.id, "contoso", OLIVIA)
    async with store.read() as uow:
        with_extension = await uow.numbers.get("contoso", "+14255550100", "12")
        without = await uow.numbers.get("contoso", "+14255550100")
    assert with_extension is not None
    assert with_extension.status is NumberStatus.USED
    assert without is not None
    assert without.status is NumberStatus.AVAILABLE
    assert not (await sync.start_sync("contoso", OLIVIA)).has_changes


async def test_an_extension_number_teams_knows_and_the_inventory_lacks_is_added_with_its_extension(
    sync: SyncService, store: Store, teams: SimulatedTenant
) -> None:
    teams.assign_directly("+14255550101;ext=7", "obj-bob")
    await sync.commit_sync((await sync.start_sync("contoso", OLIVIA)).run.id, "contoso", OLIVIA)
    async with store.read() as uow:
        added = await uow.numbers.get("contoso", "+14255550101", "7")
    assert added is not None
    assert added.assignee is not None
    assert added.assignee.upn == "bob@contoso.test"
    assert not (await sync.start_sync("contoso", OLIVIA)).has_changes
