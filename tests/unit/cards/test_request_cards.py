"""The request card: each viewer's view while pending, one outcome for everyone after, always schema-valid."""

from __future__ import annotations

import dataclasses

from cards.reading import card_text
from cards.requests import MAX_REFRESH_USERS, RequestView, Viewer, request_card
from tests.support.cards import assert_valid_card

PENDING = RequestView(
    id="a" * 32,
    version=3,
    status="pending",
    requester="sam@contoso.test",
    for_name="Adele Vance",
    for_upn="adele@contoso.test",
    number="+1 206 555 0100",
    asked="pool Sales",
    note="new starter",
    expires="2026-12-07 10:00 UTC",
)


def buttons(card: dict[str, object]) -> list[str]:
    return [str(a["title"]) for a in card.get("actions", [])]  # type: ignore[attr-defined]


def test_approvers_get_the_decisions_the_requester_waits_and_others_only_look() -> None:
    approver = request_card(PENDING, viewer=Viewer.APPROVER, refresh_for=["29:megan", "29:sam"])
    requester = request_card(PENDING, viewer=Viewer.REQUESTER, refresh_for=["29:megan", "29:sam"])
    other = request_card(PENDING, viewer=Viewer.OTHER)
    for card in (approver, requester, other):
        assert_valid_card(card)
    assert buttons(approver) == ["Approve", "Change number", "Reject"]
    assert all(a["data"] == {"request": PENDING.id, "v": 3, "verb": a["verb"]} for a in approver["actions"])
    assert buttons(requester) == []
    assert "Waiting for approval" in card_text(requester)
    assert buttons(other) == []
    assert "refresh" not in other
    assert approver["refresh"]["userIds"] == ["29:megan", "29:sam"]
    assert approver["refresh"]["action"]["verb"] == "request.refresh"


def test_a_decided_request_shows_everyone_the_outcome_and_asks_for_no_refresh() -> None:
    rejected = dataclasses.replace(PENDING, status="rejected", decided_by="megan@contoso.test", reason="shared line")
    card = request_card(rejected, viewer=Viewer.APPROVER, refresh_for=["29:megan"])
    assert_valid_card(card)
    assert buttons(card) == []
    assert "refresh" not in card
    assert "Rejected by megan@contoso.test" in card_text(card)
    assert "Reason: shared line" in card_text(card)


def test_the_refresh_lists_at_most_the_users_teams_refreshes_for() -> None:
    many = [f"29:user-{i}" for i in range(100)]
    card = request_card(PENDING, viewer=Viewer.OTHER, refresh_for=many)
    assert len(card["refresh"]["userIds"]) == MAX_REFRESH_USERS
