"""How each step of the assign flow looks: its steps, and the card each one draws from the flow's state."""

from __future__ import annotations

from enum import StrEnum

from bot.flows import sync_step
from bot.flows.picker import picker_page
from bot.flows.table import Renderer
from bot.flows.view_models import account_from_state, ref
from bot.turn import Turn
from cards import assign as assign_cards
from cards.common import message_card
from cards.elements import Card
from cards.picker import picker_card
from cards.sync import progress_card
from cards.views import AccountView, OutcomeView
from inventory.flows import Flow
from inventory.locations import default_location, location_choices, location_label


class Step(StrEnum):
    ACCOUNT = "account"
    SYNCING = "syncing"
    REVIEW = "review"
    PICK = "pick"
    POLICY = "policy"
    CONFIRM = "confirm"
    ASSIGNING = "assigning"
    DONE = "done"
    FAILED = "failed"
    PENDING = "pending"
    CANCELLED = "cancelled"
    FOR_APPROVAL = "for_approval"  # four eyes: the assignment became a request another operator approves


TITLE = assign_cards.TITLE
SYNC_STEP = "Step 2 of 5 - sync from Teams"
REVIEW_STEP = "Step 2 of 5 - review the changes"
PICK_STEP = "Step 3 of 5 - pick an available number"


async def _account(turn: Turn, flow: Flow) -> Card:
    state = flow.state
    choices = [account_from_state(c) for c in state["choices"]]
    chosen = account_from_state(state["account"]) if state.get("account") else None
    return assign_cards.account_card(
        ref(flow), choices, query=state.get("query", ""), message=state.get("message"), chosen=chosen
    )


async def _syncing(turn: Turn, flow: Flow) -> Card:
    return progress_card(TITLE, step=SYNC_STEP)


async def _review(turn: Turn, flow: Flow) -> Card:
    return await sync_step.render_review(turn, flow, title=TITLE, step=REVIEW_STEP)


async def _pick(turn: Turn, flow: Flow) -> Card:
    page, _ = await picker_page(turn, flow)
    who = account_from_state(flow.state["account"]).name
    return picker_card(
        ref(flow),
        page,
        title=TITLE,
        step=f"{PICK_STEP} for {who}{replaces_note(flow.state.get('replaces'))}",
        message=flow.state.get("message"),
        note=flow.state.get("note"),
        allow_back=True,
    )


async def _policy(turn: Turn, flow: Flow) -> Card:
    account = account_from_state(flow.state["account"])
    config = turn.tenant_config(flow.tenant)
    chosen = flow.state.get("policy") or config.default_policy
    if account.policy in config.allowed_policies and not flow.state.get("policy"):
        chosen = account.policy
    label = (flow.state.get("number") or {}).get("label", "")
    policies = list(config.allowed_policies)
    message = flow.state.get("policy_message")
    return assign_cards.policy_card(ref(flow), account, label, policies, chosen=chosen, message=message)


async def _confirm(turn: Turn, flow: Flow) -> Card:
    account = account_from_state(flow.state["account"])
    label = (flow.state.get("number") or {}).get("label", "")
    config = turn.tenant_config(flow.tenant)
    release = "quarantine" if config.quarantine_days > 0 else "the pool"
    location_id = confirm_location(turn, flow)
    return assign_cards.confirm_card(
        ref(flow),
        account,
        label,
        flow.state.get("policy"),
        flow.tenant,
        replaces=tuple(flow.state.get("replaces") or ()),
        released_to=release,
        chosen_by=flow.state.get("chosen_by"),  # `assign next`: the rule that chose the number (issue 16)
        location=location_label(location_id, config),
        location_id=location_id,
        sites=tuple(location_choices(location_id, config)),
    )


def confirm_location(turn: Turn, flow: Flow) -> str | None:
    """The emergency location the confirm card proposes: the number's own (as Teams reported it), else
    its pool's configured site."""
    number = flow.state.get("number") or {}
    return default_location(number.get("location_id"), number.get("pool"), turn.tenant_config(flow.tenant))


