"""The `history` card: who held a number when, who changed it, from what to what. Newest first, paged."""

from __future__ import annotations

from dataclasses import dataclass

from cards.elements import Card, action_set, card, container, execute, heading, text
from cards.views import FlowRef


@dataclass(frozen=True)
class EventView:
    when: str  # 2026-11-24 14:03 UTC
    action: str
    number: str
    operator: str
    changes: list[str]  # "status: available -> used", "holder: - -> Adele Vance"
    revert_id: int | None = None  # set when the viewer may revert this change: the event's id


def history_card(
    flow: FlowRef, *, subject: str, events: list[EventView], page: int, has_previous: bool, has_next: bool
) -> Card:
    body = heading(f"History of {subject}", f"Newest first - page {page}")
    if not events:
        body.append(text("No changes recorded."))
    for event in events:
        lines = [
            text(f"**{event.when}** - {event.action} - {event.number}", spacing="Small"),
            text(f"by {event.operator}", subtle=True, size="Small", spacing="None"),
        ]
        lines.extend(text(change, size="Small", spacing="None") for change in event.changes)
        if event.revert_id is not None:
            lines.append(action_set([execute("Revert", "history.revert", flow.data(event=event.revert_id))]))
        body.append(container(lines, separator=True))
    actions = []
    if has_previous:
        actions.append(execute("Newer", "history.newer", flow.data()))
    if has_next:
        actions.append(execute("Older", "history.older", flow.data()))
    return card(body, actions)


def choose_subject_card(flow: FlowRef, *, query: str, choices: list[tuple[str, str]]) -> Card:
    body = heading("History", f"Several people match '{query}' - whose history?")
    actions = [execute(title, "history.pick", flow.data(account=value)) for title, value in choices[:6]]
    return card(body, actions)
