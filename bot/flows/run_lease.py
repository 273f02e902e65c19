"""Runs that outlive a turn (a bulk run, an assignment in Teams) and must outlive a crash too.

A run's flow records who it acts for, the card that shows it, and a lease (`lease_until`) that its runner
renews while it works. A run whose lease has passed has no runner left (its process died): the resume job
(`bot/flows/resume.py`) takes it over with a conditional step on the flow's version, so one replica does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.turn import Turn
from inventory.flows import Flow, FlowMoved
from inventory.model import Actor
from inventory.services.container import Services

log = logging.getLogger(__name__)
LEASE_KEY = "lease_until"


def lease_of(services: Services) -> timedelta:
    return timedelta(seconds=max(3, services.context.settings.jobs.run_lease_seconds))


def lease_state(now: datetime, lease: timedelta) -> dict[str, Any]:
    return {LEASE_KEY: (now + lease).isoformat()}


def lease_passed(flow: Flow, now: datetime) -> bool:
    """True when nobody has renewed the run's lease in time (a flow from before leases counts as passed)."""
    until = flow.state.get(LEASE_KEY)
    return until is None or datetime.fromisoformat(until) <= now


def runner_state(actor: Actor) -> dict[str, Any]:
    """Who the run acts for: a resumed run keeps the operator's name on every journal entry and audit row."""
    return {"runner": {"id": actor.id, "name": actor.name}}


def runner_of(flow: Flow) -> Actor:
    runner = flow.state.get("runner") or {"id": flow.operator_id, "name": flow.operator_id}
    return Actor(runner["id"], runner["name"])


def run_marks(turn: Turn) -> dict[str, Any]:
    """What a run keeps in its flow so another process can finish it: runner, card, lease."""
    now = turn.services.context.clock.now()
    card = (
        {"card": {"reference": turn.conversation.reference, "activity_id": turn.card_id}}
        if turn.conversation is not None and turn.card_id
        else {}
    )
    return {**runner_state(turn.operator.actor), **card, **lease_state(now, lease_of(turn.services))}


@dataclass
class Lease:
    """The flow as its runner last moved it; `lost` once another replica moved it instead."""

    flow: Flow
    lost: bool = False


@contextlib.asynccontextmanager
async def keep_lease(services: Services, flow: Flow) -> AsyncIterator[Lease]:
    """Renew `flow`'s lease every third of it while the block runs. Renewing is a conditional step on the
    flow's version like every other: when another replica took the run over meanwhile, renewing stops
    and `lost` says so (the runner then leaves the ending to it). Move the flow on from `.flow`."""
    held = Lease(flow)
    renewing = asyncio.create_task(_renew(services, held, lease_of(services)), name=f"lease {flow.id}")
    try:
        yield held
    finally:
        renewing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewing


async def _renew(services: Services, held: Lease, lease: timedelta) -> None:
    while True:
        await asyncio.sleep(lease.total_seconds() / 3)
        now = services.context.clock.now()
        try:
            held.flow = await services.flows.advance(held.flow, held.flow.step, **lease_state(now, lease))
        except FlowMoved:
            log.warning("run taken over flow=%s", held.flow.id)
            held.lost = True
            return
        except Exception:
            # The database may be away for a moment; the lease is long enough for the next try.
            log.exception("lease renewal failed flow=%s", held.flow.id)
