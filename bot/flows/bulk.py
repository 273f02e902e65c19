"""Bulk assignment: up to 50 people, a distinct suggested number each (held for the batch), editable per
person through the picker, one policy for all or per person, confirm, then Teams operations with
bounded concurrency while the card shows progress, and a result per person.

Steps: people, syncing, review, source, plan, edit, confirm, running, results, cancelled.
Only successes become `used`; a failure releases its hold (the assignment service does that).
"""

from __future__ import annotations

import time
from typing import Any

from bot.flows import sync_step
from bot.flows.common import (
    CardProblem,
    account_to_state,
    account_view,
    advance,
    hold_owner_of,
    id_input,
    picker_page,
    progress,
    ref,
    release_numbers,
    start_flow,
    take_hold,
    text_input,
)
from bot.turn import CardSink, Reply, Turn
from cards import bulk as bulk_cards
from cards.common import message_card
from cards.elements import Card
from cards.notify import bulk_note
from cards.picker import picker_card
from cards.views import AccountView
from inventory.config import Role
from inventory.errors import ConcurrentChange, TransitionRefused
from inventory.model import AccountType, Assignee
from inventory.services.assignment import AssignRequest
from inventory.services.bulk import assign_all
from inventory.services.lifecycle import hold_available
from inventory.store.flows import Flow
from inventory.store.journal import Journal
from inventory.store.search import NumberQuery, available_by

KIND = "bulk"
TITLE = bulk_cards.TITLE
PLAN_PAGE = 10
SYNC_STEP = "Sync from Teams first"
REVIEW_STEP = "Review what Teams says first"


async def start(turn: Turn, args: str) -> Reply:
    turn.operator.require(Role.OPERATOR, "assigning numbers")
    tenant = await turn.tenant()
    flow = await start_flow(turn, KIND, tenant, "people", {"selected": [], "choices": [], "query": "", "rows": []})
    return Reply(await render(turn, flow))


async def act(turn: Turn, flow: Flow, verb: str, data: dict[str, Any]) -> Reply:
    step = flow.step
    if verb == "cancel" and step not in ("running", "results"):
        await release_numbers(turn, flow, [row["number"] for row in flow.state.get("rows", []) if row.get("number")])
        return Reply(await render(turn, await advance(turn, flow, "cancelled")))
    if step == "people":
        return await _people(turn, flow, verb, data)
    if step == "review" and verb in ("sync.commit", "sync.commit_safe"):
        return await sync_step.commit(turn, flow, verb, next_step=lambda f: _to_source(turn, f))
    if step == "source" and verb == "bulk.suggest":
        return await _suggest(turn, flow, data)
    if step == "plan":
        return await _plan(turn, flow, verb, data)
    if step == "edit":
        return await _edit(turn, flow, verb, data)
    if step == "confirm" and verb == "back":
        return Reply(await render(turn, await advance(turn, flow, "plan")))
    if step == "confirm" and verb == "bulk.run":
        return _run(turn, await advance(turn, flow, "running"))
    return Reply(await render(turn, flow))


async def _people(turn: Turn, flow: Flow, verb: str, data: dict[str, Any]) -> Reply:
    state = flow.state
    if verb == "bulk.find":
        query = text_input(data, "people_search", limit=100)
        found = await turn.services.phones(flow.tenant).search_accounts(query, limit=25) if query else []
        choices = [account_to_state(account_view(a)) for a in found if a.account_type is not None]
        message = None if choices or not query else f"Nobody starts with '{query}'."
        flow = await advance(turn, flow, "people", query=query, choices=choices, message=message)
    elif verb == "bulk.add":
        offered = {c["id"]: c for c in state.get("choices", [])}
        chosen = [i for i in text_input(data, "people", limit=2000).split(",") if i]
        if any(i not in offered for i in chosen):
            raise CardProblem("Those people are not the ones offered on this card; find them again.")
        selected = list(state.get("selected", []))
        known = {s["id"] for s in selected}
        selected += [offered[i] for i in chosen if i not in known]
        message = None
        if len(selected) > bulk_cards.MAX_PEOPLE:
            selected = selected[: bulk_cards.MAX_PEOPLE]
            message = f"A bulk assignment takes at most {bulk_cards.MAX_PEOPLE} people; the rest were left out."
        flow = await advance(turn, flow, "people", selected=selected, message=message)
    elif verb == "bulk.clear":
        flow = await advance(turn, flow, "people", selected=[], message=None)
    elif verb == "bulk.next":
        if not state.get("selected"):
            return Reply(await render(turn, await advance(turn, flow, "people", message="Choose someone first.")))
        flow = await advance(turn, flow, "syncing", message=None)
        return sync_step.run(
            turn, flow, title=TITLE, step=SYNC_STEP, review_step=REVIEW_STEP, next_step=lambda f: _to_source(turn, f)
        )
    return Reply(await render(turn, flow))


