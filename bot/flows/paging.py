"""Paging a list on a card: a flow keeps the cursor of every page it showed, so Previous is exact.

`state["cursors"]` is `[None, c2, c3, ...]`: the cursor each shown page started after (None: the start).
"""

from __future__ import annotations

from typing import Any

from bot.flows.view_models import number_view
from bot.turn import Turn
from cards.views import PageView
from inventory.model import NumberStatus
from inventory.number_query import NumberQuery

Cursor = str | int | None
COUNT_CAP = 1_000  # a list card counts this far, then says "more than 1,000"


def cursors_of(state: dict[str, Any]) -> list[Cursor]:
    return list(state.get("cursors") or [None])


def first_page() -> dict[str, Any]:
    return {"cursors": [None]}


def next_page(state: dict[str, Any], cursor: Cursor) -> dict[str, Any]:
    """The state change that shows the page after `cursor` (the current page's last item)."""
    return {"cursors": [*cursors_of(state), cursor]}


def previous_page(state: dict[str, Any]) -> dict[str, Any]:
    return {"cursors": cursors_of(state)[:-1] or [None]}


async def page_of(turn: Turn, query: NumberQuery, state: dict[str, Any], *, size: int) -> tuple[PageView, str | None]:
    """The page of `query` the flow is on, with the total count, and the next page's cursor."""
    cursors = cursors_of(state)
    current = cursors[-1]
    after = str(current) if current else None
    # A card is redrawn on every search and page: counting all of 1,000,000 matches each time is too slow.
    page, total = await turn.services.views.page(query, size=size, after=after, count_at_most=COUNT_CAP)
    now = turn.services.context.clock.now()
    # Only used numbers can wait for a policy grant: a picker's page (available numbers) reads nothing more.
    used = [n.number for n in page.items if n.status is NumberStatus.USED]
    pending = await turn.services.views.policies_pending(query.tenant, used) if used else {}
    view = PageView(
        [number_view(n, now=now, policy_pending=pending.get(n.number)) for n in page.items],
        min(total, COUNT_CAP),
        len(cursors),
        len(cursors) > 1,
        page.next_cursor is not None,
        str(state.get("search") or ""),
        total_capped=total > COUNT_CAP,
    )
    return view, page.next_cursor
