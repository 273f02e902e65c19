"""Bulk assignment: up to 50 people, a distinct suggested number each (held for the batch), editable per
person through the picker, one policy for all or per person, confirm, then Teams operations with
bounded concurrency while the card shows progress, and a result per person.

Only successes become `used`; a failure releases its hold (the assignment service does that). How each
step looks is in `bulk_views`.
"""

from __future__ import annotations

import time
from typing import Any

from bot.flows import bulk_plan, sync_step
from bot.flows.bulk_views import SYNC_STEP, TITLE, VIEWS, Step, results_of
from bot.flows.card_data import CardData, CardProblem, id_input, text_input
from bot.flows.picker import picker_actions
from bot.flows.table import FlowTable, Outcome, on_steps
from bot.flows.view_models import (
    account_from_state,
    account_to_state,
    account_view,
    assignee_of,
    number_key,
    number_state,
)
from bot.turn import CardSink, Reply, Turn
from cards import bulk as bulk_cards
from cards.elements import Card
from cards.notify import bulk_note
from cards.sync import progress_card
from inventory.config import Role, TenantConfig
from inventory.flows import Flow
from inventory.locations import default_location
from inventory.model import PhoneNumber
from inventory.number_query import NumberQuery
from inventory.services.assignment import AssignRequest
from inventory.services.bulk import assign_all
from inventory.services.flow_steps import Move
from inventory.services.holds import flow_hold_owner


async def start(turn: Turn, args: str) -> Reply:
    turn.operator.require(Role.OPERATOR, "assigning numbers")
    tenant = await turn.tenant()
    flow = await FLOW.start(turn, tenant, Step.PEOPLE, {"selected": [], "choices": [], "query": "", "rows": []})
    return Reply(await FLOW.render(turn, flow))


async def _find(turn: Turn, flow: Flow, data: CardData) -> Move:
    query = text_input(data, "people_search", limit=100)
    found = await turn.services.views.find_accounts(flow.tenant, query, limit=25) if query else []
    choices = [account_to_state(account_view(a)) for a in found if a.account_type is not None]
    message = None if choices or not query else f"Nobody starts with '{query}'."
    return Move(Step.PEOPLE, {"query": query, "choices": choices, "message": message})


async def _add(turn: Turn, flow: Flow, data: CardData) -> Move:
    offered = {c["id"]: c for c in flow.state.get("choices", [])}
    chosen = [i for i in text_input(data, "people", limit=2000).split(",") if i]
    if any(i not in offered for i in chosen):
        raise CardProblem("Those people are not the ones offered on this card; find them again.")
    selected = list(flow.state.get("selected", []))
    known = {s["id"] for s in selected}
    selected += [offered[i] for i in chosen if i not in known]
    message = None
    if len(selected) > bulk_cards.MAX_PEOPLE:
        selected = selected[: bulk_cards.MAX_PEOPLE]
        message = f"A bulk assignment takes at most {bulk_cards.MAX_PEOPLE} people; the rest were left out."
    return Move(Step.PEOPLE, {"selected": selected, "message": message})


async def _clear(turn: Turn, flow: Flow, data: CardData) -> Move:
    return Move(Step.PEOPLE, {"selected": [], "message": None})


async def _next(turn: Turn, flow: Flow, data: CardData) -> Outcome:
    if not flow.state.get("selected"):
        return Move(Step.PEOPLE, {"message": "Choose someone first."})
    flow = await FLOW.advance(turn, flow, Step.SYNCING, message=None)

    async def work(sink: CardSink) -> Card:
        synced = await sync_step.sync_first(turn, flow, sink=sink, title=TITLE, step=SYNC_STEP)
        if synced.needs_review:
            return await FLOW.render(turn, await FLOW.advance(turn, flow, Step.REVIEW, **synced.changes))
        return await FLOW.render(turn, await _to_source(turn, flow, synced.changes))

    return Reply(progress_card(TITLE, step=SYNC_STEP), follow_up=work)


async def _commit(turn: Turn, flow: Flow, data: CardData) -> Reply:
    return Reply(await FLOW.render(turn, await _to_source(turn, flow, await sync_step.commit(turn, flow))))


async def _commit_safe(turn: Turn, flow: Flow, data: CardData) -> Reply:
    committed = await sync_step.commit(turn, flow, sync_step.SAFE_CATEGORIES)
    return Reply(await FLOW.render(turn, await _to_source(turn, flow, committed)))


async def _to_source(turn: Turn, flow: Flow, synced: dict[str, Any]) -> Flow:
    return await FLOW.advance(turn, flow, Step.SOURCE, message=None, note=synced.get("sync_note"), **synced)


async def _suggest(turn: Turn, flow: Flow, data: CardData) -> Reply:
    """Hold a distinct available number for each person (from the chosen location, pool or range)."""
    filters = {key: text_input(data, key, limit=128) for key in ("location", "pool", "range")}
    # Only a filter the operator set needs checking against what the source card offered.
    offered = await turn.services.views.available_by_facet(flow.tenant) if any(filters.values()) else {}
    for key, value in filters.items():
        if value and value not in {v for v, _ in offered[key]}:
            raise CardProblem(f"'{value[:40]}' is not one of the {key}s offered; choose from the list.")
    people = flow.state["selected"]
    query = NumberQuery(
        tenant=flow.tenant,
        location=filters["location"] or None,
        pool=filters["pool"] or None,
        range_label=filters["range"] or None,
    )
    policy_all = turn.tenant_config(flow.tenant).default_policy
    holding = await turn.services.views.held_numbers(flow.tenant, [person["id"] for person in people])

    def plan(held: list[PhoneNumber]) -> Move:
        rows = [
            {
                "account": person,
                "policy": None,
                "number": number_state(held[i]) if i < len(held) else None,
                "replaces": [number.label for number in holding.get(person["id"], [])],
            }
            for i, person in enumerate(people)
        ]
        message = None
        if len(held) < len(people):
            message = f"Only {len(held)} available numbers match; choose numbers for the others with Change."
        return Move(Step.PLAN, {"rows": rows, "page": 1, "policy_all": policy_all, "message": message})

    moved = await turn.services.holds.hold_free_for_flow(
        flow,
        query,
        len(people),
        purpose="bulk assignment",
        actor=turn.operator.actor,
        correlation_id=turn.correlation_id,
        then=plan,
    )
    return Reply(await FLOW.render(turn, moved))


