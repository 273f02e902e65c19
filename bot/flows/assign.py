"""The assign flow: whom -> sync (and review) -> pick an available number -> policy -> confirm -> Teams.

Steps: account, syncing, review, pick, policy, confirm, assigning, done, failed, pending, cancelled.
Picking holds the number (reserved for this flow, 10 minutes), so no other picker offers it; the
assignment turns the hold into `used`; cancel, failure or expiry frees it.
"""

from __future__ import annotations

from typing import Any

from bot.flows import sync_step
from bot.flows.common import (
    CardProblem,
    StaleCard,
    account_from_state,
    account_to_state,
    account_view,
    advance,
    hold_owner_of,
    id_input,
    load_number_by_id,
    picker_page,
    progress,
    ref,
    release_hold,
    release_numbers,
    start_flow,
    take_hold,
    text_input,
)
from bot.turn import CardSink, Reply, Turn
from cards import assign as assign_cards
from cards.common import message_card
from cards.elements import Card
from cards.notify import assigned_note
from cards.picker import picker_card
from cards.views import AccountView, OutcomeView
from inventory.config import Role
from inventory.e164 import parse_number
from inventory.errors import ConcurrentChange, InvalidNumber, SwitchboardError, TransitionRefused
from inventory.model import AccountType, Assignee
from inventory.services.assignment import AssignRequest, OperationResult
from inventory.store.flows import Flow

KIND = "assign"
TITLE = assign_cards.TITLE
SYNC_STEP = "Step 2 of 5 - sync from Teams"
PICK_STEP = "Step 3 of 5 - pick an available number"
REVIEW_STEP = "Step 2 of 5 - review the changes"


async def start(turn: Turn, args: str) -> Reply:
    turn.operator.require(Role.OPERATOR, "assigning numbers")
    tenant = await turn.tenant()
    config = turn.services.tenant_config(tenant)
    query, number, policy = _split_args(args, config.allowed_policies)
    flow = await start_flow(
        turn, KIND, tenant, "account", {"query": query, "requested_number": number, "policy": policy, "choices": []}
    )
    if not query:
        return Reply(await render(turn, flow))
    accounts = [account_view(a) for a in await turn.services.phones(tenant).search_accounts(query, limit=25)]
    eligible = [a for a in accounts if a.kind in ("user", "resource account")]
    if len(eligible) == 1:
        flow = await advance(turn, flow, "syncing", account=account_to_state(eligible[0]))
        return _syncing(turn, flow)
    message = None if eligible else f"Nobody in {tenant} starts with '{query}'. Try another name."
    flow = await advance(turn, flow, "account", choices=[account_to_state(a) for a in eligible[:25]], message=message)
    return Reply(await render(turn, flow))


def _split_args(args: str, policies: tuple[str, ...]) -> tuple[str, str | None, str | None]:
    """`adele +1 206 555 0100 US-Local` -> ("adele", "+12065550100", "US-Local"), in any order."""
    words = args.split()
    policy = next((p for p in policies for w in words if w.lower() == p.lower()), None)
    words = [w for w in words if not policy or w.lower() != policy.lower()]
    number = None
    for start in range(len(words)):
        for end in range(len(words), start, -1):
            candidate = " ".join(words[start:end])
            if sum(ch.isdigit() for ch in candidate) >= 7:
                try:
                    number = parse_number(candidate).number
                except InvalidNumber:
                    continue
                words = words[:start] + words[end:]
                return " ".join(words), number, policy
    return " ".join(words), number, policy


async def act(turn: Turn, flow: Flow, verb: str, data: dict[str, Any]) -> Reply:
    step = flow.step
    if verb == "cancel" and step not in ("assigning", "done", "pending"):
        await release_hold(turn, flow)
        flow = await advance(turn, flow, "cancelled")
        return Reply(await render(turn, flow))
    if step == "account" and verb in ("assign.search", "assign.account"):
        return await _account_step(turn, flow, verb, data)
    if step == "review" and verb in ("sync.commit", "sync.commit_safe"):
        return await sync_step.commit(turn, flow, verb, next_step=lambda f: _after_sync(turn, f))
    if step == "pick":
        return await _pick_step(turn, flow, verb, data)
    if step == "policy" and verb == "assign.policy":
        return await _policy_chosen(turn, flow, text_input(data, "policy"))
    if step == "policy" and verb == "back":
        await release_hold(turn, flow)
        return Reply(await render(turn, await advance(turn, flow, "pick", number=None)))
    if step == "confirm" and verb == "back":
        return Reply(await render(turn, await advance(turn, flow, "policy")))
    if step == "confirm" and verb == "assign.confirm":
        return _assigning(turn, await advance(turn, flow, "assigning"))
    if step == "failed" and verb == "assign.another":
        return Reply(await render(turn, await advance(turn, flow, "pick", number=None, result=None)))
    if step == "failed" and verb == "assign.retry":
        return await _hold_and_continue(turn, flow, int(flow.state["number"]["id"]))
    # A verb this step does not take: an old card of the same flow, or a forged one.
    return Reply(await render(turn, flow))


