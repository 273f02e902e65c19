"""From domain values to what cards show (`cards.views`) and what a flow keeps of them in its state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.local_time import UTC_TIME, LocalTime
from cards.views import AccountView, ChangeView, DiffView, FlowRef, NumberView
from inventory.flows import Flow
from inventory.model import AccountType, Assignee, NumberStatus, NumberType, PhoneNumber, activation_state_of, offerable
from inventory.ports.phone_system import TeamsAccount
from inventory.quarantine import countdown
from inventory.services.settlement import refused_by_teams
from inventory.sync.runs import StoredChange, SyncPreview

RESOURCE_ACCOUNT = "resource account"


def ref(flow: Flow) -> FlowRef:
    return FlowRef(flow.id, flow.version)


def number_view(number: PhoneNumber, *, now: datetime | None = None, policy_pending: str | None = None) -> NumberView:
    """`now` adds a quarantined number's countdown ("back in the pool in 12 days") where its holder would be;
    `policy_pending`: the policy the journal is still granting (the number reads "used, policy pending")."""
    assert number.id is not None
    status = _status_text(number)
    return NumberView(
        id=number.id,
        label=number.label,
        status=f"{status}, policy pending" if policy_pending else status,
        number_type=number.number_type.label,
        holder=_countdown(number, now) or _holder(number),
        policy=f"{policy_pending} (pending)" if policy_pending else number.voice_routing_policy,
        location=number.location,
        range_label=number.range_label,
        carrier=number.carrier,
    )


def _status_text(number: PhoneNumber) -> str:
    """The inventory's status, and Teams' state when it is not plainly active (pending, failed, unknown)."""
    state = number.activation_state
    if offerable(state):
        return number.status.value
    assert state is not None
    return f"{number.status.value}, {state.label}"


def _countdown(number: PhoneNumber, now: datetime | None) -> str | None:
    if now is None or number.status is not NumberStatus.QUARANTINED:
        return None
    return countdown(number.quarantined_until, now)


def _holder(number: PhoneNumber) -> str | None:
    """Who has the number: its holder in Teams, whom it is reserved for and by whom, or the hold's note;
    for a number Teams refused, Teams' reason (it stays out of the pool until someone returns it)."""
    if number.assignee:
        return number.assignee.label
    if refused_by_teams(number):
        return number.notes
    hold = number.hold
    if hold is None:
        return None
    if hold.owner_name:
        return (
            f"reserved for {hold.for_name} by {hold.owner_name}" if hold.for_name else f"reserved by {hold.owner_name}"
        )
    return hold.note


def number_state(number: PhoneNumber) -> dict[str, Any]:
    """What a flow keeps of a number it works on: its id, its key, how it reads, and what decides the
    emergency location an assignment carries (Teams' location id for it, its pool)."""
    return {
        "id": number.id,
        "e164": number.number,
        "ext": number.extension,
        "label": number.label,
        "location_id": number.emergency_location_id,
        "pool": number.pool,
    }


def number_key(state: dict[str, Any]) -> tuple[str, str]:
    return (state["e164"], state.get("ext", ""))


def account_view(account: TeamsAccount) -> AccountView:
    kind = RESOURCE_ACCOUNT if account.account_type is AccountType.RESOURCE_ACCOUNT else "user"
    return AccountView(account.id, account.label, account.upn, kind, account.voice_routing_policy)


def account_from_state(raw: dict[str, Any]) -> AccountView:
    return AccountView(raw["id"], raw["name"], raw.get("upn"), raw["kind"], raw.get("policy"))


def account_to_state(account: AccountView) -> dict[str, Any]:
    return {"id": account.id, "name": account.name, "upn": account.upn, "kind": account.kind, "policy": account.policy}


def assignee_of(account: AccountView) -> Assignee:
    kind = AccountType.RESOURCE_ACCOUNT if account.kind == RESOURCE_ACCOUNT else AccountType.USER
    return Assignee(account.id, account.upn, account.name, kind)


def in_words(field: str, value: str | None) -> str:
    """A field's value as the operator reads it: Graph's `directRouting` is Direct Routing, `activated`
    active; anything else as it is, and nothing as a dash."""
    if not value:
        return "-"
    if field == "number type" and value in {t.value for t in NumberType}:
        return NumberType(value).label
    if field == "Teams state":
        state = activation_state_of(value)
        return state.label if state is not None else value
    return value


def change_view(stored: StoredChange) -> ChangeView:
    change = stored.change
    if change.category == "add":
        proposal = change.proposal
        status = proposal.status.value if proposal.status else "?"
        holder = (
            f" - {proposal.assignee_name or proposal.assignee_upn or proposal.assignee_id}"
            if proposal.assignee_id
            else ""
        )
        policy = f", policy {proposal.voice_routing_policy}" if proposal.voice_routing_policy else ""
        lines = [f"{status}{holder}{policy} ({proposal.number_type.label})"]
    else:
        lines = [f"{name}: {in_words(name, old)} -> {in_words(name, new)}" for name, old, new in change.fields]
    return ChangeView(change.label, change.kind, lines or ["(no field changes)"], change.note)


def diff_view(preview: SyncPreview, local: LocalTime = UTC_TIME) -> DiffView:
    return DiffView(
        counts=dict(preview.run.counts),
        preview={category: [change_view(c) for c in changes] for category, changes in preview.preview.items()},
        tenant=preview.run.tenant,
        expires=local.at(preview.run.expires_at, date=False),
    )
