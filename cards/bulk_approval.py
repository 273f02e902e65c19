"""The bulk approval card (four eyes for bulk assign): one message in the thread that shows each viewer
their own view, as the number request card does. While it waits, the card carries a `refresh` (verb
`bulk_approval.refresh`) for the approvers' and the asker's Teams ids: approvers see Approve and Reject, the
asker "waiting for another operator". Pure: a view model in, a card dict out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cards.elements import Card, Element, card, execute, heading, notice, text
from cards.requests import MAX_REFRESH_USERS, Viewer

TITLE = "Bulk assignment for approval"


@dataclass(frozen=True)
class BulkApprovalView:
    flow_id: str
    version: int
    tenant: str  # its display name
    asker: str
    rows: tuple[tuple[str, str, str], ...]  # person, number, policy


def bulk_approval_card(
    view: BulkApprovalView, *, viewer: Viewer, refresh_for: Sequence[str] = (), message: str | None = None
) -> Card:
    """The plan waiting for a second person, as `viewer` sees it."""
    body: list[Element] = [notice(message)] if message else []
    body += heading(TITLE, f"{len(view.rows)} assignments in {view.tenant}, asked by {view.asker}")
    for person, number, policy in view.rows:
        body.append(text(f"**{person}** - {number} - {policy}", spacing="Small"))
    actions: list[Element] = []
    data = {"flow": view.flow_id, "v": view.version}
    if viewer is Viewer.APPROVER:
        body.append(text("Approve runs the plan in Teams and shows each person's result here.", wrap=True))
        actions = [
            execute("Approve", "bulk_approval.approve", data, style="positive"),
            execute("Reject", "bulk_approval.reject", data, style="destructive"),
        ]
    elif viewer is Viewer.REQUESTER:
        body.append(text("Waiting for another operator or admin to approve; you cannot approve your own.", wrap=True))
    else:
        body.append(text("Waiting for an approver of the tenant (four eyes).", wrap=True, subtle=True))
    result = card(body, actions)
    if refresh_for:
        refresh = execute("Refresh", "bulk_approval.refresh", {"flow": view.flow_id})
        del refresh["title"]
        result["refresh"] = {"action": refresh, "userIds": list(dict.fromkeys(refresh_for))[:MAX_REFRESH_USERS]}
    return result
