"""How each step of the bulk assignment looks, and the result per person (from the Teams journal)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from bot.flows import sync_step
from bot.flows.picker import picker_page
from bot.flows.table import Renderer
from bot.flows.view_models import account_from_state, ref
from bot.turn import Turn
from cards import bulk as bulk_cards
from cards.bulk_approval import BulkApprovalView, bulk_approval_card
from cards.common import message_card
from cards.elements import Card
from cards.picker import picker_card
from cards.requests import Viewer
from cards.sync import progress_card
from inventory.flows import Flow
from inventory.journal import PENDING, POLICY_PENDING, SUCCEEDED
from inventory.model import PhoneNumber
from inventory.services.container import Services
from inventory.services.settlement import refused_by_teams


class Step(StrEnum):
    PEOPLE = "people"
    SYNCING = "syncing"
    REVIEW = "review"
    SOURCE = "source"
    PLAN = "plan"
    EDIT = "edit"
    CONFIRM = "confirm"
    FOR_APPROVAL = "for_approval"  # four eyes: the plan waits for another operator (`bulk_approval`)
    RUNNING = "running"
    # Teams has every outcome; the channel's note and the card's redraw are still to do (`bulk_run.wrap_up`).
    FINISHING = "finishing"
    RESULTS = "results"
    CANCELLED = "cancelled"


TITLE = bulk_cards.TITLE
PLAN_PAGE = 10
SYNC_STEP = "Sync from Teams first"
REVIEW_STEP = "Review what Teams says first"


def plan_pages(rows: list[dict[str, Any]]) -> int:
    return max(1, -(-len(rows) // PLAN_PAGE))


async def results_of(services: Services, flow: Flow) -> list[bulk_cards.ResultRow]:
    """One row per person: what Teams did (its journal entry), or why the assignment never started."""
    # A retried row has several entries: the newest one (the list is oldest first) is its outcome.
    entries = {e.number: e for e in await services.views.operations_of_flow(flow.id) if e.kind == "assign"}
    errors = flow.state.get("errors", {})
    results = []
    for index, row in enumerate(flow.state["rows"]):
        name, number = row["account"]["name"], row["number"]
        entry = entries.get(number["e164"])
        if str(index) in errors:
            results.append(bulk_cards.ResultRow(name, number["label"], False, errors[str(index)]))
        elif entry is None or entry.status == PENDING:
            detail = "Teams is still working on it; Switchboard records the outcome when it finishes."
            results.append(bulk_cards.ResultRow(name, number["label"], False, detail))
        elif entry.status == POLICY_PENDING:  # assigned; the grant is retried through the journal
            detail = f"Assigned, policy {entry.policy} pending: Switchboard retries the grant; the channel hears."
            results.append(bulk_cards.ResultRow(name, number["label"], True, detail))
        else:
            results.append(bulk_cards.ResultRow(name, number["label"], entry.status == SUCCEEDED, entry.detail))
    return results


async def _people(turn: Turn, flow: Flow) -> Card:
    state = flow.state
    return bulk_cards.people_card(
        ref(flow),
        selected=[account_from_state(a) for a in state.get("selected", [])],
        choices=[account_from_state(a) for a in state.get("choices", [])],
        query=state.get("query", ""),
        message=state.get("message"),
    )


async def _syncing(turn: Turn, flow: Flow) -> Card:
    return progress_card(TITLE, step=SYNC_STEP)


async def _review(turn: Turn, flow: Flow) -> Card:
    return await sync_step.render_review(turn, flow, title=TITLE, step=REVIEW_STEP)


async def _source(turn: Turn, flow: Flow) -> Card:
    facets = await turn.services.views.available_by_facet(flow.tenant)
    return bulk_cards.source_card(
        ref(flow),
        people=len(flow.state["selected"]),
        locations=facets["location"],
        pools=facets["pool"],
        ranges=facets["range"],
        message=flow.state.get("message"),
        note=flow.state.get("note"),
    )


async def _plan(turn: Turn, flow: Flow) -> Card:
    state = flow.state
    rows, page = state["rows"], int(state.get("page", 1))
    shown = [
        bulk_cards.PlanRow(
            i,
            r["account"]["name"],
            r["number"]["label"] if r.get("number") else None,
            r.get("policy"),
            ", ".join(r.get("replaces") or ()) or None,
        )
        for i, r in enumerate(rows)
        if (page - 1) * PLAN_PAGE <= i < page * PLAN_PAGE
    ]
    return bulk_cards.plan_card(
        ref(flow),
        rows=shown,
        total=len(rows),
        page=page,
        pages=plan_pages(rows),
        policies=list(turn.tenant_config(flow.tenant).allowed_policies),
        policy_for_all=state.get("policy_all"),
        message=state.get("message"),
    )


async def _edit(turn: Turn, flow: Flow) -> Card:
    page, _ = await picker_page(turn, flow)
    who = flow.state["rows"][int(flow.state["editing"])]["account"]["name"]
    return picker_card(
        ref(flow), page, title=TITLE, step=f"A number for {who}", message=flow.state.get("message"), allow_back=True
    )


def _plan_rows(flow: Flow) -> list[tuple[str, str, str]]:
    policy_all = flow.state.get("policy_all") or "(none)"
    return [
        (r["account"]["name"], r["number"]["label"] + _replacing(r), r.get("policy") or policy_all)
        for r in flow.state["rows"]
    ]


async def _confirm(turn: Turn, flow: Flow) -> Card:
    rows = _plan_rows(flow)
    concurrency = turn.services.context.settings.bulk_concurrency
    return bulk_cards.confirm_card(ref(flow), rows=rows, tenant=flow.tenant, concurrency=concurrency)


def _replacing(row: dict[str, Any]) -> str:
    held = row.get("replaces") or ()
    return f" (replaces {', '.join(held)})" if held else ""


async def _running(turn: Turn, flow: Flow) -> Card:
    return bulk_cards.progress_card(done=0, total=len(flow.state["rows"]), failed=0)


async def _results(turn: Turn, flow: Flow) -> Card:
    return await results_card(turn.services, flow)


async def results_card(services: Services, flow: Flow) -> Card:
    """The run's outcome per person, with Retry failed and, for numbers Teams refused, the way back."""
    return bulk_cards.results_card(
        rows=await results_of(services, flow),
        tenant=flow.tenant,
        flow=ref(flow),
        refused=len(await refused_numbers(services, flow)),
        message=flow.state.get("message"),
    )