async def _account_step(turn: Turn, flow: Flow, verb: str, data: dict[str, Any]) -> Reply:
    phone = turn.services.phones(flow.tenant)
    if verb == "assign.search":
        query = text_input(data, "account_search", limit=100)
        found = [account_view(a) for a in await phone.search_accounts(query, limit=25)] if query else []
        message = None if found or not query else f"Nobody starts with '{query}'."
        flow = await advance(
            turn, flow, "account", query=query, choices=[account_to_state(a) for a in found], message=message
        )
        return Reply(await render(turn, flow))
    account_id = text_input(data, "account", limit=64)
    if not account_id:
        return Reply(await render(turn, await advance(turn, flow, "account", message="Choose someone first.")))
    account = await phone.get_account(account_id)
    if account is None or account.account_type not in (AccountType.USER, AccountType.RESOURCE_ACCOUNT):
        message = "That account does not exist in Teams (or cannot hold a number). Choose another."
        return Reply(await render(turn, await advance(turn, flow, "account", message=message)))
    flow = await advance(turn, flow, "syncing", account=account_to_state(account_view(account)), message=None)
    return _syncing(turn, flow)


def _syncing(turn: Turn, flow: Flow) -> Reply:
    return sync_step.run(
        turn, flow, title=TITLE, step=SYNC_STEP, review_step=REVIEW_STEP, next_step=lambda f: _after_sync(turn, f)
    )


async def _after_sync(turn: Turn, flow: Flow) -> Card:
    """The inventory is current: hold the number asked for, or show the picker."""
    requested = flow.state.get("requested_number")
    if requested:
        flow = await advance(turn, flow, "pick", requested_number=None)
        number = await load_number_by_id(turn, flow.tenant, e164=str(requested))
        if number is not None and number.id is not None:
            reply = await _hold_and_continue(turn, flow, number.id)
            return reply.card
        flow = await advance(turn, flow, "pick", message=f"{requested} is not in the inventory; pick another.")
        return await render(turn, flow)
    return await render(turn, await advance(turn, flow, "pick", message=None, note=flow.state.get("sync_note")))


async def _pick_step(turn: Turn, flow: Flow, verb: str, data: dict[str, Any]) -> Reply:
    state = flow.state
    if verb == "picker.search":
        flow = await advance(
            turn, flow, "pick", search=text_input(data, "search", limit=100), cursors=[None], message=None, note=None
        )
    elif verb == "picker.next":
        _, next_cursor = await picker_page(turn, flow.tenant, state)
        if next_cursor:
            flow = await advance(turn, flow, "pick", cursors=[*(state.get("cursors") or [None]), next_cursor])
    elif verb == "picker.previous":
        cursors = list(state.get("cursors") or [None])
        flow = await advance(turn, flow, "pick", cursors=cursors[:-1] or [None])
    elif verb == "picker.pick":
        return await _hold_and_continue(turn, flow, id_input(data, "number"))
    elif verb == "back":
        flow = await advance(turn, flow, "account")
    return Reply(await render(turn, flow))


async def _hold_and_continue(turn: Turn, flow: Flow, number_id: int) -> Reply:
    account = account_from_state(flow.state)
    try:
        held = await take_hold(turn, flow, number_id, purpose=f"assigning to {account.name}")
    except (TransitionRefused, ConcurrentChange) as refused:
        message = f"{refused} Pick another number."
        return Reply(await render(turn, await advance(turn, flow, "pick", message=message, number=None)))
    number = {"id": held.id, "e164": held.number, "ext": held.extension, "label": held.label}
    try:
        flow = await advance(turn, flow, "policy", number=number, message=None, result=None)
    except StaleCard as stale:
        # A concurrent click moved the flow first: give back what this click just held, or it would stay
        # reserved (and out of every picker) until the hold expires, with no flow pointing at it.
        if (stale.flow.state.get("number") or {}).get("id") != held.id:
            await release_numbers(turn, stale.flow, [number])
        raise
    chosen = flow.state.get("policy")
    if chosen:
        return await _policy_chosen(turn, flow, str(chosen))
    return Reply(await render(turn, flow))


async def _policy_chosen(turn: Turn, flow: Flow, policy: str) -> Reply:
    allowed = turn.services.tenant_config(flow.tenant).allowed_policies
    if allowed and policy not in allowed:
        raise CardProblem(f"'{policy[:40]}' is not one of this tenant's voice routing policies; choose from the list.")
    return Reply(await render(turn, await advance(turn, flow, "confirm", policy=policy or None)))


