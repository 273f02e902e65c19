"""Keeping card flows: start one, load it for a click, move it on, forget old ones.

A flow moves on only from the version it was read at; when someone moved it first (a double click,
another replica), `FlowMoved` carries the flow as it is now and nothing is written. `advance_in` is that
same step inside a caller's transaction, so a use case can change numbers and move the flow together.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from inventory.errors import AccessDenied, SwitchboardError
from inventory.flows import Flow, FlowMoved
from inventory.ports.storage import UnitOfWork
from inventory.services.context import ServiceContext

LIFETIME = timedelta(minutes=60)  # a card older than this answers "expired"


@dataclass(frozen=True)
class Move:
    """Where a use case leaves a flow: its next step and what that step changes in its state."""

    step: str
    changes: Mapping[str, Any] = field(default_factory=dict)


class FlowService:
    def __init__(self, context: ServiceContext) -> None:
        self._storage = context.storage
        self._clock = context.clock

    async def start(self, kind: str, tenant: str, operator_id: str, step: str, state: dict[str, Any]) -> Flow:
        now = self._clock.now()
        flow = Flow(
            id=str(uuid.uuid4()),
            tenant=tenant,
            kind=kind,
            operator_id=operator_id,
            step=step,
            state=state,
            version=1,
            created_at=now,
            updated_at=now,
            expires_at=now + LIFETIME,
        )
        async with self._storage.write() as uow:
            await uow.flows.create(flow)
        return flow

    async def load(self, flow_id: str, operator_id: str) -> Flow:
        """The flow a click belongs to: it exists, it has not expired, and it is this operator's."""
        flow = await self.reload(flow_id)
        if flow is None or flow.is_expired(self._clock.now()):
            raise SwitchboardError("This card has expired. Start again with a command (type help).")
        if flow.operator_id != operator_id:
            raise AccessDenied("This card belongs to another operator's task; start your own with a command.")
        return flow

    async def reload(self, flow_id: str) -> Flow | None:
        async with self._storage.read() as uow:
            return await uow.flows.get(flow_id)

    async def advance(self, flow: Flow, step: str, **changes: Any) -> Flow:
        """Move the flow to `step` with its state merged with `changes`; raises FlowMoved when stale."""
        async with self._storage.write() as uow:
            return await advance_in(uow, flow, Move(step, changes), now=self._clock.now())

    async def in_step(self, kind: str, step: str) -> list[Flow]:
        """Flows of `kind` at `step`, whoever started them (the jobs look for runs a crash left behind)."""
        async with self._storage.read() as uow:
            return await uow.flows.in_step(kind, step)

    async def purge(self, *, older_than: timedelta) -> int:
        """Forget flows that expired more than `older_than` ago."""
        async with self._storage.write() as uow:
            return await uow.flows.purge_expired(self._clock.now() - older_than)


async def advance_in(uow: UnitOfWork, flow: Flow, move: Move, *, now: datetime) -> Flow:
    """`FlowService.advance` inside the caller's transaction: raising FlowMoved rolls all of it back."""
    moved = await uow.flows.advance(flow, step=move.step, state={**flow.state, **move.changes}, now=now)
    if moved is None:
        current = await uow.flows.get(flow.id)
        assert current is not None, "a flow is only deleted long after it expired"
        raise FlowMoved(current)
    return moved
