"""Reverting one change of `history`: which changes can be undone in Teams, and whether this one still can.

A change can be reverted when it moved a number onto a holder (an assignment, or a sync that found Teams
had assigned it) or off one (a removal, or a sync that found Teams had released it): reverting is the
opposite Teams operation, with the holder and policy the audit kept. Anything else (a pool, a
reservation, a swap between two holders) has no single Teams operation that undoes it. A change is only
reverted while the number is still exactly as that change left it (its version): once something else
happened to it, reverting would undo more than the operator saw. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from inventory.audit import AuditEvent
from inventory.e164 import display_number
from inventory.errors import TransitionRefused
from inventory.model import AccountType, Assignee, NumberStatus, PhoneNumber

_USED = NumberStatus.USED.value


class RevertKind(StrEnum):
    UNASSIGN = "unassign"  # the change gave the number to someone: take it back in Teams
    ASSIGN = "assign"  # the change took it from someone: give it back, with the policy it had


@dataclass(frozen=True)
class RevertPlan:
    event_id: int
    kind: RevertKind
    number: str
    extension: str
    holder: Assignee  # who loses the number (UNASSIGN) or gets it back (ASSIGN)
    policy: str | None  # for ASSIGN: the policy the holder had before the change
    before: str  # the change's before-state in words, which reverting restores
    after: str  # the state the change left, which is the number's state now

    @property
    def label(self) -> str:
        return display_number(self.number, self.extension)


def revert_kind(event: AuditEvent) -> RevertKind | None:
    """What reverting `event` would do in Teams, or None when no single operation undoes it."""
    before, after = event.before or {}, event.after or {}
    if not event.number or not before or not after:
        return None  # an add or a delete: nothing in Teams to undo
    was_used, is_used = before.get("status") == _USED, after.get("status") == _USED
    if is_used and not was_used and _holder(after) is not None:
        return RevertKind.UNASSIGN
    if was_used and not is_used and _holder(before) is not None:
        return RevertKind.ASSIGN
    return None


def plan_revert(event: AuditEvent, current: PhoneNumber | None) -> RevertPlan:
    """The revert of `event`, or TransitionRefused saying why it can no longer be done."""
    kind = revert_kind(event)
    label = display_number(event.number or "", event.extension or "")
    if kind is None or event.id is None:
        raise TransitionRefused(
            "Only a change that gave a number to someone or took it from someone can be reverted: "
            "assignments, removals and the sync changes that found them in Teams."
        )
    if current is None:
        raise TransitionRefused(f"{label} is no longer in the inventory, so there is nothing to revert.")
    before, after = event.before or {}, event.after or {}
    if current.version != after.get("version"):
        raise TransitionRefused(
            f"{label} has changed since (it is {_state_words(current)} now, last by "
            f"{current.last_modified_by or 'someone'}); only its newest change can be reverted."
        )
    holder = _holder(after if kind is RevertKind.UNASSIGN else before)
    assert holder is not None  # revert_kind found one
    if kind is RevertKind.ASSIGN and holder.unresolved:
        raise TransitionRefused(
            f"{label} was held by an account Teams could not resolve ({holder.id}); it cannot be given back to it."
        )
    return RevertPlan(
        event.id,
        kind,
        current.number,
        current.extension,
        holder,
        before.get("voice_routing_policy") if kind is RevertKind.ASSIGN else None,
        _snapshot_words(before),
        _snapshot_words(after),
    )


def _holder(snapshot: dict[str, Any]) -> Assignee | None:
    account_id = snapshot.get("assignee_id")
    if not account_id:
        return None
    try:
        account_type = AccountType(snapshot.get("assignee_type") or AccountType.USER.value)
    except ValueError:
        account_type = AccountType.USER
    upn = snapshot.get("assignee_upn")
    return Assignee(account_id, upn, snapshot.get("assignee_name") or upn or account_id, account_type)


def _snapshot_words(snapshot: dict[str, Any]) -> str:
    status = str(snapshot.get("status", "unknown"))
    holder = snapshot.get("assignee_name") or snapshot.get("assignee_upn")
    policy = snapshot.get("voice_routing_policy")
    if status == _USED:
        return f"used by {holder or 'someone'}" + (f" with {policy}" if policy else "")
    return status


def _state_words(number: PhoneNumber) -> str:
    if number.status is NumberStatus.USED and number.assignee:
        return f"used by {number.assignee.label}"
    return number.status.value