def _assigning(turn: Turn, flow: Flow) -> Reply:
    account = account_from_state(flow.state)
    number = flow.state["number"]

    async def work(_: CardSink) -> Card:
        request = AssignRequest(
            tenant=flow.tenant,
            number=number["e164"],
            extension=number["ext"],
            account=Assignee(account.id, account.upn, account.name, _account_type(account)),
            policy=flow.state.get("policy"),
            hold_owner=hold_owner_of(flow),
            flow_id=flow.id,
        )
        try:
            result = await turn.services.assignments.assign(request, turn.operator.actor)
        except (TransitionRefused, ConcurrentChange) as refused:
            moved = await advance(turn, flow, "pick", number=None, message=f"{refused} Pick another number.")
            return await render(turn, moved)
        step = "done" if result.succeeded else ("pending" if result.pending else "failed")
        moved = await advance(turn, flow, step, result=_result_state(result))
        if result.succeeded:
            note = assigned_note(
                tenant=flow.tenant,
                number=number["label"],
                holder=account.choice_title,
                policy=request.policy if not result.policy_warning else None,
                operator=turn.operator.actor.name,
            )
            await turn.services.notifier.enqueue(flow.tenant, "assign", note)
        return await render(turn, moved)

    waiting = assign_cards.waiting_card(TITLE, f"Assigning {number['label']} to {account.name} in Teams...")
    return Reply(waiting, follow_up=work)


def _account_type(account: AccountView) -> AccountType:
    return AccountType.RESOURCE_ACCOUNT if account.kind == "resource account" else AccountType.USER


def _result_state(result: OperationResult) -> dict[str, Any]:
    return {
        "succeeded": result.succeeded,
        "pending": result.pending,
        "detail": result.detail,
        "warning": result.policy_warning,
        "correlation_id": result.correlation_id,
    }


async def render(turn: Turn, flow: Flow) -> Card:
    """The card for the flow as it is now (also the answer to a stale or repeated click)."""
    state, reference = flow.state, ref(flow)
    step = flow.step
    if step == "account":
        choices = [AccountView(c["id"], c["name"], c.get("upn"), c["kind"], c.get("policy")) for c in state["choices"]]
        return assign_cards.account_card(reference, choices, query=state.get("query", ""), message=state.get("message"))
    if step in ("syncing", "synced"):
        return progress(TITLE, SYNC_STEP)
    if step == "review":
        return await sync_step.render_review(turn, flow, title=TITLE, step=REVIEW_STEP)
    if step == "pick":
        page, _ = await picker_page(turn, flow.tenant, state)
        who = account_from_state(state).name
        return picker_card(
            reference,
            page,
            title=TITLE,
            step=f"{PICK_STEP} for {who}",
            message=state.get("message"),
            note=state.get("note"),
            allow_back=True,
        )
    account = account_from_state(state) if state.get("account") else None
    number = state.get("number") or {}
    if step == "policy" and account:
        config = turn.services.tenant_config(flow.tenant)
        chosen = state.get("policy") or config.default_policy
        if account.policy in config.allowed_policies and not state.get("policy"):
            chosen = account.policy
        return assign_cards.policy_card(
            reference, account, number.get("label", ""), list(config.allowed_policies), chosen=chosen
        )
    if step == "confirm" and account:
        return assign_cards.confirm_card(reference, account, number.get("label", ""), state.get("policy"), flow.tenant)
    if step == "assigning" and account:
        return assign_cards.waiting_card(TITLE, f"Assigning {number.get('label')} to {account.name} in Teams...")
    if step in ("done", "failed", "pending") and account:
        return assign_cards.outcome_card(_outcome(flow, account), flow=reference, retry_verbs=step == "failed")
    if step == "cancelled":
        return message_card(TITLE, "Cancelled. Nothing was changed, and any number held for you is free again.")
    raise SwitchboardError("This card is in a state I no longer know; start again with assign.")


def _outcome(flow: Flow, account: AccountView) -> OutcomeView:
    result, number = flow.state.get("result") or {}, flow.state.get("number") or {}
    facts = [
        ("Number", number.get("label", "")),
        ("Holder", account.choice_title),
        ("Voice routing policy", flow.state.get("policy") or "(none)"),
        ("Tenant", flow.tenant),
    ]
    if flow.step == "done":
        title, steps = f"{number.get('label')} is assigned to {account.name}", []
        if result.get("warning"):
            facts[2] = ("Voice routing policy", "not granted - see below")
    elif flow.step == "pending":
        title, steps = "Teams is still working on it", ["Type numbers later to see the outcome."]
    else:
        title, steps = "Teams did not assign the number", ["The number is back in the pool; nothing changed."]
    return OutcomeView(
        succeeded=flow.step == "done",
        pending=flow.step == "pending",
        title=title,
        facts=facts,
        detail=result.get("detail"),
        warning=result.get("warning"),
        correlation_id=result.get("correlation_id", ""),
        next_steps=steps,
    )
