"""The number picker a flow step can be: only available numbers, searchable, paged; Pick holds one.

Assign's pick step and bulk's "change this person's number" step are both this picker; each says what
a pick does (`on_pick`) and what a new search resets in its state.
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import Any, TypeVar

from bot.flows.card_data import CardData, text_input
from bot.flows.paging import first_page, next_page, page_of, previous_page
from bot.flows.saved_searches import expand
from bot.flows.table import Handler
from bot.turn import Turn
from cards.views import PageView
from inventory.flows import Flow
from inventory.model import NumberStatus
from inventory.number_query import NumberQuery
from inventory.search_terms import parse_search
from inventory.services.flow_steps import Move

S = TypeVar("S", bound=StrEnum)
PAGE_SIZE = 8  # numbers per picker page: keeps every card far below Teams' 28 KB


async def picker_page(turn: Turn, flow: Flow) -> tuple[PageView, str | None]:
    """The page of available numbers the flow's picker is on (its search and cursors), and the next cursor."""
    search = str(flow.state.get("search") or "")
    # The search terms of `numbers` work here too; whatever they say, a picker offers only available numbers.
    query = parse_search(search, NumberQuery(tenant=flow.tenant))
    query = dataclasses.replace(query, statuses=(NumberStatus.AVAILABLE,), offerable_only=True)
    return await page_of(turn, query, flow.state, size=PAGE_SIZE)


def picker_actions(step: S, *, on_pick: Handler, search_resets: dict[str, Any]) -> dict[tuple[S, str], Handler]:
    """The picker's verbs on `step`: search, next and previous page redraw it; pick is the flow's own."""

    async def search(turn: Turn, flow: Flow, data: CardData) -> Move:
        query = await expand(turn, flow.tenant, text_input(data, "search", limit=100))  # a saved search's name
        parse_search(query, NumberQuery(tenant=flow.tenant))  # refused here, the picker stays as it was
        return Move(step, {"search": query, **first_page(), **search_resets})

    async def next_(turn: Turn, flow: Flow, data: CardData) -> Move | None:
        _, cursor = await picker_page(turn, flow)
        return Move(step, next_page(flow.state, cursor)) if cursor is not None else None

    async def previous(turn: Turn, flow: Flow, data: CardData) -> Move:
        return Move(step, previous_page(flow.state))

    return {
        (step, "picker.search"): search,
        (step, "picker.next"): next_,
        (step, "picker.previous"): previous,
        (step, "picker.pick"): on_pick,
    }
