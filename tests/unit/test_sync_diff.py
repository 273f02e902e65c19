"""The pure sync diff: what counts as an add, an update, drift, and what is left alone."""

from __future__ import annotations

import dataclasses

from inventory.model import AccountType, NumberStatus, NumberType
from inventory.ports.phone_system import TeamsAccount, TeamsAssignmentStatus, TeamsNumber, TeamsSnapshot
from inventory.sync.changes import LocalNumber
from inventory.sync.diff import compute_diff

ADELE = TeamsAccount("obj-adele", "adele@contoso.test", "Adele Vance", AccountType.USER)


def teams_number(number: str, holder: str | None = None) -> TeamsNumber:
    status = TeamsAssignmentStatus.USER_ASSIGNED if holder else TeamsAssignmentStatus.UNASSIGNED
    return TeamsNumber(number, NumberType.DIRECT_ROUTING, status, holder_id=holder)


def local(number: str, status: NumberStatus, holder: str | None = None, row_id: int = 1) -> LocalNumber:
    return LocalNumber(
        row_id,
        number,
        status,
        3,
        holder,
        None,
        "Adele Vance" if holder else None,
        None,
        NumberType.DIRECT_ROUTING,
        None,
        None,
    )


def test_a_number_with_a_teams_operation_in_flight_is_not_drift() -> None:
    snapshot = TeamsSnapshot([teams_number("+12065550100", "obj-adele")], {ADELE.id: ADELE})
    held_by_our_flow = local("+12065550100", NumberStatus.RESERVED)
    assert compute_diff([held_by_our_flow], snapshot).count("drift") == 1
    quiet = compute_diff([held_by_our_flow], snapshot, in_flight=frozenset({"+12065550100"}))
    assert (quiet.changes, quiet.unchanged) == ([], 1)


def test_a_used_number_teams_forgot_is_drift_unless_an_unassign_is_in_flight() -> None:
    snapshot = TeamsSnapshot([], {})
    used = local("+12065550101", NumberStatus.USED, holder="obj-adele")
    assert [c.kind for c in compute_diff([used], snapshot).changes] == ["release"]
    assert compute_diff([used], snapshot, in_flight=frozenset({"+12065550101"})).changes == []


def test_the_same_number_and_holder_reported_twice_is_one_number() -> None:
    twice = [teams_number("+12065550102", "obj-adele"), teams_number("+12065550102", "obj-adele")]
    diff = compute_diff([], TeamsSnapshot(twice, {ADELE.id: ADELE}))
    assert [(c.category, c.kind) for c in diff.changes] == [("add", "new")]


def test_a_number_reported_on_two_holders_is_flagged_and_changes_nothing() -> None:
    bob = TeamsAccount("obj-bob", "bob@contoso.test", "Bob Kelly", AccountType.USER)
    twice = [teams_number("+12065550103", "obj-adele"), teams_number("+12065550103", "obj-bob")]
    [change] = compute_diff([], TeamsSnapshot(twice, {ADELE.id: ADELE, bob.id: bob})).changes
    assert (change.category, change.kind, change.proposal.status) == ("drift", "double", None)
    assert "Adele Vance" in (change.note or "")
    assert "Bob Kelly" in (change.note or "")


def test_an_emergency_location_teams_moved_is_an_update_of_that_field() -> None:
    moved = dataclasses.replace(teams_number("+12065550104", "obj-adele"), location_id="loc-redmond")
    row = dataclasses.replace(
        local("+12065550104", NumberStatus.USED, holder="obj-adele"), emergency_location_id="loc-sea"
    )

    [change] = compute_diff([row], TeamsSnapshot([moved], {ADELE.id: ADELE})).changes

    assert (change.category, change.kind) == ("update", "fields")
    assert ("emergency location", "loc-sea", "loc-redmond") in change.fields
    assert change.proposal.emergency_location_id == "loc-redmond"
