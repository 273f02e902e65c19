"""The assign flow: whom -> sync (and review) -> pick an available number -> policy -> confirm -> Teams.

Picking holds the number (reserved for this flow, 10 minutes), so no other picker offers it; the
assignment turns the hold into `used`; cancel, failure or expiry frees it. Holding and moving the flow
on are one transaction (`HoldService.hold_for_flow`): a second click can never leave a stray hold.
How each step looks is in `assign_views`.
"""

from __future__ import annotations

from typing import Any

from bot.flows import sync_step
from bot.flows.assign_teams import assign_in_teams
from bot.flows.assign_views import SYNC_STEP, TITLE, VIEWS, Step, confirm_location
from bot.flows.card_data import CardData, CardProblem, id_input, text_input
from bot.flows.four_eyes import send_for_approval
from bot.flows.picker import picker_actions
from bot.flows.table import FlowTable, Outcome, on_steps
from bot.flows.view_models import (
    account_from_state,
    account_to_state,
    account_view,
    number_key,
    number_state,
)
from bot.grammar import read_assign
from bot.turn import CardSink, Reply, Turn
from cards.elements import Card
from cards.sync import progress_card
from inventory.config import Role
from inventory.flows import Flow
from inventory.locations import chosen_location, location_label
from inventory.model import AccountType
from inventory.services.flow_steps import Move
from inventory.services.policy_check import PolicyUnknown


async def start(
    turn: Turn, args: str, *, chosen_by: str | None = None, number: str | None = None, policy: str | None = None
) -> Reply:
    """`assign [PERSON] [NUMBER | from SEARCH] [POLICY]`: what was understood starts the flow, and a word
    that was refused is said on the card that asks for it again (the whom card, the picker or the policy
    card).
    `chosen_by`, `number`, `policy`: what `assign next` chose (its rule is shown on the confirm card)."""
    turn.operator.require(Role.OPERATOR, "assigning numbers")
    tenant = await turn.tenant()
    config = turn.tenant_config(tenant)
    reading = read_assign(args, tenant=tenant, policies=config.allowed_policies, region=config.default_region)
    query = reading.words.person
    number, policy = number or reading.words.number, policy or reading.words.policy
    # `from NAME`: the picker opens on the saved search (an unknown name is refused before any card).
    search = reading.words.search
    if search is not None:
        search = await turn.services.saved_searches.terms_for(turn.operator.actor, tenant, search)
    state: dict[str, object] = {
        "query": query,
        "requested_number": number,
        "policy": policy,
        "choices": [],
        "message": reading.number_problem,
        "policy_message": reading.policy_problem,
    }
    if chosen_by:
        state["chosen_by"] = chosen_by
    if search:
        state["search"] = search[:100]
    # The account is looked up before the flow is written, so the flow starts at the step it shows:
    # one write a command, not a start and a move.
    if not query:
        return Reply(await FLOW.render(turn, await FLOW.start(turn, tenant, Step.ACCOUNT, state)))
    accounts = [account_view(a) for a in await turn.services.views.find_accounts(tenant, query, limit=25)]
    eligible = [a for a in accounts if a.kind in ("user", "resource account")]
    if len(eligible) == 1:
        return _syncing(
            turn, await FLOW.start(turn, tenant, Step.SYNCING, {**state, "account": account_to_state(eligible[0])})
        )
    nobody = None if eligible else f"Nobody in {tenant} starts with '{query[:60]}'. Try another name."
    message = " ".join(m for m in (reading.number_problem, nobody) if m) or None
    choices = [account_to_state(a) for a in eligible[:25]]
    flow = await FLOW.start(turn, tenant, Step.ACCOUNT, {**state, "choices": choices, "message": message})
    return Reply(await FLOW.render(turn, flow))


async def _search_accounts(turn: Turn, flow: Flow, data: CardData) -> Move:
    query = text_input(data, "account_search", limit=100)
    found = await turn.services.views.find_accounts(flow.tenant, query, limit=25) if query else []
    message = None if found or not query else f"Nobody starts with '{query}'."
    choices = [account_to_state(account_view(a)) for a in found]
    return Move(Step.ACCOUNT, {"query": query, "choices": choices, "message": message})


