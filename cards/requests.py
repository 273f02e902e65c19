"""The number request card: one message in the thread that shows each viewer their own view.

Universal Actions: while the request is pending the card carries a `refresh` (verb `request.refresh`) for the
approvers' and the requester's Teams ids, so each of their clients asks the bot for their view: approvers
get Approve, Change number and Reject; the requester "waiting for approval"; anyone else the plain card.
Once decided, one card for everyone shows the outcome. Pure: a view model in, a card dict out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from cards.elements import (
    ACCENT,
    ATTENTION,
    GOOD,
    WARNING,
    Card,
    Element,
    card,
    execute,
    facts,
    heading,
    input_text,
    notice,
    text,
)

MAX_REFRESH_USERS = 60  # Teams refreshes a card automatically for at most 60 listed users
# While a request waits for an approver, and once it failed (approvers get Retry), each viewer fetches their own.
_OWN_VIEWS = ("pending", "failed")


class Viewer(StrEnum):
    APPROVER = "approver"
    REQUESTER = "requester"
    OTHER = "other"


@dataclass(frozen=True)
class RequestView:
    id: str
    version: int
    status: str  # inventory.requests.RequestStatus values
    requester: str
    for_name: str
    for_upn: str
    number: str  # the held number's label, "" when none
    asked: str  # "pool Sales", "location Seattle" or ""
    note: str
    expires: str
    decided_by: str | None = None
    reason: str | None = None


_OUTCOMES = {
    "approving": ("Approved by {by}: Teams is assigning {number}.", ACCENT),
    "assigned": ("Assigned: {number} now rings {person}. Approved by {by}.", GOOD),
    "rejected": ("Rejected by {by}.", ATTENTION),
    "expired": ("Expired: nobody decided in time, and {number} went back to the pool.", WARNING),
    "failed": ("Approved by {by}, but Teams did not assign {number}.", ATTENTION),
}


def request_card(
    view: RequestView, *, viewer: Viewer, refresh_for: Sequence[str] = (), message: str | None = None
) -> Card:
    """The request as `viewer` sees it. `refresh_for`: the Teams user ids whose clients fetch their own view
    (while the request is pending, and once it failed)."""
    body: list[Element] = []
    if message:
        body.append(notice(message))
    body += heading("Number request", f"for {view.for_name}" + (f" ({view.for_upn})" if view.for_upn else ""))
    pairs = [("Number", view.number or "-"), ("Asked by", view.requester)]
    if view.asked:
        pairs.append(("Asked for", view.asked))
    if view.note:
        pairs.append(("Note", view.note))
    if view.status == "pending":
        pairs.append(("Expires", view.expires))
    body.append(facts(pairs))
    actions: list[Element] = []
    if view.status == "pending":
        body += _pending(view, viewer)
        if viewer is Viewer.APPROVER:
            actions = _approver_actions(view)
    else:
        wording, color = _OUTCOMES.get(view.status, ("{status}", WARNING))
        said = wording.format(by=view.decided_by or "-", number=view.number or "the number", person=view.for_name)
        body.append(text(said, weight="Bolder", color=color))
        if view.reason:
            body.append(text(("Reason: " if view.status == "rejected" else "") + view.reason, wrap=True))
        if view.status == "failed" and viewer is Viewer.APPROVER:
            body.append(
                text(
                    "Retry holds the number again if it is still free (else the next free one) and asks Teams again.",
                    wrap=True,
                    subtle=True,
                )
            )
            actions = [execute("Retry", "request.retry", {"request": view.id, "v": view.version}, style="positive")]
    result = card(body, actions)
    if view.status in _OWN_VIEWS and refresh_for:
        refresh = execute("Refresh", "request.refresh", {"request": view.id})
        del refresh["title"]
        result["refresh"] = {"action": refresh, "userIds": list(dict.fromkeys(refresh_for))[:MAX_REFRESH_USERS]}
    return result


def _pending(view: RequestView, viewer: Viewer) -> list[Element]:
    if viewer is Viewer.REQUESTER:
        return [text("Waiting for approval. You will be told here when an approver decides.", color=ACCENT)]
    if viewer is Viewer.APPROVER:
        return [
            text("You may approve this request: Approve assigns the number now.", color=ACCENT),
            input_text("number", label="Another number (for Change number)", placeholder="+12065550123", max_length=40),
            input_text("reason", label="Reason (for Reject)", placeholder="Why not", max_length=300),
        ]
    return [text("Waiting for an approver.", subtle=True)]


def _approver_actions(view: RequestView) -> list[Element]:
    data = {"request": view.id, "v": view.version}
    return [
        execute("Approve", "request.approve", data, style="positive"),
        execute("Change number", "request.change", data),
        execute("Reject", "request.reject", data, style="destructive"),
    ]