async def _assigning(turn: Turn, flow: Flow) -> Card:
    account = account_from_state(flow.state["account"])
    label = (flow.state.get("number") or {}).get("label")
    return assign_cards.waiting_card(TITLE, f"Assigning {label} to {account.name} in Teams...")


async def _outcome(turn: Turn, flow: Flow) -> Card:
    account = account_from_state(flow.state["account"])
    return assign_cards.outcome_card(outcome_of(flow, account), flow=ref(flow), retry_verbs=flow.step == Step.FAILED)


async def _for_approval(turn: Turn, flow: Flow) -> Card:
    return message_card(
        TITLE, "Sent for approval (four eyes): another operator approves it on the request card; the number is held."
    )


async def _cancelled(turn: Turn, flow: Flow) -> Card:
    return message_card(TITLE, "Cancelled. Nothing was changed, and any number held for you is free again.")


def replaces_note(replaces: object) -> str:
    """` (replaces +1 206 555 0100)` when the person holds numbers now, else nothing."""
    labels = [str(label) for label in replaces] if isinstance(replaces, list) else []
    return f" (replaces {', '.join(labels)})" if labels else ""


def outcome_of(flow: Flow, account: AccountView) -> OutcomeView:
    result, number = flow.state.get("result") or {}, flow.state.get("number") or {}
    # Only a number Teams assigned has a holder; otherwise the person is who it was meant for.
    person = {Step.DONE: "Holder", Step.PENDING: "For"}.get(Step(flow.step), "Not assigned to")
    facts = [
        ("Number", number.get("label", "")),
        (person, account.choice_title),
        ("Voice routing policy", flow.state.get("policy") or "(none)"),
        ("Tenant", flow.tenant),
    ]
    if flow.state.get("location_label"):
        facts.insert(3, ("Emergency location", str(flow.state["location_label"])))
    if flow.step == Step.DONE:
        title, steps = f"{number.get('label')} is assigned to {account.name}", []
        if result.get("replaced"):
            facts.insert(2, ("Replaced", ", ".join(result["replaced"])))
        if result.get("policy_pending"):
            title = f"{number.get('label')} is assigned to {account.name}, policy pending"
            policy = flow.state.get("policy")
            _set_fact(facts, "Voice routing policy", f"{policy} - pending: Switchboard retries the grant")
            steps = ["The channel hears when the policy lands (or if Switchboard gives up)."]
        elif result.get("warning"):
            _set_fact(facts, "Voice routing policy", "not granted - see below")
        told = result.get("told")
        if told is True:
            facts.append((f"Told {account.name}", "yes, in a personal chat with Switchboard"))
        elif told is False:
            facts.append(
                (
                    f"Told {account.name}",
                    "no - Teams would not open a chat with them (Switchboard is not installed for them); "
                    "the assignment stands, tell them yourself",
                )
            )
    elif flow.step == Step.PENDING:
        title, steps = "Teams is still working on it", ["Type numbers later to see the outcome."]
    else:
        title, steps = "Teams did not assign the number", ["The number is back in the pool; nothing changed."]
    return OutcomeView(
        succeeded=flow.step == Step.DONE,
        pending=flow.step == Step.PENDING,
        title=title,
        facts=facts,
        detail=result.get("detail"),
        warning=result.get("warning"),
        correlation_id=result.get("correlation_id", ""),
        next_steps=steps,
    )


def _set_fact(facts: list[tuple[str, str]], name: str, value: str) -> None:
    # By name: the Replaced and Emergency location rows shift the others.
    facts[[key for key, _ in facts].index(name)] = (name, value)


VIEWS: dict[Step, Renderer] = {
    Step.ACCOUNT: _account,
    Step.SYNCING: _syncing,
    Step.REVIEW: _review,
    Step.PICK: _pick,
    Step.POLICY: _policy,
    Step.CONFIRM: _confirm,
    Step.ASSIGNING: _assigning,
    Step.DONE: _outcome,
    Step.FAILED: _outcome,
    Step.PENDING: _outcome,
    Step.CANCELLED: _cancelled,
    Step.FOR_APPROVAL: _for_approval,
}
