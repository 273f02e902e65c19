"""Bulk assignment: up to 50 people, a distinct suggested number each (held for the batch), editable per
person through the picker, one policy for all or per person, confirm, then Teams operations with
bounded concurrency while the card shows progress, and a result per person.

Only successes become `used`; a failure releases its hold (the assignment service does that). How each
step looks is in `bulk_views`.
"""

from __future__ import annotations

from typing import Any

from bot.flows import bulk_approval, bulk_plan, bulk_run, sync_step
from bot.flows.bulk_rules import suggest_by_rule
from bot.flows.bulk_views import SYNC_STEP, TITLE, VIEWS, Step, refused_numbers, results_of
from bot.flows.card_data import CardData, CardProblem, id_input, text_input
from bot.flows.picker import picker_actions
from bot.flows.run_lease import run_marks
from bot.flows.table import FlowTable, Outcome, on_steps
from bot.flows.view_models import (
    account_to_state,
    account_view,
    number_key,
    number_state,
)
from bot.turn import CardSink, Reply, Turn
from cards import bulk as bulk_cards
from cards.elements import Card
from cards.sync import progress_card
from inventory.config import Role
from inventory.flows import Flow
from inventory.model import PhoneNumber
from inventory.number_query import NumberQuery
from inventory.services.bulk import return_refused
from inventory.services.flow_steps import Move


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
    return Reply(await FLOW.render(turn, await _plan_numbers(turn, flow, flow.state["selected"], filters)))


async def _plan_numbers(turn: Turn, flow: Flow, people: list[dict[str, Any]], filters: dict[str, str]) -> Flow:
    """Hold a distinct free number for each of `people` from where `filters` say, and show the plan."""
    query = NumberQuery(
        tenant=flow.tenant,
        location=filters.get("location") or None,
        pool=filters.get("pool") or None,
        range_label=filters.get("range") or None,
    )
    policy_all = turn.tenant_config(flow.tenant).default_policy
    holding = await turn.services.views.held_numbers(flow.tenant, [person["id"] for person in people])

    def rows_of(numbers: list[PhoneNumber | None], policies: list[str | None], message: str | None) -> Move:
        rows = [
            {
                "account": person,
                "policy": policies[i],
                "number": number_state(number) if (number := numbers[i]) else None,
                "replaces": [number.label for number in holding.get(person["id"], [])],
            }
            for i, person in enumerate(people)
        ]
        changes = {"rows": rows, "page": 1, "policy_all": policy_all, "message": message, "source": filters}
        return Move(Step.PLAN, changes)

    if not any(filters.values()) and await turn.services.rules.listing(flow.tenant):  # issue 16: by rule
        return await suggest_by_rule(turn, flow, people, query, rows_of)

    def plan(held: list[PhoneNumber]) -> Move:
        message = None
        if len(held) < len(people):
            message = f"Only {len(held)} available numbers match; choose numbers for the others with Change."
        numbers: list[PhoneNumber | None] = [held[i] if i < len(held) else None for i in range(len(people))]
        return rows_of(numbers, [None] * len(people), message)

    return await turn.services.holds.hold_free_for_flow(
        flow,
        query,
        len(people),
        purpose="bulk assignment",
        actor=turn.operator.actor,
        correlation_id=turn.correlation_id,
        then=plan,
    )


async def plan_for(turn: Turn, tenant: str, people: list[dict[str, Any]], *, run: bool) -> Reply:
    """A bulk plan for `people` chosen elsewhere (the onboarding card): a number held for each, by the rules
    where the tenant has them; with `run`, assigned at once as Assign all does from the confirm card."""
    flow = await FLOW.start(turn, tenant, Step.SOURCE, {"selected": people, "choices": [], "query": "", "rows": []})
    planned = await _plan_numbers(turn, flow, people, {})
    if not run:
        return Reply(await FLOW.render(turn, planned))
    return await _run(turn, planned, {})


async def _retry(turn: Turn, flow: Flow, data: CardData) -> Reply:
    """Retry failed: a new plan for the people who got no number, with other numbers from the same place
    (the ones Teams refused are kept out of the pool, so they are not offered again)."""
    results = await results_of(turn.services, flow)
    failed = [row["account"] for row, result in zip(flow.state["rows"], results, strict=True) if not result.succeeded]
    if not failed:
        return Reply(await FLOW.render(turn, await FLOW.advance(turn, flow, Step.RESULTS, message="Nobody failed.")))
    tenant = await turn.tenant()
    retry = await FLOW.start(turn, tenant, Step.SOURCE, {"selected": failed, "choices": [], "query": "", "rows": []})
    return Reply(await FLOW.render(turn, await _plan_numbers(turn, retry, failed, flow.state.get("source") or {})))


async def _return_refused(turn: Turn, flow: Flow, data: CardData) -> Reply:
    """Numbers Teams refused go back to the pool (an unblock in each one's history) once someone has fixed
    what Teams refused them for."""
    turn.operator.require(Role.ADMIN, "returning numbers Teams refused to the pool")
    refused = [(n.number, n.extension) for n in await refused_numbers(turn.services, flow)]
    returned = await return_refused(
        turn.services.context, flow.tenant, refused, turn.operator.actor, correlation_id=turn.correlation_id
    )
    message = f"{len(returned)} {'number is' if len(returned) == 1 else 'numbers are'} back in the pool."
    return Reply(await FLOW.render(turn, await FLOW.advance(turn, flow, Step.RESULTS, message=message)))


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
    if await turn.services.switches.four_eyes(flow.tenant):  # the plan waits for a second person instead
        return await bulk_approval.send_for_approval(turn, flow)
    # What a resumed run needs if this process dies: who it acts for, the card to redraw, a lease.
    return bulk_run.run_reply(turn, await FLOW.advance(turn, flow, Step.RUNNING, **run_marks(turn)))


# Cancel is taken until Teams is asked; after that each person's outcome stands.
CANCELLABLE = tuple(s for s in Step if s not in (Step.RUNNING, Step.FINISHING, Step.RESULTS))
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
        (Step.RESULTS, "bulk.retry"): _retry,
        (Step.RESULTS, "bulk.return_refused"): _return_refused,
    },
    views=VIEWS,
    lost="This card is in a state I no longer know; start again with bulk assign.",
)
