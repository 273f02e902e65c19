"""Finishing runs a crash left behind: bulk runs and single assignments whose runner's lease passed.

A bulk run is taken over by one replica (a conditional step on the flow's version): what its old runner
left in Teams' hands is settled from Teams first, then every person with an outcome keeps it, every
person whose number the run still holds is assigned now, and the rest are "not attempted: the bot
restarted". Its card in the conversation shows the progress and then the final counts, and the channel
hears the result, without anyone typing. A run that died after its last outcome, at finishing, has only
its channel note (unless told already) and its card's redraw done. A single assignment moves to its
outcome the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from bot.flows import bulk_run
from bot.flows.assign import FLOW as ASSIGN_FLOW
from bot.flows.assign_teams import policy_words, tell_channel_assigned
from bot.flows.assign_views import Step as AssignStep
from bot.flows.bulk_views import Step as BulkStep
from bot.flows.run_lease import LEASE_KEY, keep_lease, lease_of, lease_passed, lease_state, runner_of
from bot.flows.view_models import number_key
from bot.operator import Operator
from bot.turn import Turn
from cards.elements import Card
from inventory.config import Role
from inventory.flows import Flow, FlowMoved
from inventory.journal import FAILED, PENDING, POLICY_PENDING, SUCCEEDED, JournalEntry
from inventory.model import PhoneNumber
from inventory.services.container import Services
from inventory.services.flow_steps import Move
from inventory.services.holds import flow_hold_owner

log = logging.getLogger(__name__)
# (conversation reference as JSON, activity id, card): redraws a card already in the conversation.
CardUpdate = Callable[[dict[str, Any], str, Card], Awaitable[None]]
NOT_ATTEMPTED = (
    "Not attempted: the bot restarted before Teams was asked, and this person's number was no longer held. "
    "Nothing changed in Teams; assign them again."
)
IN_FLIGHT_WAIT_SECONDS = 300.0  # as long as a live run waits for one Teams operation
_IN_FLIGHT_POLL_SECONDS = 2.0
ASSIGNED = (SUCCEEDED, POLICY_PENDING)  # a journal entry whose number Teams gave the person
RESTARTED = "Not attempted: the bot restarted before Teams was asked. Nothing changed in Teams; assign again."


class Resumer:
    """Looks for runs without a runner and finishes them; `update_card` redraws their cards."""

    def __init__(self, services: Services, update_card: CardUpdate | None) -> None:
        self._services = services
        self._update_card = update_card

    async def resume_all(self) -> int:
        """Finish every run left behind; how many were taken over."""
        taken = 0
        steps = (("bulk", BulkStep.RUNNING), ("bulk", BulkStep.FINISHING), ("assign", AssignStep.ASSIGNING))
        for kind, step in steps:
            for flow in await self._services.flows.in_step(kind, step):
                claimed = await self._claim(flow)
                if claimed is None:
                    continue
                taken += 1
                log.info("resuming interrupted run kind=%s flow=%s", kind, flow.id)
                try:
                    if step == BulkStep.FINISHING:
                        await bulk_run.wrap_up(self._services, claimed, self._sink(claimed))
                    elif kind == "bulk":
                        await self._finish_bulk(claimed)
                    else:
                        await self._finish_assign(claimed)
                except Exception:
                    # One run that cannot be finished now (Teams away) must not stop the others; its lease
                    # lapses and the next look tries again.
                    log.exception("could not finish an interrupted run flow=%s", flow.id)
        return taken

    async def _claim(self, flow: Flow) -> Flow | None:
        now = self._services.context.clock.now()
        if not lease_passed(flow, now):
            return None
        try:
            return await self._services.flows.advance(flow, flow.step, **lease_state(now, lease_of(self._services)))
        except FlowMoved:
            return None  # another replica took it, or its runner moved it on just now

    async def _finish_bulk(self, flow: Flow) -> None:
        services = self._services
        flow = await self._settle_in_flight(flow)
        rows = flow.state["rows"]
        entries = _newest_assign_entries(await services.views.operations_of_flow(flow.id))
        numbers = await services.views.numbers_by_id(flow.tenant, [row["number"]["id"] for row in rows])
        now = services.context.clock.now()
        resume: list[int] = []
        errors: dict[str, str] = {}
        done = failed = 0
        for index, row in enumerate(rows):
            entry = entries.get(number_key(row["number"]))
            if entry is not None:
                done += 1
                failed += 0 if entry.status in ASSIGNED else 1
            elif _still_held(numbers.get(row["number"]["id"]), flow, now):
                resume.append(index)
            else:
                errors[str(index)] = NOT_ATTEMPTED
                done, failed = done + 1, failed + 1
        log.info(
            "bulk run resumed flow=%s settled=%d resumed=%d not_attempted=%d", flow.id, done, len(resume), len(errors)
        )
        # run_rows ends by redrawing the card with the results (`bulk_run.wrap_up`).
        await bulk_run.run_rows(
            services,
            flow,
            resume,
            errors=errors,
            sink=self._sink(flow),
            already_done=done,
            already_failed=failed,
        )

    async def _settle_in_flight(self, flow: Flow) -> Flow:
        """Settle what the old runner left in Teams' hands, waiting (with the lease kept) while Teams still
        runs those operations, so the results count them as what they became. Returns the flow as the
        lease left it."""
        services = self._services
        clock = services.context.clock
        waited = 0.0
        async with keep_lease(services, flow) as held:
            while True:
                await services.assignments.reconcile_flow(flow.tenant, flow.id)
                entries = await services.views.operations_of_flow(flow.id)
                if not any(e.status == PENDING for e in entries) or waited >= IN_FLIGHT_WAIT_SECONDS:
                    break
                await clock.sleep(_IN_FLIGHT_POLL_SECONDS)
                waited += _IN_FLIGHT_POLL_SECONDS
        return held.flow

    async def _finish_assign(self, flow: Flow) -> None:
        services = self._services
        await services.assignments.reconcile_flow(flow.tenant, flow.id)
        entries = [e for e in await services.views.operations_of_flow(flow.id) if e.kind == "assign"]
        entry = entries[-1] if entries else None
        if entry is not None and entry.status == PENDING:
            return  # Teams is still at it: the next look (or the reconciler) settles it first
        policy_pending = entry is not None and entry.status == POLICY_PENDING  # assigned; the grant is retried
        result: dict[str, Any] = {
            "succeeded": entry is not None and entry.status in ASSIGNED,
            "pending": False,
            "detail": entry.detail if entry is not None else RESTARTED,
            "warning": None,
            "policy_pending": policy_pending,
            "correlation_id": entry.correlation_id if entry is not None else "",
            "replaced": [],
        }
        step = AssignStep.DONE if result["succeeded"] else AssignStep.FAILED
        move = Move(step, {"result": result, LEASE_KEY: None})
        try:
            if entry is None:
                number = flow.state.get("number")
                ended = await services.holds.give_back_for_flow(
                    flow,
                    [number_key(number)] if number else [],
                    actor=runner_of(flow),
                    correlation_id=f"resume-{flow.id}",
                    then=move,
                )
            else:
                ended = await services.flows.advance(flow, move.step, **move.changes)
        except FlowMoved:
            return
        if entry is not None and result["succeeded"]:
            # The runner died before telling the channel (`assign_teams`): the note is the resume job's now.
            policy = policy_words(entry.policy, pending=policy_pending, warning=False)
            await tell_channel_assigned(services, ended, policy=policy, operator=runner_of(flow).name)
        if entry is not None and entry.status == FAILED:
            log.info("interrupted assignment failed flow=%s detail=%s", flow.id, entry.detail)
        renderer = ASSIGN_FLOW.views.get(AssignStep(ended.step))
        if renderer is not None:
            await self._redraw(ended, await renderer(_turn_for(services, ended), ended))

    def _sink(self, flow: Flow) -> bulk_run.CardSink | None:
        async def sink(card: Card) -> None:
            await self._redraw(flow, card)

        return sink if flow.state.get("card") else None

    async def _redraw(self, flow: Flow, card: Card) -> None:
        where = flow.state.get("card")
        if not where or self._update_card is None:
            return
        try:
            await self._update_card(where["reference"], where["activity_id"], card)
        except Exception:
            log.exception("could not redraw the card of a resumed run flow=%s", flow.id)


def _newest_assign_entries(entries: list[JournalEntry]) -> dict[tuple[str, str], JournalEntry]:
    # Oldest first: a later entry for the same number (a retry) is the outcome that stands.
    return {(e.number, e.extension): e for e in entries if e.kind == "assign"}


def _still_held(number: PhoneNumber | None, flow: Flow, now: datetime) -> bool:
    if number is None or number.hold is None or number.hold.owner != flow_hold_owner(flow.id):
        return False
    return number.hold.expires_at is None or number.hold.expires_at > now


def _turn_for(services: Services, flow: Flow) -> Turn:
    """The turn a card of the flow is drawn for: its operator's, with no activity behind it."""
    operator = Operator(runner_of(flow), Role.OPERATOR, (flow.tenant,))
    return Turn(services=services, operator=operator, correlation_id=f"resume-{flow.id}")