async def _to_source(turn: Turn, flow: Flow) -> Card:
    return await render(turn, await advance(turn, flow, "source", message=None, note=flow.state.get("sync_note")))


async def _suggest(turn: Turn, flow: Flow, data: dict[str, Any]) -> Reply:
    filters = {key: text_input(data, key, limit=128) for key in ("location", "pool", "range")}
    async with turn.services.store.read() as connection:
        for key, value in filters.items():
            if value and value not in {v for v, _ in await available_by(connection, flow.tenant, key)}:
                raise CardProblem(f"'{value[:40]}' is not one of the {key}s offered; choose from the list.")
    people = flow.state["selected"]
    query = NumberQuery(
        tenant=flow.tenant,
        location=filters["location"] or None,
        pool=filters["pool"] or None,
        range_label=filters["range"] or None,
    )
    held = await hold_available(
        turn.services.store,
        query,
        len(people),
        owner=hold_owner_of(flow),
        note=f"{turn.operator.actor.name}, bulk assignment",
        minutes=turn.services.hold_minutes,
        actor=turn.operator.actor,
        clock=turn.services.clock,
        correlation_id=turn.correlation_id,
    )
    rows = []
    for index, person in enumerate(people):
        number = held[index] if index < len(held) else None
        rows.append(
            {
                "account": person,
                "policy": None,
                "number": None
                if number is None
                else {"id": number.id, "e164": number.number, "ext": number.extension, "label": number.label},
            }
        )
    message = None
    if len(held) < len(people):
        message = f"Only {len(held)} available numbers match; choose numbers for the others with Change."
    config = turn.services.tenant_config(flow.tenant)
    flow = await advance(turn, flow, "plan", rows=rows, page=1, policy_all=config.default_policy, message=message)
    return Reply(await render(turn, flow))