async def _pick(turn: Turn, flow: Flow, data: CardData) -> Reply:
    """Swap the edited person's number for the one picked: hold it, give the old one back, back to the plan."""
    index = int(flow.state["editing"])
    rows = [dict(row) for row in flow.state["rows"]]
    old = rows[index].get("number")

    def replaced(number: PhoneNumber) -> Move:
        rows[index]["number"] = number_state(number)
        return Move(Step.PLAN, {"rows": rows, "message": None})

    moved, _ = await turn.services.holds.hold_for_flow(
        flow,
        id_input(data, "number"),
        purpose="bulk assignment",
        actor=turn.operator.actor,
        correlation_id=turn.correlation_id,
        giving_back=[number_key(old)] if old else [],
        held=replaced,
        refused=lambda why: Move(Step.EDIT, {"message": f"{why} Pick another."}),
    )
    return Reply(await FLOW.render(turn, moved))


async def _cancel(turn: Turn, flow: Flow, data: CardData) -> Reply:
    held = [number_key(row["number"]) for row in flow.state.get("rows", []) if row.get("number")]
    moved = await turn.services.holds.give_back_for_flow(
        flow, held, actor=turn.operator.actor, correlation_id=turn.correlation_id, then=Move(Step.CANCELLED)
    )
    return Reply(await FLOW.render(turn, moved))


async def _run(turn: Turn, flow: Flow, data: CardData) -> Reply:
    flow = await FLOW.advance(turn, flow, Step.RUNNING)
    rows = flow.state["rows"]

    async def work(sink: CardSink) -> Card:
        last_drawn = 0.0

        async def progress(done: int, of: int, failed: int) -> None:
            nonlocal last_drawn
            if time.monotonic() - last_drawn > 1.0:
                last_drawn = time.monotonic()
                await sink(bulk_cards.progress_card(done=done, total=of, failed=failed))

        run = await assign_all(
            turn.services.assignments,
            [_request(flow, row, turn.tenant_config(flow.tenant)) for row in rows],
            turn.operator.actor,
            concurrency=turn.services.context.settings.bulk_concurrency,
            progress=progress,
        )
        errors = {str(i): outcome.refusal for i, outcome in enumerate(run.outcomes) if outcome.refusal}
        moved = await FLOW.advance(turn, flow, Step.RESULTS, errors=errors)
        failures = [f"{r.name} ({r.number}): {r.detail}" for r in await results_of(turn, moved) if not r.succeeded]
        note = bulk_note(
            tenant=flow.tenant,
            succeeded=len(rows) - len(failures),
            failures=failures,
            operator=turn.operator.actor.name,
        )
        await turn.services.notifications.enqueue(flow.tenant, "bulk", note)
        return await FLOW.render(turn, moved)

    return Reply(bulk_cards.progress_card(done=0, total=len(rows), failed=0), follow_up=work)


def _request(flow: Flow, row: dict[str, Any], config: TenantConfig) -> AssignRequest:
    number = row["number"]
    return AssignRequest(
        tenant=flow.tenant,
        number=number["e164"],
        extension=number["ext"],
        account=assignee_of(account_from_state(row["account"])),
        policy=row.get("policy") or flow.state.get("policy_all"),
        hold_owner=flow_hold_owner(flow.id),
        flow_id=flow.id,
        # Each number's own location from Teams, else its pool's site (`inventory/locations.py`).
        location_id=default_location(number.get("location_id"), number.get("pool"), config),
    )


# Cancel is taken until Teams is asked; after that each person's outcome stands.
CANCELLABLE = tuple(s for s in Step if s not in (Step.RUNNING, Step.RESULTS))
FLOW: FlowTable[Step] = FlowTable(
    kind="bulk",
    steps=Step,
    actions={
        **on_steps(CANCELLABLE, "cancel", _cancel),
        (Step.PEOPLE, "bulk.find"): _find,
        (Step.PEOPLE, "bulk.add"): _add,
        (Step.PEOPLE, "bulk.clear"): _clear,
        (Step.PEOPLE, "bulk.next"): _next,
        (Step.REVIEW, "sync.commit"): _commit,
        (Step.REVIEW, "sync.commit_safe"): _commit_safe,
        (Step.SOURCE, "bulk.suggest"): _suggest,
        (Step.PLAN, "bulk.plan_next"): bulk_plan.plan_next,
        (Step.PLAN, "bulk.plan_previous"): bulk_plan.plan_previous,
        (Step.PLAN, "bulk.edit"): bulk_plan.edit,
        (Step.PLAN, "bulk.review"): bulk_plan.review,
        **picker_actions(Step.EDIT, on_pick=_pick, search_resets={}),
        (Step.EDIT, "back"): bulk_plan.to_plan,
        (Step.CONFIRM, "back"): bulk_plan.to_plan,
        (Step.CONFIRM, "bulk.run"): _run,
    },
    views=VIEWS,
    lost="This card is in a state I no longer know; start again with bulk assign.",
)
