"""Every lifecycle transition, allowed and refused, with the sentence an operator reads."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from inventory import model, transitions
from inventory.errors import TransitionRefused
from inventory.model import Assignee, Hold, NumberStatus, PhoneNumber
from inventory.transitions import ALLOWED_TRANSITIONS

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
ADELE = Assignee("obj-adele", "adele@contoso.test", "Adele Vance")


def number_in(status: NumberStatus) -> PhoneNumber:
    base = PhoneNumber(tenant="contoso", number="+15551234567", status=status, version=3)
    if status is NumberStatus.USED:
        return dataclasses.replace(base, assignee=ADELE, voice_routing_policy="US-Default")
    if status is NumberStatus.RESERVED:
        return dataclasses.replace(base, hold=Hold("flow-1", "for Bob", NOW + timedelta(minutes=10)))
    if status is NumberStatus.QUARANTINED:
        return dataclasses.replace(base, quarantined_until=NOW + timedelta(days=3))
    return base


Operation = Callable[[PhoneNumber], PhoneNumber]
OPERATIONS: dict[str, Operation] = {
    "assign": lambda n: transitions.assign(
        n, ADELE, policy="US-Default", operator="olivia", now=NOW, hold_owner="flow-1"
    ),
    "release": lambda n: transitions.release(n, operator="olivia", now=NOW),
    "hold": lambda n: transitions.hold(n, Hold("flow-2", "", NOW + timedelta(minutes=10)), operator="olivia", now=NOW),
    "cancel_hold": lambda n: transitions.cancel_hold(n, operator="olivia", now=NOW),
    "end_quarantine_early": lambda n: transitions.end_quarantine(n, operator="admin", now=NOW, early=True),
    "block": lambda n: transitions.block(n, operator="admin", now=NOW),
    "unblock": lambda n: transitions.unblock(n, operator="admin", now=NOW),
}

# (operation, from status) -> resulting status; every pair not listed must be refused.
EXPECTED: dict[tuple[str, NumberStatus], NumberStatus] = {
    ("assign", NumberStatus.AVAILABLE): NumberStatus.USED,
    ("assign", NumberStatus.RESERVED): NumberStatus.USED,
    ("release", NumberStatus.USED): NumberStatus.AVAILABLE,
    ("hold", NumberStatus.AVAILABLE): NumberStatus.RESERVED,
    ("cancel_hold", NumberStatus.RESERVED): NumberStatus.AVAILABLE,
    ("end_quarantine_early", NumberStatus.QUARANTINED): NumberStatus.AVAILABLE,
    ("block", NumberStatus.AVAILABLE): NumberStatus.BLOCKED,
    ("block", NumberStatus.RESERVED): NumberStatus.BLOCKED,
    ("block", NumberStatus.QUARANTINED): NumberStatus.BLOCKED,
    ("unblock", NumberStatus.BLOCKED): NumberStatus.AVAILABLE,
}
ALL_PAIRS = [(op, status) for op in OPERATIONS for status in NumberStatus]


@pytest.mark.parametrize(("operation", "status"), [p for p in ALL_PAIRS if p in EXPECTED])
def test_an_allowed_transition_moves_the_number_and_records_the_operator(operation: str, status: NumberStatus) -> None:
    after = OPERATIONS[operation](number_in(status))
    assert after.status is EXPECTED[(operation, status)]
    assert after.status in ALLOWED_TRANSITIONS[status]
    assert after.updated_at == NOW
    assert after.last_modified_by in {"olivia", "admin"}


@pytest.mark.parametrize(("operation", "status"), [p for p in ALL_PAIRS if p not in EXPECTED])
def test_a_refused_transition_raises_and_says_why(operation: str, status: NumberStatus) -> None:
    with pytest.raises(TransitionRefused) as refused:
        OPERATIONS[operation](number_in(status))
    assert "+1 555 123 4567" in str(refused.value)


def test_assigning_a_used_number_names_its_holder_and_what_to_do() -> None:
    with pytest.raises(TransitionRefused, match=r"\+1 555 123 4567 is used by Adele Vance; remove it first"):
        OPERATIONS["assign"](number_in(NumberStatus.USED))


def test_assignment_fills_the_holder_and_policy_and_drops_the_hold() -> None:
    after = OPERATIONS["assign"](number_in(NumberStatus.RESERVED))
    assert after.assignee == ADELE
    assert after.voice_routing_policy == "US-Default"
    assert after.hold is None


def test_a_number_held_by_another_flow_cannot_be_assigned() -> None:
    held = number_in(NumberStatus.RESERVED)
    with pytest.raises(TransitionRefused, match="reserved by for Bob"):
        transitions.assign(held, ADELE, policy=None, operator="olivia", now=NOW, hold_owner="flow-9")


def test_an_expired_hold_no_longer_protects_the_number() -> None:
    held = number_in(NumberStatus.RESERVED)
    later = NOW + timedelta(minutes=11)
    after = transitions.assign(held, ADELE, policy=None, operator="olivia", now=later, hold_owner="flow-9")
    assert after.status is NumberStatus.USED


def test_release_clears_holder_and_policy() -> None:
    after = transitions.release(number_in(NumberStatus.USED), operator="olivia", now=NOW)
    assert after.assignee is None
    assert after.voice_routing_policy is None


def test_release_quarantines_when_the_tenant_ages_numbers() -> None:
    after = transitions.release(number_in(NumberStatus.USED), operator="olivia", now=NOW, quarantine_days=30)
    assert after.status is NumberStatus.QUARANTINED
    assert after.quarantined_until == NOW + timedelta(days=30)
    assert after.status in ALLOWED_TRANSITIONS[NumberStatus.USED]


def test_quarantine_ends_by_itself_only_when_its_days_are_over() -> None:
    quarantined = number_in(NumberStatus.QUARANTINED)
    with pytest.raises(TransitionRefused, match="in quarantine until 2026-11-27"):
        transitions.end_quarantine(quarantined, operator="system", now=NOW)
    after = transitions.end_quarantine(quarantined, operator="system", now=NOW + timedelta(days=3))
    assert after.status is NumberStatus.AVAILABLE
    assert after.quarantined_until is None


def test_blocking_keeps_the_reason_in_the_notes() -> None:
    after = transitions.block(number_in(NumberStatus.AVAILABLE), operator="admin", now=NOW, reason="fraud hotline")
    assert after.notes == "fraud hotline"


def test_teams_holder_turns_any_local_status_into_used() -> None:
    for status in NumberStatus:
        after = transitions.observe_teams_holder(number_in(status), ADELE, policy=None, operator="sync", now=NOW)
        assert after.status is NumberStatus.USED
        assert after.hold is None
        assert after.quarantined_until is None


def test_transitions_never_change_the_version_themselves() -> None:
    # Storage bumps the version under its conditional update; a pure rule must not pre-empt it.
    assert OPERATIONS["block"](number_in(NumberStatus.AVAILABLE)).version == 3


def test_number_types_read_graph_powershell_and_short_names() -> None:
    assert model.NumberType.parse("DirectRouting") is model.NumberType.DIRECT_ROUTING
    assert model.NumberType.parse("callingPlan") is model.NumberType.CALLING_PLAN
    assert model.NumberType.parse("oc") is model.NumberType.OPERATOR_CONNECT
    with pytest.raises(ValueError, match="'landline' is not a number type"):
        model.NumberType.parse("landline")
