"""Which history changes can be reverted, and when a revert is refused. Pure."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from inventory.audit import AuditEvent
from inventory.errors import TransitionRefused
from inventory.model import AccountType, Assignee, NumberStatus, PhoneNumber
from inventory.revert import RevertKind, plan_revert, revert_kind

AT = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
ADELE = {"assignee_id": "obj-adele", "assignee_upn": "adele@contoso.test", "assignee_name": "Adele Vance"}


def event(action: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> AuditEvent:
    return AuditEvent("contoso", AT, "obj-olivia", "olivia", action, "c-1", "+12065550100", "", before, after, id=7)


def used(**extra: Any) -> dict[str, Any]:
    return {"status": "used", **ADELE, "version": 2, **extra}


def number(status: NumberStatus, version: int) -> PhoneNumber:
    holder = Assignee("obj-adele", "adele@contoso.test", "Adele Vance") if status is NumberStatus.USED else None
    return PhoneNumber("contoso", "+12065550100", status=status, assignee=holder, version=version)


def test_an_assignment_and_a_sync_that_found_one_are_reverted_by_removing_the_number() -> None:
    assert revert_kind(event("assign", {"status": "available", "version": 1}, used())) is RevertKind.UNASSIGN
    assert revert_kind(event("sync", {"status": "available", "version": 1}, used())) is RevertKind.UNASSIGN


def test_a_removal_is_reverted_by_giving_the_number_back_with_its_policy() -> None:
    removal = event("unassign", used(voice_routing_policy="US-Local"), {"status": "quarantined", "version": 3})
    plan = plan_revert(removal, number(NumberStatus.QUARANTINED, 3))
    assert plan.kind is RevertKind.ASSIGN
    assert plan.holder.id == "obj-adele"
    assert plan.policy == "US-Local"
    assert plan.before == "used by Adele Vance with US-Local"
    assert plan.after == "quarantined"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ({"status": "available", "version": 1}, {"status": "reserved", "version": 2}),  # a hold
        (used(), {**used(), "assignee_id": "obj-bob", "assignee_name": "Bob", "version": 3}),  # a swap
        (None, {"status": "available", "version": 1}),  # an add
    ],
)
def test_changes_no_single_teams_operation_undoes_have_no_revert(
    before: dict[str, Any] | None, after: dict[str, Any]
) -> None:
    assert revert_kind(event("x", before, after)) is None
    with pytest.raises(TransitionRefused, match="Only a change that gave a number to someone"):
        plan_revert(event("x", before, after), number(NumberStatus.AVAILABLE, 1))


def test_a_number_that_changed_since_is_refused() -> None:
    assignment = event("assign", {"status": "available", "version": 1}, used())
    with pytest.raises(TransitionRefused, match=r"has changed since .*available now"):
        plan_revert(assignment, number(NumberStatus.AVAILABLE, 3))


def test_a_number_gone_from_the_inventory_is_refused() -> None:
    with pytest.raises(TransitionRefused, match="no longer in the inventory"):
        plan_revert(event("assign", {"status": "available", "version": 1}, used()), None)


def test_a_number_an_unresolved_account_held_is_not_given_back_to_it() -> None:
    unresolved = used(assignee_type=AccountType.UNRESOLVED.value, assignee_upn=None, assignee_name=None)
    removal = event("sync", unresolved, {"status": "available", "version": 3})
    with pytest.raises(TransitionRefused, match="could not resolve"):
        plan_revert(removal, number(NumberStatus.AVAILABLE, 3))
