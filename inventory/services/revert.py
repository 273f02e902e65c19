"""Reverting a change of `history` in Teams and the inventory, through the normal journaled paths.

Reverting a removal gives the number back to its holder: the number is first held for the reverting
flow (ending the quarantine the removal started, if any) in the same transaction that checks it is still
as the removal left it, so no picker can offer it meanwhile; then it is assigned like any other, with the
policy the holder had. Reverting an assignment is a removal. Both are journaled, so a crash half-way is
settled by reconcile like every other Teams operation.
"""

from __future__ import annotations

from datetime import timedelta

from inventory import transitions
from inventory.audit import new_correlation_id
from inventory.errors import NotFound, TransitionRefused
from inventory.model import Actor, Hold, NumberStatus
from inventory.ports.storage import UnitOfWork
from inventory.revert import RevertKind, RevertPlan, plan_revert
from inventory.services.assignment import AssignmentService, AssignRequest, OperationResult
from inventory.services.context import ServiceContext
from inventory.services.holds import flow_hold_owner


class RevertService:
    def __init__(self, context: ServiceContext, assignments: AssignmentService) -> None:
        self._context = context
        self._assignments = assignments

    async def plan(self, tenant: str, event_id: int) -> RevertPlan:
        """What reverting the event would do; TransitionRefused when it can no longer be done."""
        async with self._context.storage.read() as uow:
            return await _plan(uow, tenant, event_id)

    async def revert(self, tenant: str, event_id: int, actor: Actor, *, flow_id: str) -> OperationResult:
        if (plan := await self.plan(tenant, event_id)).kind is RevertKind.UNASSIGN:
            return await self._assignments.unassign(
                tenant, plan.number, actor, extension=plan.extension, flow_id=flow_id
            )
        plan = await self._hold_for_revert(tenant, event_id, actor, flow_id)
        request = AssignRequest(
            tenant,
            plan.number,
            plan.holder,
            plan.policy,
            extension=plan.extension,
            hold_owner=flow_hold_owner(flow_id),
            flow_id=flow_id,
        )
        return await self._assignments.assign(request, actor)

    async def _hold_for_revert(self, tenant: str, event_id: int, actor: Actor, flow_id: str) -> RevertPlan:
        now = self._context.clock.now()
        lifetime = timedelta(minutes=self._context.settings.hold_minutes)
        async with self._context.storage.write() as uow:
            plan = await _plan(uow, tenant, event_id, lock=True)
            current = await uow.numbers.get(tenant, plan.number, plan.extension)
            assert current is not None  # _plan checked it under the lock
            freed = current
            if current.status is NumberStatus.QUARANTINED:
                freed = transitions.end_quarantine(current, operator=actor.name, now=now, early=True)
            owner = flow_hold_owner(flow_id)
            held = transitions.hold(
                freed, Hold(owner, f"revert of change {event_id}", now + lifetime), operator=actor.name, now=now
            )
            await uow.numbers.save(
                current,
                held,
                action="hold",
                actor=actor,
                correlation_id=new_correlation_id(),
                detail=f"held to revert change {event_id}",
            )
        return plan


async def _plan(uow: UnitOfWork, tenant: str, event_id: int, *, lock: bool = False) -> RevertPlan:
    event = await uow.audit.get(tenant, event_id)
    if event is None or not event.number:
        raise NotFound("That change is not in this tenant's history.")
    if lock:
        found = await uow.numbers.get_many(tenant, [(event.number, event.extension or "")])
        ids = [n.id for n in found.values() if n.id is not None]
        locked = await uow.numbers.lock_by_ids(tenant, ids)
        current = next(iter(locked.values()), None)
    else:
        current = await uow.numbers.get(tenant, event.number, event.extension or "")
    plan = plan_revert(event, current)
    if plan.kind is RevertKind.ASSIGN:
        others = [n for n in await uow.numbers.held_by(tenant, [plan.holder.id]) if n.status is NumberStatus.USED]
        if others:
            raise TransitionRefused(
                f"{plan.holder.label} holds {others[0].label} now; giving {plan.label} back would replace it. "
                "Remove that number first, or assign by hand."
            )
    return plan
