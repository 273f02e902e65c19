"""The bot's periodic jobs: expiry, reservation warnings, reconciling the journal, the scheduled drift check and
the stuck-state watch."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from aiohttp import web

from bot.app import JOBS, SERVICES, create_app
from cards.reading import card_text
from inventory.config import JobSchedule
from inventory.e164 import parse_range
from inventory.journal import Kind, begin
from inventory.model import AccountType, Actor, Assignee, NumberStatus
from inventory.notifications import PENDING, Conversation
from inventory.services.holds import reserve_number
from inventory.services.imports import import_range
from inventory.services.reservations import ReservationRequest
from inventory.store.engine import Store
from inventory.store.tables import notifications
from inventory.teams.simulation import SimNumber, SimulatedPhoneSystem, SimulatedTenant
from tests.support.bot_world import bot_settings, contoso_teams
from tests.support.clock import FakeClock

SETUP = Actor("cli:setup", "setup")


def app_for(store: Store, teams: SimulatedTenant, clock: FakeClock, **settings: object) -> web.Application:
    base = bot_settings()
    tenants = tuple(dataclasses.replace(t, quarantine_days=0) for t in base.tenants if t.name == "contoso")
    configured = dataclasses.replace(base, tenants=tenants, **settings)  # type: ignore[arg-type]
    phone = SimulatedPhoneSystem(teams, clock=clock)
    return create_app(configured, store=store, phone_systems={"contoso": phone}, clock=clock, run_jobs=False)


async def status_of(store: Store, number: str) -> NumberStatus:
    async with store.read() as uow:
        found = await uow.numbers.get("contoso", number)
    assert found is not None
    return found.status


async def test_expired_holds_are_freed_by_the_minute_job(store: Store, clock: FakeClock) -> None:
    await import_range(store, "contoso", parse_range("+12065550100-+12065550101"), actor=SETUP, clock=clock)
    await reserve_number(
        store, "contoso", "+12065550100", owner="flow:x", note="", minutes=10, actor=SETUP, clock=clock
    )
    app = app_for(store, contoso_teams(), clock)
    clock.advance(minutes=11)
    assert await app[JOBS].free_expired() == 1
    assert await status_of(store, "+12065550100") is NumberStatus.AVAILABLE


async def test_the_drift_check_reports_to_the_channel_and_commits_nothing_by_default(
    store: Store, clock: FakeClock
) -> None:
    teams = contoso_teams()
    app = app_for(store, teams, clock)
    services = app[SERVICES]
    first = await services.sync.start_sync("contoso", SETUP)
    await services.sync.commit_sync(first.run.id, "contoso", SETUP)
    teams.unassign_directly("+12065550150")  # used here, unassigned in Teams: drift
    async with store.write() as uow:
        channel = Conversation("19:voice-ops@thread.tacv2", "channel", {"conversation": {"id": "19:voice-ops"}})
        await uow.conversations.remember(channel, at=clock.now())
        await uow.conversations.notify_here(channel.id, "contoso")
    await app[JOBS].check_drift()
    assert await status_of(store, "+12065550150") is NumberStatus.USED
    async with store.read() as uow:
        queued = (await uow.connection.execute(notifications.select())).all()
    assert [(row.kind, row.status) for row in queued] == [("drift", PENDING)]


async def test_the_drift_check_commits_when_configured_to(store: Store, clock: FakeClock) -> None:
    teams = contoso_teams()
    app = app_for(store, teams, clock, drift_check_commits=True)
    services = app[SERVICES]
    first = await services.sync.start_sync("contoso", SETUP)
    await services.sync.commit_sync(first.run.id, "contoso", SETUP)
    teams.unassign_directly("+12065550150")
    await app[JOBS].check_drift()
    assert await status_of(store, "+12065550150") is NumberStatus.AVAILABLE


async def test_a_reservations_owner_hears_once_before_it_ends_and_once_when_it_ended(
    store: Store, clock: FakeClock
) -> None:
    await import_range(store, "contoso", parse_range("+12065550100-+12065550101"), actor=SETUP, clock=clock)
    app = app_for(store, contoso_teams(), clock)
    olivia = Actor("obj-olivia", "olivia@contoso.test")
    request = ReservationRequest("contoso", number="+12065550100", duration=timedelta(hours=30), ticket="CHG-9")
    await app[SERVICES].reservations.reserve(request, olivia, correlation_id="c")
    async with store.write() as uow:
        channel = Conversation("19:voice-ops@thread.tacv2", "channel", {"conversation": {"id": "19:voice-ops"}})
        await uow.conversations.remember(channel, at=clock.now())
        await uow.conversations.notify_here(channel.id, "contoso")
    jobs = app[JOBS]
    assert await jobs.warn_reservations() == 0  # 30 hours away: not yet
    clock.advance(hours=7)
    assert await jobs.warn_reservations() == 1
    assert await jobs.warn_reservations() == 0
    clock.advance(hours=24)
    assert await jobs.free_expired() == 1
    async with store.read() as uow:
        queued = (await uow.connection.execute(notifications.select().order_by(notifications.c.id))).all()
    texts = [card_text(row.card) for row in queued]
    assert [row.kind for row in queued] == ["reservation", "reservation"]
    assert "Reservation of +1 206 555 0100 ends 2026-11-25 15:00 UTC" in texts[0]
    assert "olivia@contoso.test: type reservations mine and press Extend to keep it." in texts[0]
    assert "Reservation of +1 206 555 0100 ended" in texts[1]
    assert "CHG-9" in texts[1]
    assert await status_of(store, "+12065550100") is NumberStatus.AVAILABLE


async def notify_channel(store: Store, clock: FakeClock) -> None:
    async with store.write() as uow:
        channel = Conversation("19:voice-ops@thread.tacv2", "channel", {"conversation": {"id": "19:voice-ops"}})
        await uow.conversations.remember(channel, at=clock.now())
        await uow.conversations.notify_here(channel.id, "contoso")


async def queued_texts(store: Store, kind: str) -> list[str]:
    async with store.read() as uow:
        rows = (await uow.connection.execute(notifications.select().order_by(notifications.c.id))).all()
    return [card_text(row.card) for row in rows if row.kind == kind]


async def test_a_number_teams_leaves_pending_is_told_to_the_channel_once_with_its_cause_and_next_step(
    store: Store, clock: FakeClock
) -> None:
    teams = contoso_teams()
    teams.add_number(SimNumber("+12065559001", "callingPlan", activation_state="assignmentPending"))
    app = app_for(store, teams, clock)
    services, jobs = app[SERVICES], app[JOBS]
    first = await services.sync.start_sync("contoso", SETUP)
    await services.sync.commit_sync(first.run.id, "contoso", SETUP)
    await notify_channel(store, clock)

    assert await jobs.watch_stuck() == 0  # pending for a moment is normal
    clock.advance(minutes=61)
    assert await jobs.watch_stuck() == 1
    assert await jobs.watch_stuck() == 0  # told once
    (note,) = await queued_texts(store, "stuck")
    assert "Teams has shown +1 206 555 9001 as assignment pending in Teams for at least 1 hour." in note
    assert "the carrier has to confirm" in note
    assert "Next: If it is still pending tomorrow" in note

    # Teams finishes, then fails the number's next update: a new state is a new thing to tell.
    sim = teams.number("+12065559001")
    assert sim is not None
    sim.activation_state = "activated"
    teams.touch()
    second = await services.sync.start_sync("contoso", SETUP)
    await services.sync.commit_sync(second.run.id, "contoso", SETUP)
    clock.advance(minutes=61)
    assert await jobs.watch_stuck() == 0
    sim.activation_state = "updateFailed"
    teams.touch()
    third = await services.sync.start_sync("contoso", SETUP)
    await services.sync.commit_sync(third.run.id, "contoso", SETUP)
    clock.advance(minutes=61)
    assert await jobs.watch_stuck() == 1
    assert "as update failed in Teams" in (await queued_texts(store, "stuck"))[-1]


async def test_an_assignment_teams_never_confirms_is_told_with_the_operator_and_the_correlation_id(
    store: Store, clock: FakeClock
) -> None:
    await import_range(store, "contoso", parse_range("+12065550100-+12065550100"), actor=SETUP, clock=clock)
    app = app_for(store, contoso_teams(), clock)
    await notify_channel(store, clock)
    adele = Assignee("obj-adele", "adele@contoso.test", "Adele Vance", AccountType.USER)
    async with store.write() as uow:
        held = await uow.numbers.get("contoso", "+12065550100")
        assert held is not None
        entry = begin(Kind.ASSIGN, held, adele, SETUP, at=clock.now(), correlation_id="corr-42")
        await uow.journal.write(entry)
    clock.advance(hours=3)
    assert await app[JOBS].watch_stuck() == 1
    (note,) = await queued_texts(store, "stuck")
    assert "Teams has not confirmed assigning +1 206 555 0100 to Adele Vance for 3 hours (started by setup)." in note
    assert "corr-42" in note

    async with store.write() as uow:
        await uow.journal.close(entry.id, "succeeded", detail=None, at=clock.now())
    assert await app[JOBS].watch_stuck() == 0
    async with store.read() as uow:
        assert await uow.stuck.reported("contoso") == set()  # settled: forgotten, told again should it recur


async def test_a_tenant_without_a_channel_is_told_nothing_and_remembers_nothing(store: Store, clock: FakeClock) -> None:
    teams = contoso_teams()
    teams.add_number(SimNumber("+12065559001", "callingPlan", activation_state="assignmentFailed"))
    app = app_for(store, teams, clock)
    services = app[SERVICES]
    first = await services.sync.start_sync("contoso", SETUP)
    await services.sync.commit_sync(first.run.id, "contoso", SETUP)
    clock.advance(hours=2)
    assert await app[JOBS].watch_stuck() == 0
    assert await queued_texts(store, "stuck") == []
    await notify_channel(store, clock)
    assert await app[JOBS].watch_stuck() == 1  # the channel chosen later hears what is still stuck


async def test_the_capacity_job_alerts_once_for_a_pool_that_fell_below_its_threshold(
    store: Store, clock: FakeClock
) -> None:
    numbers = parse_range("+12065550100-+12065550102")
    await import_range(store, "contoso", numbers, actor=SETUP, clock=clock, pool="Sales")
    app = app_for(store, contoso_teams(), clock)
    services = app[SERVICES]
    async with store.write() as uow:
        channel = Conversation("19:voice-ops@thread.tacv2", "channel", {"conversation": {"id": "19:voice-ops"}})
        await uow.conversations.remember(channel, at=clock.now())
        await uow.conversations.notify_here(channel.id, "contoso")
    await services.capacity.set_threshold("contoso", "Sales", "3", SETUP)
    jobs = app[JOBS]
    assert await jobs.check_capacity() == 0  # 3 free is not below 3
    request = ReservationRequest("contoso", number="+12065550100")
    await services.reservations.reserve(request, SETUP, correlation_id="c")  # no bot turn: only the job notices
    assert await jobs.check_capacity() == 1
    assert await jobs.check_capacity() == 0
    async with store.read() as uow:
        queued = (await uow.connection.execute(notifications.select())).all()
    assert [row.kind for row in queued] == ["capacity"]
    assert "Pool Sales is running low" in card_text(queued[0].card)


async def test_the_capacity_summary_goes_out_once_a_period_and_not_again_after_a_restart(
    store: Store, clock: FakeClock
) -> None:
    numbers = parse_range("+12065550100-+12065550102")
    await import_range(store, "contoso", numbers, actor=SETUP, clock=clock, pool="Sales")
    schedule = JobSchedule(capacity_summary_seconds=7 * 86_400)
    app = app_for(store, contoso_teams(), clock, jobs=schedule)
    async with store.write() as uow:
        channel = Conversation("19:voice-ops@thread.tacv2", "channel", {"conversation": {"id": "19:voice-ops"}})
        await uow.conversations.remember(channel, at=clock.now())
        await uow.conversations.notify_here(channel.id, "contoso")
    assert await app[JOBS].summarize_capacity() == 0  # no thresholds: nothing to summarise
    await app[SERVICES].capacity.set_threshold("contoso", "Sales", "5", SETUP)
    assert await app[JOBS].summarize_capacity() == 1
    clock.advance(hours=24 * 6)
    restarted = app_for(store, contoso_teams(), clock, jobs=schedule)
    assert await restarted[JOBS].summarize_capacity() == 0  # six days on, a new process: not yet
    clock.advance(hours=24)
    assert await restarted[JOBS].summarize_capacity() == 1
    async with store.read() as uow:
        queued = (await uow.connection.execute(notifications.select().order_by(notifications.c.id))).all()
    assert [row.kind for row in queued] == ["capacity-summary", "capacity-summary"]
    assert "This week's capacity: 1 of 1 pool(s) below their threshold." in card_text(queued[0].card)
    assert "**Sales**: 3 free of 3 (threshold 5 free) - LOW" in card_text(queued[0].card)


async def test_a_tenant_whose_teams_fails_does_not_stop_the_drift_check_of_the_others(
    store: Store, clock: FakeClock
) -> None:
    teams = contoso_teams()
    broken = SimulatedTenant(name="fabrikam", clock=clock)
    broken.faults.respond_next(403, count=50, message="Missing role permissions on the request.")
    base = bot_settings()
    phones = {
        "contoso": SimulatedPhoneSystem(teams, clock=clock),
        "fabrikam": SimulatedPhoneSystem(broken, clock=clock),
    }
    app = create_app(base, store=store, phone_systems=phones, clock=clock, run_jobs=False)

    run = await app[JOBS].check_drift()

    assert run.done == ["contoso"]
    assert list(run.failed) == ["fabrikam"]
    assert "Missing role permissions" in run.failed["fabrikam"]