def _save_policies(flow: Flow, data: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    """The policy inputs of the plan page the operator was looking at, checked against the tenant's list."""
    changes: dict[str, Any] = {}
    rows = [dict(row) for row in flow.state["rows"]]
    policy_all = text_input(data, "policy_all", limit=128) if "policy_all" in data else flow.state.get("policy_all")
    for value in (policy_all, *(data.get(f"policy_{i}") for i in range(len(rows)))):
        if value and allowed and value not in allowed:
            raise CardProblem("That is not one of this tenant's voice routing policies; choose from the list.")
    for index, row in enumerate(rows):
        key = f"policy_{index}"
        if key in data:
            row["policy"] = text_input(data, key, limit=128) or None
    changes.update(rows=rows, policy_all=policy_all or None)
    return changes


async def _plan(turn: Turn, flow: Flow, verb: str, data: dict[str, Any]) -> Reply:
    allowed = turn.services.tenant_config(flow.tenant).allowed_policies
    page = int(flow.state.get("page", 1))
    pages = max(1, -(-len(flow.state["rows"]) // PLAN_PAGE))
    changes = _save_policies(flow, data, allowed)
    if verb == "bulk.plan_next":
        flow = await advance(turn, flow, "plan", page=min(pages, page + 1), message=None, **changes)
    elif verb == "bulk.plan_previous":
        flow = await advance(turn, flow, "plan", page=max(1, page - 1), message=None, **changes)
    elif verb == "bulk.edit":
        row = id_input(data, "row")
        if not 0 <= row < len(flow.state["rows"]):
            raise CardProblem("That row is not on this plan.")
        flow = await advance(turn, flow, "edit", editing=row, search="", cursors=[None], message=None, **changes)
    elif verb == "bulk.review":
        missing = [r["account"]["name"] for r in changes["rows"] if not r.get("number")]
        if missing:
            message = "Choose a number for: " + ", ".join(missing[:10])
            flow = await advance(turn, flow, "plan", message=message, **changes)
        else:
            flow = await advance(turn, flow, "confirm", message=None, **changes)
    return Reply(await render(turn, flow))


async def _edit(turn: Turn, flow: Flow, verb: str, data: dict[str, Any]) -> Reply:
    state = flow.state
    if verb == "back":
        return Reply(await render(turn, await advance(turn, flow, "plan")))
    if verb == "picker.search":
        flow = await advance(turn, flow, "edit", search=text_input(data, "search", limit=100), cursors=[None])
    elif verb == "picker.next":
        _, next_cursor = await picker_page(turn, flow.tenant, state)
        if next_cursor:
            flow = await advance(turn, flow, "edit", cursors=[*(state.get("cursors") or [None]), next_cursor])
    elif verb == "picker.previous":
        flow = await advance(turn, flow, "edit", cursors=(state.get("cursors") or [None])[:-1] or [None])
    elif verb == "picker.pick":
        index = int(state["editing"])
        rows = [dict(row) for row in state["rows"]]
        try:
            held = await take_hold(turn, flow, id_input(data, "number"), purpose="bulk assignment")
        except (TransitionRefused, ConcurrentChange) as refused:
            return Reply(await render(turn, await advance(turn, flow, "edit", message=f"{refused} Pick another.")))
        old = rows[index].get("number")
        rows[index]["number"] = {"id": held.id, "e164": held.number, "ext": held.extension, "label": held.label}
        if old:
            await release_numbers(turn, flow, [old])
        return Reply(await render(turn, await advance(turn, flow, "plan", rows=rows, message=None)))
    return Reply(await render(turn, flow))


def _run(turn: Turn, flow: Flow) -> Reply:
    rows = flow.state["rows"]
    total = len(rows)

    async def work(sink: CardSink) -> Card:
        last_drawn = 0.0

        async def progress(done: int, of: int, failed: int) -> None:
            nonlocal last_drawn
            if time.monotonic() - last_drawn > 1.0:
                last_drawn = time.monotonic()
                await sink(bulk_cards.progress_card(done=done, total=of, failed=failed))

        run = await assign_all(
            turn.services.assignments,
            [_request(flow, row) for row in rows],
            turn.operator.actor,
            concurrency=turn.services.bulk_concurrency,
            progress=progress,
        )
        errors = {str(i): outcome.refusal for i, outcome in enumerate(run.outcomes) if outcome.refusal}
        moved = await advance(turn, flow, "results", errors=errors)
        results = await _results(turn, moved)
        failures = [f"{r.name} ({r.number}): {r.detail}" for r in results if not r.succeeded]
        note = bulk_note(
            tenant=flow.tenant, succeeded=total - len(failures), failures=failures, operator=turn.operator.actor.name
        )
        await turn.services.notifier.enqueue(flow.tenant, "bulk", note)
        return await render(turn, moved)

    return Reply(bulk_cards.progress_card(done=0, total=total, failed=0), follow_up=work)


def _request(flow: Flow, row: dict[str, Any]) -> AssignRequest:
    account, number = row["account"], row["number"]
    kind = AccountType.RESOURCE_ACCOUNT if account["kind"] == "resource account" else AccountType.USER
    return AssignRequest(
        tenant=flow.tenant,
        number=number["e164"],
        extension=number["ext"],
        account=Assignee(account["id"], account.get("upn"), account["name"], kind),
        policy=row.get("policy") or flow.state.get("policy_all"),
        hold_owner=hold_owner_of(flow),
        flow_id=flow.id,
    )


async def _results(turn: Turn, flow: Flow) -> list[bulk_cards.ResultRow]:
    async with turn.services.store.read() as connection:
        entries = {e.number: e for e in await Journal(connection).for_flow(flow.id) if e.kind == "assign"}
    errors = flow.state.get("errors", {})
    results = []
    for index, row in enumerate(flow.state["rows"]):
        number = row["number"]
        entry = entries.get(number["e164"])
        if str(index) in errors:
            results.append(bulk_cards.ResultRow(row["account"]["name"], number["label"], False, errors[str(index)]))
        elif entry is None or entry.status == "pending":
            detail = "Teams is still working on it; Switchboard records the outcome when it finishes."
            results.append(bulk_cards.ResultRow(row["account"]["name"], number["label"], False, detail))
        else:
            ok = entry.status == "succeeded"
            results.append(bulk_cards.ResultRow(row["account"]["name"], number["label"], ok, entry.detail))
    return results


async def render(turn: Turn, flow: Flow) -> Card:
    state, reference = flow.state, ref(flow)
    step = flow.step
    if step == "people":
        return bulk_cards.people_card(
            reference,
            selected=[_account(a) for a in state.get("selected", [])],
            choices=[_account(a) for a in state.get("choices", [])],
            query=state.get("query", ""),
            message=state.get("message"),
        )
    if step in ("syncing", "synced"):
        return progress(TITLE, SYNC_STEP)
    if step == "review":
        return await sync_step.render_review(turn, flow, title=TITLE, step=REVIEW_STEP)
    if step == "source":
        async with turn.services.store.read() as connection:
            facets = {key: await available_by(connection, flow.tenant, key) for key in ("location", "pool", "range")}
        return bulk_cards.source_card(
            reference,
            people=len(state["selected"]),
            locations=facets["location"],
            pools=facets["pool"],
            ranges=facets["range"],
            message=state.get("message"),
            note=state.get("note"),
        )
    if step == "plan":
        return _plan_card(turn, flow)
    if step == "edit":
        page, _ = await picker_page(turn, flow.tenant, state)
        who = state["rows"][int(state["editing"])]["account"]["name"]
        return picker_card(
            reference, page, title=TITLE, step=f"A number for {who}", message=state.get("message"), allow_back=True
        )
    if step == "confirm":
        policy_all = state.get("policy_all") or "(none)"
        rows = [(r["account"]["name"], r["number"]["label"], r.get("policy") or policy_all) for r in state["rows"]]
        return bulk_cards.confirm_card(
            reference, rows=rows, tenant=flow.tenant, concurrency=turn.services.bulk_concurrency
        )
    if step == "running":
        return bulk_cards.progress_card(done=0, total=len(state["rows"]), failed=0)
    if step == "results":
        return bulk_cards.results_card(rows=await _results(turn, flow), tenant=flow.tenant)
    return message_card(TITLE, "Cancelled. Nothing was assigned; the numbers held for this batch are free again.")


def _plan_card(turn: Turn, flow: Flow) -> Card:
    state = flow.state
    rows = state["rows"]
    page = int(state.get("page", 1))
    pages = max(1, -(-len(rows) // PLAN_PAGE))
    shown = [
        bulk_cards.PlanRow(i, r["account"]["name"], r["number"]["label"] if r.get("number") else None, r.get("policy"))
        for i, r in enumerate(rows)
        if (page - 1) * PLAN_PAGE <= i < page * PLAN_PAGE
    ]
    policies = list(turn.services.tenant_config(flow.tenant).allowed_policies)
    return bulk_cards.plan_card(
        ref(flow),
        rows=shown,
        total=len(rows),
        page=page,
        pages=pages,
        policies=policies,
        policy_for_all=state.get("policy_all"),
        message=state.get("message"),
    )


def _account(raw: dict[str, Any]) -> AccountView:
    return AccountView(raw["id"], raw["name"], raw.get("upn"), raw["kind"], raw.get("policy"))
