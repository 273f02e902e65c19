"""Answering a click with the flow as it is now: the one place stale cards are handled.

A card carries its flow's id and the version it was drawn at. A click from an older version (a second
click, a card left open, another replica moved the flow) is answered with the current card, and so is a
click that loses the race to move the flow on (`FlowMoved`, raised by the service before anything is
written). A refusal (a rule said no) keeps the card where it was, with the reason on top.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from bot.flows.card_data import UNREADABLE, CardData, CardProblem
from bot.turn import Reply, Turn
from cards.elements import Card, notice
from inventory.errors import SwitchboardError
from inventory.flows import Flow, FlowMoved

if TYPE_CHECKING:
    from bot.dispatch import CardFlow

_FLOW_ID = re.compile(r"^[0-9a-f-]{36}$")
_GONE = "That card belongs to something I no longer do; start again (type help)."


async def answer_click(turn: Turn, flows: Mapping[str, CardFlow], verb: str, data: CardData) -> Reply:
    """Run `verb` on the flow the card belongs to, or answer with its current card when the card is stale."""
    flow, version = await _clicked(turn, data)
    kind = _kind_of(flows, flow)
    if version != flow.version:
        return Reply(await kind.render(turn, flow))
    try:
        return await kind.act(turn, flow, verb, data)
    except FlowMoved as moved:
        return Reply(await _kind_of(flows, moved.current).render(turn, moved.current))
    except CardProblem:
        raise
    except SwitchboardError as refused:
        current = await turn.services.flows.reload(flow.id) or flow
        return Reply(with_notice(await _kind_of(flows, current).render(turn, current), str(refused)))


def with_notice(card: Card, message: str) -> Card:
    return {**card, "body": [notice(message), *card.get("body", [])]}


async def _clicked(turn: Turn, data: CardData) -> tuple[Flow, int]:
    """The flow a click belongs to, checked (it exists, it is the operator's, in a tenant they may touch),
    and the version the card was drawn at."""
    flow_id, version = data.get("flow"), data.get("v")
    if not isinstance(flow_id, str) or not _FLOW_ID.match(flow_id) or not isinstance(version, int):
        raise CardProblem(UNREADABLE)
    flow = await turn.services.flows.load(flow_id, turn.operator.actor.id)
    turn.operator.require_tenant(flow.tenant)
    return flow, version


def _kind_of(flows: Mapping[str, CardFlow], flow: Flow) -> CardFlow:
    kind = flows.get(flow.kind)
    if kind is None:
        raise CardProblem(_GONE)
    return kind
