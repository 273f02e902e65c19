"""Editing a bulk plan: its pages, each person's voice routing policy, and which person's number to change.

Every handler here answers with a `Move`: the plan page the operator was looking at keeps the policies
they chose on it, checked against the tenant's list, whatever button they pressed.
"""

from __future__ import annotations

from typing import Any

from bot.flows.bulk_views import Step, plan_pages
from bot.flows.card_data import CardData, CardProblem, id_input, text_input
from bot.turn import Turn
from inventory.flows import Flow
from inventory.services.flow_steps import Move


def _with_policies(turn: Turn, flow: Flow, data: CardData) -> dict[str, Any]:
    """The policy inputs of the plan page the operator was looking at, checked against the tenant's list."""
    allowed = turn.tenant_config(flow.tenant).allowed_policies
    rows = [dict(row) for row in flow.state["rows"]]
    policy_all = text_input(data, "policy_all", limit=128) if "policy_all" in data else flow.state.get("policy_all")
    for value in (policy_all, *(data.get(f"policy_{i}") for i in range(len(rows)))):
        if value and allowed and value not in allowed:
            raise CardProblem("That is not one of this tenant's voice routing policies; choose from the list.")
    for index, row in enumerate(rows):
        if f"policy_{index}" in data:
            row["policy"] = text_input(data, f"policy_{index}", limit=128) or None
    return {"rows": rows, "policy_all": policy_all or None}


async def plan_next(turn: Turn, flow: Flow, data: CardData) -> Move:
    page = min(plan_pages(flow.state["rows"]), int(flow.state.get("page", 1)) + 1)
    return Move(Step.PLAN, {**_with_policies(turn, flow, data), "page": page, "message": None})


async def plan_previous(turn: Turn, flow: Flow, data: CardData) -> Move:
    page = max(1, int(flow.state.get("page", 1)) - 1)
    return Move(Step.PLAN, {**_with_policies(turn, flow, data), "page": page, "message": None})


async def edit(turn: Turn, flow: Flow, data: CardData) -> Move:
    changes = _with_policies(turn, flow, data)
    row = id_input(data, "row")
    if not 0 <= row < len(flow.state["rows"]):
        raise CardProblem("That row is not on this plan.")
    return Move(Step.EDIT, {**changes, "editing": row, "search": "", "cursors": [None], "message": None})


async def review(turn: Turn, flow: Flow, data: CardData) -> Move:
    changes = _with_policies(turn, flow, data)
    missing = [r["account"]["name"] for r in changes["rows"] if not r.get("number")]
    if missing:
        return Move(Step.PLAN, {**changes, "message": "Choose a number for: " + ", ".join(missing[:10])})
    return Move(Step.CONFIRM, {**changes, "message": None})


async def to_plan(turn: Turn, flow: Flow, data: CardData) -> Move:
    return Move(Step.PLAN)
