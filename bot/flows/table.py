"""A card flow as tables: its steps (an enum), what each step does with each verb, how each step looks.

A flow is a wizard whose state lives in the database. A click names a verb; the flow's step and that
verb pick the handler from `actions`, a plain lookup. A verb the step does not take (an old card of the
same flow, or a forged one) is answered with the flow's current card and changes nothing.

A handler answers with what should happen next: a `Move` (the table moves the flow on and draws it
there), None (draw the flow as it is) or a `Reply` of its own (a first card and follow-up work).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from bot.flows.card_data import CardData
from bot.turn import Reply, Turn
from cards.elements import Card
from inventory.errors import SwitchboardError
from inventory.flows import Flow
from inventory.services.flow_steps import Move

S = TypeVar("S", bound=StrEnum)
Outcome = Reply | Move | None
Handler = Callable[[Turn, Flow, CardData], Awaitable[Outcome]]
Renderer = Callable[[Turn, Flow], Awaitable[Card]]


@dataclass(frozen=True)
class FlowTable(Generic[S]):
    kind: str  # stored with every flow of this table
    steps: type[S]
    actions: Mapping[tuple[S, str], Handler]
    views: Mapping[S, Renderer]
    lost: str  # what to say about a flow in a step this release no longer has

    def step_of(self, flow: Flow) -> S:
        try:
            return self.steps(flow.step)
        except ValueError:
            raise SwitchboardError(self.lost) from None

    async def act(self, turn: Turn, flow: Flow, verb: str, data: CardData) -> Reply:
        handler = self.actions.get((self.step_of(flow), verb))
        outcome = await handler(turn, flow, data) if handler is not None else None
        if isinstance(outcome, Reply):
            return outcome
        if isinstance(outcome, Move):
            flow = await turn.services.flows.advance(flow, outcome.step, **outcome.changes)
        return Reply(await self.render(turn, flow))

    async def render(self, turn: Turn, flow: Flow) -> Card:
        """The card for the flow as it is now (also the answer to a stale or repeated click)."""
        view = self.views.get(self.step_of(flow))
        if view is None:
            raise SwitchboardError(self.lost)
        return await view(turn, flow)

    async def start(self, turn: Turn, tenant: str, step: S, state: dict[str, Any]) -> Flow:
        return await turn.services.flows.start(self.kind, tenant, turn.operator.actor.id, step.value, state)

    async def advance(self, turn: Turn, flow: Flow, step: S, **changes: Any) -> Flow:
        """Move the flow on; raises FlowMoved when a concurrent click got there first."""
        return await turn.services.flows.advance(flow, step.value, **changes)


def on_steps(steps: tuple[S, ...], verb: str, handler: Handler) -> dict[tuple[S, str], Handler]:
    """The same handler for `verb` on each of `steps` (Cancel on every step that may be cancelled)."""
    return {(step, verb): handler for step in steps}