async def _choose_account(turn: Turn, flow: Flow, data: CardData) -> Outcome:
    # Nothing chosen on the card carries on with the person chosen before (the operator came Back).
    account_id = text_input(data, "account", limit=64) or str((flow.state.get("account") or {}).get("id") or "")
    if not account_id:
        return Move(Step.ACCOUNT, {"message": "Choose someone first."})
    account = await turn.services.views.account(flow.tenant, account_id)
    if account is None or account.account_type not in (AccountType.USER, AccountType.RESOURCE_ACCOUNT):
        return Move(
            Step.ACCOUNT, {"message": "That account does not exist in Teams (or cannot hold a number). Choose another."}
        )
    chosen = account_to_state(account_view(account))
    return _syncing(turn, await FLOW.advance(turn, flow, Step.SYNCING, account=chosen, message=None))


def _syncing(turn: Turn, flow: Flow) -> Reply:
    async def work(sink: CardSink) -> Card:
        synced = await sync_step.sync_first(turn, flow, sink=sink, title=TITLE, step=SYNC_STEP)
        # Looked up here, while the sync runs anyway, so the review's Commit reads no more than before.
        changes = {**synced.changes, "reserved_id": await _reserved_for_account(turn, flow)}
        if synced.needs_review:
            return await FLOW.render(turn, await FLOW.advance(turn, flow, Step.REVIEW, **changes))
        return await _after_sync(turn, flow, changes)

    return Reply(progress_card(TITLE, step=SYNC_STEP), follow_up=work)


async def _reserved_for_account(turn: Turn, flow: Flow) -> int | None:
    """The id of a number reserved for the account being assigned: it is offered first."""
    account = account_from_state(flow.state["account"])
    reserved = await turn.services.reservations.reserved_for(flow.tenant, account.id)
    return reserved.id if reserved is not None else None


async def _commit(turn: Turn, flow: Flow, data: CardData) -> Reply:
    return Reply(await _after_sync(turn, flow, await sync_step.commit(turn, flow)))


async def _commit_safe(turn: Turn, flow: Flow, data: CardData) -> Reply:
    return Reply(await _after_sync(turn, flow, await sync_step.commit(turn, flow, sync_step.SAFE_CATEGORIES)))


async def _after_sync(turn: Turn, flow: Flow, synced: dict[str, Any]) -> Card:
    """The inventory is current: hold the number asked for, or show the picker (keeping `synced`), with
    the numbers the person holds now, which the new one replaces (shown until the operator confirms)."""
    account_id = str(flow.state["account"]["id"])
    held = (await turn.services.views.held_numbers(flow.tenant, [account_id])).get(account_id, [])
    synced = {**synced, "replaces": [number.label for number in held]}
    requested = flow.state.get("requested_number")
    reserved_id = synced.get("reserved_id", flow.state.get("reserved_id"))
    if not requested and reserved_id is not None:
        # A number reserved for this person is offered first: it goes straight to the policy step, and
        # Back leads to the picker if the operator wants another.
        return (await _hold(turn, flow, int(reserved_id), **{**synced, "reserved_id": None})).card
    if not requested:
        # The message is what `assign` refused of the words typed ("'+1 abc' is not a phone number").
        message = flow.state.get("message")
        moved = await FLOW.advance(turn, flow, Step.PICK, message=message, note=synced.get("sync_note"), **synced)
        return await FLOW.render(turn, moved)
    number = await turn.services.views.number(flow.tenant, str(requested))
    if number is None or number.id is None:
        message = f"{requested} is not in the inventory; pick another."
        moved = await FLOW.advance(turn, flow, Step.PICK, requested_number=None, message=message, **synced)
        return await FLOW.render(turn, moved)
    return (await _hold(turn, flow, number.id, requested_number=None, **synced)).card


async def _pick(turn: Turn, flow: Flow, data: CardData) -> Reply:
    return await _hold(turn, flow, id_input(data, "number"))


async def _retry(turn: Turn, flow: Flow, data: CardData) -> Reply:
    return await _hold(turn, flow, int(flow.state["number"]["id"]))


async def _hold(turn: Turn, flow: Flow, number_id: int, **changes: Any) -> Reply:
    """Hold the number for this flow and go on to the policy, or back to the picker saying why not."""
    account = account_from_state(flow.state["account"])
    previous = flow.state.get("number")
    moved, held = await turn.services.holds.hold_for_flow(
        flow,
        number_id,
        purpose=f"assigning to {account.name}",
        actor=turn.operator.actor,
        correlation_id=turn.correlation_id,
        giving_back=[number_key(previous)] if previous else [],
        held=lambda number: Move(
            Step.POLICY, {**changes, "number": number_state(number), "message": None, "result": None}
        ),
        refused=lambda why: Move(Step.PICK, {**changes, "message": f"{why} Pick another number.", "number": None}),
        for_person=account.id,
    )
    chosen = moved.state.get("policy")
    if held is not None and chosen:
        try:
            return Reply(await FLOW.render(turn, await _policy_chosen(turn, moved, str(chosen))))
        except PolicyUnknown as unknown:  # Teams does not know the policy typed: say so where it is chosen
            moved = await FLOW.advance(turn, moved, Step.POLICY, policy=None, policy_message=str(unknown))
    return Reply(await FLOW.render(turn, moved))


