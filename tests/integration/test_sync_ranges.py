"""The sync's diff in key ranges from staging rows, on both databases: the same diff as in memory, nothing
left staged, and a diff that died half-way purged."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, func, select

from inventory.config import TenantConfig
from inventory.e164 import parse_range
from inventory.model import Actor
from inventory.ports.phone_system import FetchProgress
from inventory.services.holds import reserve_number
from inventory.services.imports import import_range
from inventory.services.sync import SyncService
from inventory.store.engine import Store
from inventory.store.number_rows import search_text_of
from inventory.store.tables import (
    sync_changes,
    sync_staged_accounts,
    sync_staged_claims,
    sync_staged_numbers,
    sync_stagings,
)
from inventory.teams.simulation import SimNumber, SimulatedPhoneSystem, SimulatedTenant, TenantSizes, generate_tenant
from tests.support.clock import FakeClock
from tests.support.services import one_tenant

OPERATOR = Actor("obj-olivia", "olivia@contoso.test")
STAGING = (sync_stagings, sync_staged_numbers, sync_staged_accounts, sync_staged_claims)


@pytest.fixture
def teams(clock: FakeClock) -> SimulatedTenant:
    return generate_tenant(TenantSizes.for_numbers(240), seed=7, name="contoso")


def service(store: Store, teams: SimulatedTenant, clock: FakeClock, chunk: int) -> SyncService:
    config = TenantConfig(name="contoso", display_name="Contoso", quarantine_days=0)
    context = one_tenant(store, SimulatedPhoneSystem(teams, clock=clock), config, clock)
    return SyncService(context, chunk=chunk, spill_at=chunk)


async def stored_changes(store: Store, run_id: str) -> list[tuple[Any, ...]]:
    c = sync_changes.c
    columns = [col for col in sync_changes.c if col.name not in ("id", "run_id")]
    async with store.read() as uow:
        rows = await uow.connection.execute(select(*columns).where(c.run_id == run_id))
        return sorted((tuple(row) for row in rows), key=repr)


async def staged_rows(store: Store) -> int:
    async with store.read() as uow:
        counts = [(await uow.connection.execute(select(func.count()).select_from(t))).scalar_one() for t in STAGING]
    return sum(counts)


def busy_week(teams: SimulatedTenant) -> None:
    """Every kind of change, with neighbours: holders moved and gone, numbers Teams forgot or lists twice,
    extensions beside the same number without one, a holder Teams cannot resolve."""
    numbers = sorted(teams.all_numbers(), key=lambda n: n.telephone_number)
    held = [n for n in numbers if n.assignment_target_id]
    free = [n for n in numbers if not n.assignment_target_id]
    users = [a for a in teams.accounts() if a.account_type == "user" and a.teams_enabled]
    for n in held[:9]:
        teams.unassign_directly(n.telephone_number)
    for i, n in enumerate(free[:9]):
        teams.assign_directly(n.telephone_number, users[i].id, number_type=n.number_type)
    for n in held[10:14]:
        teams.remove_number(n.telephone_number)
    for n in held[20:24]:
        teams.show_number_on_account(n.telephone_number, users[-1].id)
    teams.assign_directly(held[30].telephone_number, "obj-deleted-user")
    base = numbers[40].telephone_number
    teams.add_number(SimNumber(f"{base};ext=12", "directRouting", capabilities=["userAssignment"]))
    teams.assign_directly(f"{base};ext=7", users[3].id)
    # Field by field, what the diff compares (and SQL must not call settled).
    holders = {n.assignment_target_id: n for n in held[50:]}
    renamed, repoliced, reupn = (teams.account(h) for h in list(holders)[:3])
    assert renamed is not None
    assert repoliced is not None
    assert reupn is not None
    renamed.display_name = "Someone Else"
    repoliced.voice_routing_policy = "US-Local"
    reupn.upn = None  # Entra's UPN fills in
    held[60].activation_state = "assignmentFailed"
    free[20].activation_state = "updateFailed"
    held[61].location_id = "loc-moved"
    free[21].location_id = "loc-moved"
    free[22].city = "Elsewhere"
    free[23].number_type = "operatorConnect"
    free[24].number_type = "operatorConnectMobile"  # a type Teams added since: kept verbatim
    teams.touch()


async def test_a_diff_in_ranges_finds_exactly_what_the_diff_in_memory_finds(
    store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    in_memory = service(store, teams, clock, chunk=100_000)
    first = await in_memory.start_sync("contoso", OPERATOR)
    await in_memory.commit_sync(first.run.id, "contoso", OPERATOR)
    await import_range(store, "contoso", parse_range("+19995550100-+19995550109"), actor=OPERATOR, clock=clock)
    free = sorted(n.telephone_number for n in teams.all_numbers() if not n.assignment_target_id)
    for reserved in (free[-1], free[-2]):  # one stays free in Teams, one is assigned there: an override
        await reserve_number(
            store, "contoso", reserved, owner="flow-1", note="", minutes=10, actor=OPERATOR, clock=clock
        )
    teams.assign_directly(free[-2], teams.accounts()[0].id)
    busy_week(teams)

    whole = await in_memory.start_sync("contoso", OPERATOR)
    for chunk in (3, 64):
        ranged = await service(store, teams, clock, chunk).start_sync("contoso", OPERATOR)
        assert ranged.run.fetch_stats["ranges"] is True
        assert ranged.run.counts == whole.run.counts
        assert await stored_changes(store, ranged.run.id) == await stored_changes(store, whole.run.id)
    assert whole.run.fetch_stats["ranges"] is False
    default = await SyncService(
        one_tenant(
            store,
            SimulatedPhoneSystem(teams, clock=clock),
            TenantConfig(name="contoso", display_name="Contoso", quarantine_days=0),
            clock,
        )
    ).start_sync("contoso", OPERATOR)
    assert default.run.fetch_stats["ranges"] is False  # a tenant of this size stays in memory by default
    assert whole.run.counts["add"] >= 2
    assert whole.run.counts["update"] >= 9
    assert whole.run.counts["drift"] >= 8


async def test_a_first_sync_in_ranges_stores_the_same_adds_as_the_diff_in_memory(
    store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    # Most of a first sync is decided in SQL (sync_plain_adds): every field of every change, the search
    # texts included, must be what the diff in Python proposes, beside the numbers only Python decides.
    busy_week(teams)
    held = sorted((n for n in teams.all_numbers() if n.assignment_target_id), key=lambda n: n.telephone_number)
    accented, blank, resource = (teams.account(n.assignment_target_id) for n in held[70:73])
    assert accented is not None
    assert blank is not None
    assert resource is not None
    accented.display_name = "ÉMILE Zoë Ångström"  # lower-cased as Python does, not as SQLite's ASCII lower()
    blank.display_name = ""  # Python's `or` reads "" as missing: the diff decides it
    assert any(a.account_type == "resourceAccount" for a in teams.accounts())
    teams.touch()

    whole = await service(store, teams, clock, chunk=100_000).start_sync("contoso", OPERATOR)
    ranged = await service(store, teams, clock, chunk=7).start_sync("contoso", OPERATOR)

    assert whole.run.fetch_stats["ranges"] is False
    assert ranged.run.fetch_stats["ranges"] is True
    assert ranged.run.counts == whole.run.counts
    assert await stored_changes(store, ranged.run.id) == await stored_changes(store, whole.run.id)
    async with store.read() as uow:
        texts = await uow.connection.execute(
            select(sync_changes.c.search_text).where(
                sync_changes.c.run_id == ranged.run.id, sync_changes.c.assignee_id == accented.id
            )
        )
        assert [row[0] for row in texts] == [search_text_of("ÉMILE Zoë Ångström", accented.upn, held[70].city)]


async def test_the_plain_adds_of_a_range_are_found_by_index_lookups_not_by_a_scan_per_number(
    store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    # A nested join of accounts and names was materialized and scanned for every staged number: quadratic.
    if store.dialect != "sqlite":
        pytest.skip("SQLite's planner only")
    statements: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.startswith("INSERT INTO sync_changes") and "SELECT" in statement:
            statements.append((statement, parameters))

    event.listen(store.engine.sync_engine, "before_cursor_execute", keep)
    try:
        await service(store, teams, clock, chunk=50).start_sync("contoso", OPERATOR)
    finally:
        event.remove(store.engine.sync_engine, "before_cursor_execute", keep)
    statement, parameters = statements[0]
    async with store.read() as uow:
        steps = await uow.connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        plan = [str(step[-1]) for step in steps]
    assert plan
    assert not [step for step in plan if step.startswith(("SCAN", "MATERIALIZE"))], plan


async def test_a_ranged_sync_gives_postgresql_fresh_statistics_of_the_numbers_before_reading_ranges(
    store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    # Without them, a re-sync soon after a large first sync was planned for a tenant of a handful of rows.
    if store.dialect != "postgresql":
        pytest.skip("PostgreSQL's planner only")
    first = await service(store, teams, clock, chunk=100_000).start_sync("contoso", OPERATOR)
    await service(store, teams, clock, chunk=100_000).commit_sync(first.run.id, "contoso", OPERATOR)
    await service(store, teams, clock, chunk=50).start_sync("contoso", OPERATOR)
    async with store.read() as uow:
        estimate = await uow.connection.exec_driver_sql(
            "SELECT reltuples FROM pg_class WHERE relname = 'phone_numbers'"
        )
        assert estimate.scalar_one() == len(teams.listed_numbers())


async def test_a_review_from_ranges_previews_each_category_in_number_order(
    store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    preview = await service(store, teams, clock, chunk=5).start_sync("contoso", OPERATOR)
    shown = [stored.change.number for stored in preview.preview["add"]]
    assert len(shown) == 10
    assert shown == sorted(shown)
    assert shown[0] == min(n.telephone_number.split(";")[0] for n in teams.listed_numbers())


async def test_a_commit_from_ranges_applies_every_change_and_leaves_nothing_staged(
    store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    sync = service(store, teams, clock, chunk=13)
    first = await sync.start_sync("contoso", OPERATOR)
    assert await staged_rows(store) == 0
    result = await sync.commit_sync(first.run.id, "contoso", OPERATOR)
    assert result.total_applied == first.run.counts["add"] == len(teams.listed_numbers())
    busy_week(teams)
    again = await sync.start_sync("contoso", OPERATOR)
    result = await sync.commit_sync(again.run.id, "contoso", OPERATOR)
    assert result.skipped == []
    assert result.flagged == 4
    after = await sync.start_sync("contoso", OPERATOR)
    assert after.run.counts["add"] == after.run.counts["update"] == 0
    assert after.run.counts["drift"] == 4  # the numbers on two accounts stay flagged until fixed in Teams
    assert await staged_rows(store) == 0


async def test_a_fetch_that_fails_half_way_leaves_no_staging_and_no_changes(
    store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    sync = service(store, teams, clock, chunk=3)

    async def fail_on_accounts(progress: FetchProgress) -> None:
        if progress.what == "accounts":
            raise RuntimeError("the network went away")

    with pytest.raises(RuntimeError):
        await sync.start_sync("contoso", OPERATOR, fail_on_accounts)
    assert await staged_rows(store) == 0
    async with store.read() as uow:
        assert (await uow.connection.execute(select(func.count()).select_from(sync_changes))).scalar_one() == 0


async def test_the_staging_of_a_diff_killed_half_way_is_purged_once_it_is_stale(
    store: Store, teams: SimulatedTenant, clock: FakeClock
) -> None:
    # What kill -9 in the middle of a diff leaves: a staging with rows, and changes of a run never stored.
    sync = service(store, teams, clock, chunk=3)
    async with store.write() as uow:
        await uow.sync_staging.begin("killed-run", "contoso", clock.now())
        await uow.sync_staging.add_numbers("killed-run", (await sync_phone(teams, clock)).numbers[:5])
    assert await staged_rows(store) == 6
    await sync.purge()
    assert await staged_rows(store) == 6  # a diff may still be running: not yet stale
    clock.advance(hours=2)
    await sync.purge()
    assert await staged_rows(store) == 0


async def sync_phone(teams: SimulatedTenant, clock: FakeClock) -> Any:
    return await SimulatedPhoneSystem(teams, clock=clock).fetch_snapshot()
