"""Four eyes for bulk assign: an operator's plan waits in its flow for another operator's decision.

Asking and deciding are each one transaction: the flow's conditional step (on its version, so of two
approvers clicking at once one wins) and the audit row of who asked or decided. The plan's numbers stay
held by the flow meanwhile, so approving runs exactly what was asked."""

from __future__ import annotations

from inventory.flows import Flow
from inventory.model import Actor
from inventory.services.context import ServiceContext
from inventory.services.flow_steps import Move, advance_in


class BulkApprovalService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    async def ask(self, flow: Flow, asker: Actor, move: Move, *, correlation_id: str) -> Flow:
        """Move the plan to wait for approval (`move`), audited as asked by `asker`."""
        return await self._step(flow, "ask-bulk-approval", asker, move, correlation_id)

    async def approve(self, flow: Flow, approver: Actor, move: Move, *, correlation_id: str) -> Flow:
        """Move the plan on to run (`move`), audited as approved by `approver`; FlowMoved when stale."""
        return await self._step(flow, "approve-bulk-assignment", approver, move, correlation_id)

    async def _step(self, flow: Flow, action: str, actor: Actor, move: Move, correlation_id: str) -> Flow:
        now = self._context.clock.now()
        async with self._context.storage.write() as uow:
            moved = await advance_in(uow, flow, move, now=now)
            await uow.audit.write_setting(
                flow.tenant,
                action,
                actor,
                at=now,
                correlation_id=correlation_id,
                before=None,
                after={"flow": flow.id, "people": len(flow.state.get("rows", []))},
            )
        return moved
