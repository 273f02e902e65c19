"""Bulk assign's Suggest numbers by the tenant's assignment rules (issue 16): each person gets the next
free number of the pool their first matching rule names, and that rule's policy; people no rule matches
get any free number, as without rules. The plan's message says how many each way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.turn import Turn
from inventory.flows import Flow
from inventory.model import PhoneNumber
from inventory.number_query import NumberQuery
from inventory.rules import Rule
from inventory.services.flow_steps import Move

RowsOf = Callable[[list[PhoneNumber | None], list[str | None], str | None], Move]


async def suggest_by_rule(
    turn: Turn, flow: Flow, people: list[dict[str, Any]], query: NumberQuery, rows_of: RowsOf
) -> Flow:
    services = turn.services.rules
    attributes = await services.people(flow.tenant, [str(person["id"]) for person in people])

    def then(numbers: list[PhoneNumber | None], rules: list[Rule | None]) -> Move:
        return rows_of(numbers, [rule.policy if rule else None for rule in rules], _said(numbers, rules))

    return await services.hold_by_rule_for_flow(
        flow,
        attributes,
        query,
        purpose="bulk assignment",
        actor=turn.operator.actor,
        correlation_id=turn.correlation_id,
        then=then,
    )


def _said(numbers: list[PhoneNumber | None], rules: list[Rule | None]) -> str:
    by_rule = sum(1 for number, rule in zip(numbers, rules, strict=True) if number and rule)
    without = sum(1 for number, rule in zip(numbers, rules, strict=True) if number and not rule)
    missing = sum(1 for number in numbers if number is None)
    parts = [f"{by_rule} by rule"] + ([f"{without} with no rule matching, from any pool"] if without else [])
    said = "Numbers suggested: " + ", ".join(parts) + "."
    if missing:
        said += f" {missing} got none (their pool has no free number); choose for them with Change."
    return said
