"""The `numbers` command: a searchable, paged list of the tenant's inventory with status."""

from __future__ import annotations

from typing import Any

from bot.flows.common import advance, page_of, ref, start_flow, text_input
from bot.turn import Reply, Turn
from cards.browse import STATUS_FILTERS, numbers_card
from cards.elements import Card
from cards.views import PageView
from inventory.model import NumberStatus
from inventory.store.flows import Flow
from inventory.store.search import NumberQuery

KIND = "numbers"
PAGE_SIZE = 10
_STATUSES = {value for _, value in STATUS_FILTERS}


async def start(turn: Turn, args: str) -> Reply:
    tenant = await turn.tenant()
    flow = await start_flow(turn, KIND, tenant, "list", {"search": args[:100], "status": "any", "cursors": [None]})
    return Reply(await render(turn, flow))


async def act(turn: Turn, flow: Flow, verb: str, data: dict[str, Any]) -> Reply:
    cursors = list(flow.state.get("cursors") or [None])
    if verb == "numbers.search":
        status = text_input(data, "status", limit=20) or "any"
        if status not in _STATUSES:
            status = "any"
        flow = await advance(
            turn, flow, "list", search=text_input(data, "search", limit=100), status=status, cursors=[None]
        )
    elif verb == "numbers.next":
        _, next_cursor = await _page(turn, flow)
        if next_cursor:
            flow = await advance(turn, flow, "list", cursors=[*cursors, next_cursor])
    elif verb == "numbers.previous":
        flow = await advance(turn, flow, "list", cursors=cursors[:-1] or [None])
    return Reply(await render(turn, flow))


async def _page(turn: Turn, flow: Flow) -> tuple[PageView, str | None]:
    status = flow.state.get("status", "any")
    statuses = () if status == "any" else (NumberStatus(status),)
    query = NumberQuery(tenant=flow.tenant, text=flow.state.get("search") or None, statuses=statuses)
    return await page_of(turn, query, flow.state, size=PAGE_SIZE)


async def render(turn: Turn, flow: Flow) -> Card:
    page, _ = await _page(turn, flow)
    return numbers_card(ref(flow), page, tenant=flow.tenant, status=flow.state.get("status", "any"))