async def refused_numbers(services: Services, flow: Flow) -> list[PhoneNumber]:
    """The run's numbers Teams refused that are still kept out of the pool."""
    ids = [row["number"]["id"] for row in flow.state["rows"]]
    return [n for n in (await services.views.numbers_by_id(flow.tenant, ids)).values() if refused_by_teams(n)]


def approval_card(turn: Turn, flow: Flow, viewer: Viewer, message: str | None = None) -> Card:
    """The plan waiting for approval as `viewer` sees it; the card everyone gets (`Viewer.OTHER`) carries the
    refresh that has each approver's and the asker's client fetch their own view."""
    approval = flow.state["approval"]
    view = BulkApprovalView(
        flow.id,
        flow.version,
        turn.tenant_config(flow.tenant).display_name,
        approval["asker"]["name"],
        tuple(_plan_rows(flow)),
    )
    refresh_for = approval.get("refresh_for", []) if viewer is Viewer.OTHER else []
    return bulk_approval_card(view, viewer=viewer, refresh_for=refresh_for, message=message)


async def _for_approval(turn: Turn, flow: Flow) -> Card:
    return approval_card(turn, flow, Viewer.REQUESTER)  # a flow's own card is only ever its asker's


async def _cancelled(turn: Turn, flow: Flow) -> Card:
    said = flow.state.get("message") or "Cancelled."
    return message_card(TITLE, f"{said} Nothing was assigned; the numbers held for this batch are free again.")


VIEWS: dict[Step, Renderer] = {
    Step.PEOPLE: _people,
    Step.SYNCING: _syncing,
    Step.REVIEW: _review,
    Step.SOURCE: _source,
    Step.PLAN: _plan,
    Step.EDIT: _edit,
    Step.CONFIRM: _confirm,
    Step.FOR_APPROVAL: _for_approval,
    Step.RUNNING: _running,
    Step.FINISHING: _results,
    Step.RESULTS: _results,
    Step.CANCELLED: _cancelled,
}
