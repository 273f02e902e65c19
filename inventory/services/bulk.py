"""Running many assignments at once: as many at a time as Teams accepts, progress, one result each.

The tenant's `OperationGate` decides how many Teams operations (each an assign, its polls and a policy
grant) are in flight: it grows while Teams accepts them and backs off on 429 (for its Retry-After) and
5xx, keeping a share for operators' clicks. The Graph adapter separately bounds HTTP requests in flight
per tenant. A failure in one assignment never stops the others, and each assignment keeps its own
journal entry and hold rules.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from inventory import transitions
from inventory.errors import SwitchboardError
from inventory.model import Actor, PhoneNumber
from inventory.pacing.gate import OperationGate
from inventory.ports.repositories import NumberKey
from inventory.services.assignment import AssignmentService, AssignRequest, OperationResult
from inventory.services.context import ServiceContext
from inventory.services.settlement import refused_by_teams

BulkProgress = Callable[[int, int, int], Awaitable[None]]  # (done, total, failed)


@dataclass(frozen=True)
class BulkOutcome:
    request: AssignRequest
    result: OperationResult | None  # None when a rule refused it before Teams was called
    refusal: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.result is not None and self.result.succeeded


@dataclass(frozen=True)
class BulkRun:
    outcomes: list[BulkOutcome]
    peak_in_flight: int
    throttled: int = 0  # Teams' 429s during the run

    @property
    def succeeded(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome.succeeded)


async def assign_all(
    assignments: AssignmentService,
    requests: Sequence[AssignRequest],
    actor: Actor,
    *,
    gate: OperationGate,
    progress: BulkProgress | None = None,
) -> BulkRun:
    """Assign every request as fast as `gate` admits; outcomes in the order of `requests`."""
    outcomes: list[BulkOutcome | None] = [None] * len(requests)
    state = {"in_flight": 0, "peak": 0, "done": 0, "failed": 0}
    throttled_before = gate.throttled

    async def one(index: int, request: AssignRequest) -> None:
        async with gate.bulk_slot():
            state["in_flight"] += 1
            state["peak"] = max(state["peak"], state["in_flight"])
            try:
                outcome = BulkOutcome(request, await assignments.assign(request, actor))
            except SwitchboardError as refused:
                outcome = BulkOutcome(request, None, str(refused))
            finally:
                state["in_flight"] -= 1
        outcomes[index] = outcome
        state["done"] += 1
        state["failed"] += 0 if outcome.succeeded else 1
        if progress is not None:
            await progress(state["done"], len(requests), state["failed"])

    await asyncio.gather(*(one(index, request) for index, request in enumerate(requests)))
    done = [outcome for outcome in outcomes if outcome is not None]
    return BulkRun(done, state["peak"], gate.throttled - throttled_before)


async def return_refused(
    context: ServiceContext, tenant: str, numbers: Sequence[NumberKey], actor: Actor, *, correlation_id: str
) -> list[PhoneNumber]:
    """Put the numbers Teams refused (blocked with Teams' reason) back in the pool, in one transaction;
    numbers someone changed since (or blocked for another reason) are left as they are. Each return is an
    `unblock` in the number's history, by `actor`."""
    now = context.clock.now()
    async with context.storage.write() as uow:
        current = await uow.numbers.get_many(tenant, numbers)
        changes = [
            (n, transitions.unblock(n, operator=actor.name, now=now).touched(actor.name, now, notes=None))
            for n in current.values()
            if refused_by_teams(n)
        ]
        return await uow.numbers.save_many(
            changes,
            action="unblock",
            actor=actor,
            correlation_id=correlation_id,
            detail="returned to the pool after Teams refused it",
        )
