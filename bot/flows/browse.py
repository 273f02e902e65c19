"""The `numbers` command: a searchable, paged list of the tenant's inventory with status. The search box
takes the terms of `inventory.search_terms` (area:, patterns, status:, pool:, ... combined)."""

from __future__ import annotations

from enum import StrEnum

from bot.flows.card_data import CardData, text_input
from bot.flows.paging import first_page, next_page, page_of, previous_page
from bot.flows.saved_searches import expand
from bot.flows.table import FlowTable
from bot.flows.view_models import ref
from bot.grammar import read_numbers
from bot.turn import Reply, Turn
from cards.browse import STATUS_FILTERS, numbers_card
from cards.elements import Card
from cards.views import PageView
from inventory.flows import Flow
from inventory.model import NumberStatus
from inventory.number_query import NumberQuery
from inventory.search_terms import parse_search
from inventory.services.flow_steps import Move


class Step(StrEnum):
    LIST = "list"


PAGE_SIZE = 10
_STATUSES = {value for _, value in STATUS_FILTERS}


async def start(turn: Turn, args: str) -> Reply:
    """`numbers [free|used|reserved|quarantined|blocked] [SEARCH]`: the status word sets the card's filter."""
    tenant = await turn.tenant()
    words = read_numbers(await expand(turn, tenant, args))  # `numbers NAME`: the operator's saved search
    search = words.search[:100]
    parse_search(search, NumberQuery(tenant=tenant))  # a term that cannot match is refused before a card
    status = words.status.value if words.status is not None else "any"
    flow = await FLOW.start(turn, tenant, Step.LIST, {"search": search, "status": status, **first_page()})
    return Reply(await FLOW.render(turn, flow))


async def _search(turn: Turn, flow: Flow, data: CardData) -> Move:
    status = text_input(data, "status", limit=20) or "any"
    if status not in _STATUSES:
        status = "any"
    search = await expand(turn, flow.tenant, text_input(data, "search", limit=100))
    parse_search(search, NumberQuery(tenant=flow.tenant))  # refused here, the card stays as it was
    return Move(Step.LIST, {"search": search, "status": status, **first_page()})


async def _next(turn: Turn, flow: Flow, data: CardData) -> Move | None:
    _, cursor = await _page(turn, flow)
    return Move(Step.LIST, next_page(flow.state, cursor)) if cursor else None


async def _previous(turn: Turn, flow: Flow, data: CardData) -> Move:
    return Move(Step.LIST, previous_page(flow.state))


async def _page(turn: Turn, flow: Flow) -> tuple[PageView, str | None]:
    status = flow.state.get("status", "any")
    statuses = () if status == "any" else (NumberStatus(status),)
    query = parse_search(str(flow.state.get("search") or ""), NumberQuery(tenant=flow.tenant, statuses=statuses))
    return await page_of(turn, query, flow.state, size=PAGE_SIZE)


async def _list(turn: Turn, flow: Flow) -> Card:
    page, _ = await _page(turn, flow)
    return numbers_card(ref(flow), page, tenant=flow.tenant, status=flow.state.get("status", "any"))


FLOW: FlowTable[Step] = FlowTable(
    kind="numbers",
    steps=Step,
    actions={
        (Step.LIST, "numbers.search"): _search,
        (Step.LIST, "numbers.next"): _next,
        (Step.LIST, "numbers.previous"): _previous,
    },
    views={Step.LIST: _list},
    lost="This card is in a state I no longer know; start again with numbers.",
)
