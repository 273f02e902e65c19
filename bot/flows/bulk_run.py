"""Running a bulk plan in Teams: for the operator's Assign all, or for a run resumed after a restart.

The runner keeps the flow's lease while it works (`run_lease.keep_lease`), so a run whose lease has
passed has no runner left and the resume job takes it over (`bot/flows/resume.py`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any

from bot.flows.bulk_views import VIEWS, Step, results_card, results_of
from bot.flows.capacity_notes import check_capacity
from bot.flows.run_lease import LEASE_KEY, keep_lease, lease_of, lease_state, runner_of
from bot.flows.view_models import account_from_state, assignee_of
from bot.turn import Reply, Turn
from cards import bulk as bulk_cards
from cards.elements import Card
from cards.notify import bulk_note
from inventory.config import TenantConfig
from inventory.flows import Flow, FlowMoved
from inventory.locations import default_location
from inventory.services.assignment import AssignRequest
from inventory.services.bulk import assign_all
from inventory.services.container import Services
from inventory.services.holds import flow_hold_owner

__all__ = ["run_reply", "run_rows", "tell_channel", "wrap_up"]
log = logging.getLogger(__name__)
CardSink = Callable[[Card], Awaitable[None]]


def run_reply(turn: Turn, flow: Flow) -> Reply:
    """Run a plan the flow has just moved to running (Assign all, or another operator's approval): the
    progress card at once, then Teams in a follow-up that ends on the results card."""
    rows = flow.state["rows"]

    async def work(sink: CardSink) -> Card:
        ended = await run_rows(turn.services, flow, range(len(rows)), errors={}, sink=sink)
        return await VIEWS[Step(ended.step)](turn, ended)

    return Reply(bulk_cards.progress_card(done=0, total=len(rows), failed=0), follow_up=work, at_once=True)


async def run_rows(
    services: Services,
    flow: Flow,
    indices: Sequence[int],
    *,
    errors: dict[str, str],
    sink: CardSink | None,
    already_done: int = 0,
    already_failed: int = 0,
) -> Flow:
    """Assign the plan's rows at `indices` (the rest already have an outcome), then move the flow to its
    results with `errors` (why a row never reached Teams) and tell the channel. Returns the flow as it ends
    (as someone else left it, when the run was taken over)."""
    rows = flow.state["rows"]
    actor = runner_of(flow)
    last_drawn = 0.0

    async def progress(done: int, of: int, failed: int) -> None:
        nonlocal last_drawn
        if sink is not None and time.monotonic() - last_drawn > 1.0:
            last_drawn = time.monotonic()
            card = bulk_cards.progress_card(done=already_done + done, total=len(rows), failed=already_failed + failed)
            await sink(card)

    async with keep_lease(services, flow) as held:
        run = await assign_all(
            services.assignments,
            [_request(flow, rows[i], services.context.tenant(flow.tenant)) for i in indices],
            actor,
            gate=services.context.gate(flow.tenant),
            progress=progress,
        )
    refused = {str(i): o.refusal for i, o in zip(indices, run.outcomes, strict=True) if o.refusal}
    if held.lost:
        current = await services.flows.reload(flow.id)
        return current or held.flow
    now = services.context.clock.now()
    try:
        finishing = await services.flows.advance(
            held.flow, Step.FINISHING, errors={**errors, **refused}, **lease_state(now, lease_of(services))
        )
    except FlowMoved as moved:
        return moved.current
    return await wrap_up(services, finishing, sink)


async def wrap_up(services: Services, flow: Flow, sink: CardSink | None) -> Flow:
    """Tell the channel, redraw the card with the results, and only then call the run's results final: a
    process that dies in between leaves the flow at finishing, and the resume job does the rest
    (`resume.py`), so neither the note nor the card's last redraw is lost. Returns the flow as it ends."""
    try:
        if not flow.state.get("told"):
            await tell_channel(services, flow)
            flow = await services.flows.advance(flow, Step.FINISHING, told=True)
        if sink is not None:
            # Drawn with the version the step to results below gives the flow: the card's buttons work once
            # it is final, rather than answering the first click with the same card again.
            final = replace(flow, step=Step.RESULTS, version=flow.version + 1)
            try:
                await sink(await results_card(services, final))
            except Exception:
                # Teams away: the run's outcome stands all the same, and its card stays one redraw behind.
                log.exception("could not redraw the card with the results flow=%s", flow.id)
        return await services.flows.advance(flow, Step.RESULTS, **{LEASE_KEY: None})
    except FlowMoved as moved:
        return moved.current  # another replica is wrapping it up (its lease had passed)


async def tell_channel(services: Services, flow: Flow) -> None:
    """The channel's note: who got which number, and who did not and why; then the pools' capacity."""
    results = await results_of(services, flow)
    note = bulk_note(
        tenant=flow.tenant,
        assigned=[f"{r.name}: {r.number}" for r in results if r.succeeded],
        failures=[f"{r.name} ({r.number}): {r.detail}" for r in results if not r.succeeded],
        operator=runner_of(flow).name,
    )
    await services.notifications.enqueue(flow.tenant, "bulk", note)
    # Once for the whole run, after its note: a run of 50 that empties a pool alerts once, not 50 times.
    await check_capacity(services, flow.tenant)


def _request(flow: Flow, row: dict[str, Any], config: TenantConfig) -> AssignRequest:
    number = row["number"]
    return AssignRequest(
        tenant=flow.tenant,
        number=number["e164"],
        extension=number["ext"],
        account=assignee_of(account_from_state(row["account"])),
        policy=row.get("policy") or flow.state.get("policy_all"),
        hold_owner=flow_hold_owner(flow.id),
        flow_id=flow.id,
        keep_refused_out=True,
        # Each number's own location from Teams, else its pool's site (`inventory/locations.py`).
        location_id=default_location(number.get("location_id"), number.get("pool"), config),
    )