async def _policy(turn: Turn, flow: Flow, data: CardData) -> Move:
    policy = await _known_policy(turn, flow, text_input(data, "policy"))
    return Move(Step.CONFIRM, {"policy": policy, "policy_message": None})


async def _policy_chosen(turn: Turn, flow: Flow, policy: str) -> Flow:
    known = await _known_policy(turn, flow, policy)
    return await FLOW.advance(turn, flow, Step.CONFIRM, policy=known, policy_message=None)


async def _known_policy(turn: Turn, flow: Flow, policy: str) -> str | None:
    """A configured policy that Teams knows: refused here, on the policy step, before anything moves."""
    allowed = turn.tenant_config(flow.tenant).allowed_policies
    if allowed and policy not in allowed:
        raise CardProblem(f"'{policy[:40]}' is not one of this tenant's voice routing policies; choose from the list.")
    if policy:
        await turn.services.assignments.policies.require(flow.tenant, policy)
    return policy or None


async def _give_back(turn: Turn, flow: Flow, then: Move) -> Reply:
    held = flow.state.get("number")
    moved = await turn.services.holds.give_back_for_flow(
        flow,
        [number_key(held)] if held else [],
        actor=turn.operator.actor,
        correlation_id=turn.correlation_id,
        then=then,
    )
    return Reply(await FLOW.render(turn, moved))


async def _cancel(turn: Turn, flow: Flow, data: CardData) -> Reply:
    return await _give_back(turn, flow, Move(Step.CANCELLED))


async def _back_to_pick(turn: Turn, flow: Flow, data: CardData) -> Reply:
    return await _give_back(turn, flow, Move(Step.PICK, {"number": None}))


async def _confirm(turn: Turn, flow: Flow, data: CardData) -> Reply:
    # The location choice is checked against what the card offered: a forged id never reaches Teams.
    config = turn.tenant_config(flow.tenant)
    proposed = confirm_location(turn, flow)
    if "location" in data:
        location = chosen_location(text_input(data, "location", limit=200), proposed, config)
    else:
        location = proposed  # a client that sends no inputs (or a card without sites) keeps the proposal
    if await turn.services.switches.four_eyes(flow.tenant):
        return await send_for_approval(FLOW, turn, flow, location_id=location)
    return await assign_in_teams(FLOW, turn, flow, location_id=location, location=location_label(location, config))


async def _to_account(turn: Turn, flow: Flow, data: CardData) -> Move:
    return Move(Step.ACCOUNT)


async def _to_policy(turn: Turn, flow: Flow, data: CardData) -> Move:
    return Move(Step.POLICY)


async def _another(turn: Turn, flow: Flow, data: CardData) -> Move:
    return Move(Step.PICK, {"number": None, "result": None})


# Cancel is taken until Teams is asked; after that the outcome stands.
CANCELLABLE = tuple(s for s in Step if s not in (Step.ASSIGNING, Step.DONE, Step.PENDING, Step.FOR_APPROVAL))
FLOW: FlowTable[Step] = FlowTable(
    kind="assign",
    steps=Step,
    actions={
        **on_steps(CANCELLABLE, "cancel", _cancel),
        (Step.ACCOUNT, "assign.search"): _search_accounts,
        (Step.ACCOUNT, "assign.account"): _choose_account,
        (Step.REVIEW, "sync.commit"): _commit,
        (Step.REVIEW, "sync.commit_safe"): _commit_safe,
        **picker_actions(Step.PICK, on_pick=_pick, search_resets={"message": None, "note": None}),
        (Step.PICK, "back"): _to_account,
        (Step.POLICY, "assign.policy"): _policy,
        (Step.POLICY, "back"): _back_to_pick,
        (Step.CONFIRM, "back"): _to_policy,
        (Step.CONFIRM, "assign.confirm"): _confirm,
        (Step.FAILED, "assign.another"): _another,
        (Step.FAILED, "assign.retry"): _retry,
    },
    views=VIEWS,
    lost="This card is in a state I no longer know; start again with assign.",
)
