"""Periodic work in the bot process, run by one replica at a time (the job leader).

- every minute: expired holds and finished quarantines go back to the pool, and the owners of
  reservations that end soon or ended hear it (once each) in a personal chat with the bot, or in the
  tenant's channel when Teams will not open one; pools that fell below their capacity threshold, or
  recovered, are posted to the channel (once each way);
- optionally (`capacity_summary_seconds`, e.g. weekly): a capacity summary card to each tenant's channel;
- at start-up and every few minutes: Teams operations left pending (a crash, a slow Teams) are settled
  from Teams (at start-up first: a restart is exactly when entries are left behind);
- at start-up and every half minute: runs a crash left behind (a bulk run, an assignment whose runner's
  lease passed) are finished and their cards redrawn (`bot/flows/resume.py`);
- hourly: expired flows and old sync diffs are forgotten;
- optionally: a drift check per tenant that reports (and commits only when configured to), a few
  tenants at a time (`drift_check_concurrency`), so one slow or failing tenant never holds up the
  others;
- every minute: number requests nobody decided in time expire, their held numbers go back, and the
  request's card in its thread says so (`update_card`);
- hourly (`onboarding_seconds`), for tenants with `onboarding` on: who is enabled for Teams Phone without a
  number, with the rules' suggestions, posted to the channel when that set changed (`cards/onboarding.py`);
- every ten minutes: what has been stuck in Teams longer than `stuck_after_minutes` (an operation Teams
  has not confirmed, a number not activated) is told to the tenant's channel, once each.

Every replica keeps the timers; before each run it asks `JobLeadership` whether it leads, so with
several replicas on one PostgreSQL database each run happens once (a drift note is posted once, Teams is
read once per reconcile). Each change is still a conditional update, so an overlap when leadership
moves costs a repeated read, never a double change. `schedule` in the settings sets the intervals.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from bot.flows.capacity_notes import check_capacity, summary
from bot.flows.reservations import reservation_view
from bot.flows.resume import CardUpdate, Resumer
from bot.requests import posted_copies, shared_card, told_everyone
from bot.turn import Thread
from cards.notify import policy_note, stuck_note
from cards.onboarding import OnboardingLine, onboarding_card
from cards.reservations import reservation_note
from inventory import log_context
from inventory.audit import new_correlation_id
from inventory.metrics import JOB_LEADER, JOB_RUNS
from inventory.model import Actor, PhoneNumber
from inventory.ports.leadership import JobLeadership
from inventory.services.container import Services
from inventory.services.each_tenant import TenantsRun, each_tenant
from inventory.services.lifecycle import free_expired_numbers
from inventory.stuck import StuckItem
from inventory.sync.runs import SyncPreview
from inventory.tracing import span

log = logging.getLogger(__name__)
DRIFT_CHECKER = Actor("system:drift-check", "Switchboard drift check")
# Longer than a sync of a large tenant takes (1,000,000 numbers: minutes), far shorter than forever.
DRIFT_TENANT_SECONDS = 900
DriftReport = Callable[[str, SyncPreview], Awaitable[None]]
ThreadOf = Callable[[dict[str, Any], str], Thread]  # a posted card's conversation and id -> its thread
# (tenant, person's Entra object id, card) -> whether it reached them in a personal chat
TellPerson = Callable[[str, str, dict[str, Any]], Awaitable[bool]]


class AlwaysLead:
    """Leadership for one process alone (tests that call the jobs directly)."""

    async def lead(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class Jobs:
    def __init__(
        self,
        services: Services,
        *,
        leadership: JobLeadership | None = None,
        on_drift: DriftReport | None = None,
        update_card: CardUpdate | None = None,
        thread_of: ThreadOf | None = None,
        tell_person: TellPerson | None = None,
    ) -> None:
        self._services = services
        self._resumer = Resumer(services, update_card)
        self._update_card = update_card
        self._thread_of = thread_of
        self._leadership: JobLeadership = leadership or AlwaysLead()
        self._on_drift = on_drift
        self._tell_person = tell_person
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        settings = self._services.context.settings
        schedule = settings.jobs
        self._every(schedule.expiry_seconds, self.free_expired)
        self._every(schedule.expiry_seconds, self.warn_reservations)
        self._every(schedule.expiry_seconds, self.check_capacity)
        # Looked at hourly and sent when the last one is a period old, so restarts do not reset the week.
        if schedule.capacity_summary_seconds:
            self._every(min(3600, schedule.capacity_summary_seconds), self.summarize_capacity)
        self._every(schedule.expiry_seconds, self.expire_requests)
        self._every(schedule.reconcile_seconds, self.reconcile, first_after=0)
        self._every(schedule.resume_seconds, self.resume_interrupted, first_after=0)
        self._every(schedule.purge_seconds, self.purge)
        self._every(schedule.drift_check_seconds or settings.drift_check_minutes * 60, self.check_drift)
        self._every(schedule.stuck_watch_seconds, self.watch_stuck)
        self._every(schedule.onboarding_seconds, self.suggest_onboarding)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        await self._leadership.release()
        JOB_LEADER.set(0)

    def _every(self, seconds: float, job: Callable[[], Awaitable[object]], *, first_after: float | None = None) -> None:
        if seconds <= 0:
            return

        async def loop() -> None:
            wait = seconds if first_after is None else first_after
            while True:
                await asyncio.sleep(wait)
                wait = seconds
                await self.run_if_leader(job)

        self._tasks.append(asyncio.create_task(loop(), name=f"job {job.__name__}"))

    async def run_if_leader(self, job: Callable[[], Awaitable[object]]) -> bool:
        """Run `job` when this replica leads; False when another one does (or the database is away)."""
        leads = await self._leadership.lead()
        JOB_LEADER.set(1 if leads else 0)
        if not leads:
            return False
        log_context.start(correlation_id=new_correlation_id())  # each run's log lines belong together
        try:
            with span(f"switchboard.job {job.__name__}", **{"switchboard.job": job.__name__}):
                await job()
        except Exception:
            JOB_RUNS.labels(job.__name__, "failed").inc()
            log.exception("job failed job=%s", job.__name__)
        else:
            JOB_RUNS.labels(job.__name__, "ok").inc()
            log.debug("job ran job=%s", job.__name__)
        return True

    async def free_expired(self) -> int:
        context = self._services.context
        freed = await free_expired_numbers(context.storage, clock=context.clock)
        if freed:
            log.info("freed expired holds and quarantines count=%d", len(freed))
        for number in freed:
            if number.hold is not None and number.hold.is_reservation:
                await self._tell_owner(number, ended=True)
        for tenant in sorted({number.tenant for number in freed}):
            # Freed numbers may lift their pools: said now, once per tenant.
            await check_capacity(self._services, tenant, {n.pool for n in freed if n.tenant == tenant})
        return len(freed)

    async def warn_reservations(self) -> int:
        warned = await self._services.reservations.warn_expiring()
        for number in warned:
            await self._tell_owner(number, ended=False)
        return len(warned)

    async def _tell_owner(self, number: PhoneNumber, *, ended: bool) -> None:
        """The owner hears it in a personal chat; where Teams will not open one (the app is not installed
        for them, no Bot Connector known yet, an owner that is not a person), the tenant's channel does."""
        note = reservation_note(reservation_view(number), tenant=number.tenant, ended=ended)
        owner = number.hold.owner if number.hold is not None else ""
        tell = self._tell_person
        if tell is not None and _is_person(owner) and await tell(number.tenant, owner, note):
            return
        log.info(
            "reservation owner not told personally, telling the channel tenant=%s number=%s owner=%s ended=%s",
            number.tenant,
            number.number,
            owner[:64],
            ended,
        )
        await self._services.notifications.enqueue(number.tenant, "reservation", note)

    async def check_capacity(self) -> int:
        """Every tenant's pools against their thresholds. The bot's own changes check at once; this run
        notices what moved numbers elsewhere (the CLI, another tool on the database)."""
        changed = 0
        for tenant in self._services.context.settings.tenants:
            changed += await check_capacity(self._services, tenant.name)
        return changed

    async def summarize_capacity(self) -> int:
        """The optional capacity summary (`jobs.capacity_summary_seconds`) to each tenant with thresholds."""
        every = timedelta(seconds=self._services.context.settings.jobs.capacity_summary_seconds)
        sent = 0
        for tenant in self._services.context.settings.tenants:
            sent += await self._services.capacity.summarize(tenant.name, every, summary)
        return sent

    async def expire_requests(self) -> int:
        expired = await self._services.requests.expire_due()
        if self._update_card is not None:
            for request in expired:
                for copy in posted_copies(request, shared_card(request)):  # its own card and the channel's copy
                    try:
                        await self._update_card(copy.reference, copy.activity_id, copy.card)
                    except Exception as error:  # the request has expired either way; the card is its picture
                        log.warning("request card not updated request=%s error=%s", request.id, error)
        if expired:
            log.info("number requests expired count=%d", len(expired))
        return len(expired)

    async def reconcile(self) -> int:
        reconciled = await self._services.assignments.reconcile_all()
        # Requests approved while Teams was slower than the click's wait follow their settled entries, and
        # their thread hears it as it would have from the click.
        for request in await self._services.requests.follow_settled():
            log.info("request settled by reconcile request=%s status=%s", request.id, request.status.value)
            if self._thread_of is not None and request.conversation and request.activity_id:
                await self._thread_of(request.conversation, request.activity_id).tell(told_everyone(request))
        # Policy grants that failed after their assignment are retried on the same schedule; the channel
        # hears when one lands or is given up.
        for settled in await self._services.assignments.retry_policies():
            note = policy_note(
                tenant=settled.tenant,
                number=settled.number,
                holder=settled.holder,
                policy=settled.policy,
                landed=settled.landed,
                detail=settled.detail,
            )
            await self._services.notifications.enqueue(settled.tenant, "policy", note)
        return reconciled

    async def watch_stuck(self) -> int:
        told = 0
        for tenant in self._services.context.settings.tenants:
            report = await self._services.stuck_watch.report(tenant.name, _stuck_card)
            if report.told:
                log.info("stuck in teams tenant=%s stuck=%d told=%d", tenant.name, report.stuck, len(report.told))
            told += len(report.told)
        return told

    async def suggest_onboarding(self) -> int:
        """Tenants with `onboarding` on and a channel hear who is enabled for Teams Phone without a number, with
        the rules' suggestions, when that set of people changed since the last card; how many cards went."""
        posted = 0
        for tenant in self._services.context.settings.tenants:
            if not tenant.onboarding or await self._services.notifications.channel_for(tenant.name) is None:
                continue  # without a channel nothing is remembered, so the first channel hears the whole set
            changed = await self._services.onboarding.changed(tenant.name)
            if changed is None:
                continue
            post, suggestions = changed
            lines = [OnboardingLine(s.name, s.upn, s.number, s.pool) for s in suggestions]
            card = onboarding_card(post_id=post.id, tenant=tenant.display_name, lines=lines)
            await self._services.notifications.enqueue(tenant.name, "onboarding", card)
            log.info("onboarding suggestions tenant=%s people=%d", tenant.name, len(lines))
            posted += 1
        return posted

    async def resume_interrupted(self) -> int:
        """Finish the runs whose runner is gone; how many were taken over."""
        return await self._resumer.resume_all()

    async def purge(self) -> None:
        await self._services.flows.purge(older_than=timedelta(days=1))
        await self._services.sync.purge(keep_days=7)

    async def check_drift(self) -> TenantsRun:
        """Every tenant compared with Teams, `drift_check_concurrency` at a time. A tenant still going after
        `DRIFT_TENANT_SECONDS` (or the interval, if longer) is stopped and logged (its run expires like any
        unfinished sync): something is stuck, and it must not hold a place in every check from then on."""
        settings = self._services.context.settings
        interval = settings.jobs.drift_check_seconds or settings.drift_check_minutes * 60
        run = await each_tenant(
            [tenant.name for tenant in settings.tenants],
            self._check_drift_of,
            concurrency=settings.drift_check_concurrency,
            per_tenant_seconds=max(interval, DRIFT_TENANT_SECONDS),
        )
        log.info(
            "drift check tenants=%d failed=%d peak_concurrent=%d", len(run.done), len(run.failed), run.peak_concurrent
        )
        return run

    async def _check_drift_of(self, tenant: str) -> None:
        settings, sync = self._services.context.settings, self._services.sync
        preview = await sync.start_sync(tenant, DRIFT_CHECKER)
        counts = preview.run.counts
        log.info("drift check tenant=%s counts=%s", tenant, counts)
        if settings.drift_check_commits and preview.has_changes:
            await sync.commit_sync(preview.run.id, tenant, DRIFT_CHECKER)
        elif preview.has_changes:
            await sync.discard_sync(preview.run.id, tenant, DRIFT_CHECKER)
        if self._on_drift is not None and counts.get("drift"):
            await self._on_drift(tenant, preview)


def _is_person(owner: str) -> bool:
    """An Entra object id (a GUID), which Teams opens a personal chat with; not `cli:...` or `system:...`."""
    try:
        uuid.UUID(owner)
    except ValueError:
        return False
    return True


def _stuck_card(tenant: str, stuck: int, items: list[StuckItem]) -> dict[str, Any]:
    return stuck_note(tenant=tenant, stuck=stuck, items=[(i.problem, i.cause, i.next_step) for i in items])
