"""Sync cards: progress while fetching, the diff to review before anything is applied, and the commit summary."""

from __future__ import annotations

from cards.elements import (
    ACCENT,
    GOOD,
    SUBTLE,
    WARNING,
    Card,
    Element,
    card,
    coloured,
    columns,
    container,
    execute,
    facts,
    heading,
    notice,
    plural,
    text,
)
from cards.views import ChangeView, DiffView, FlowRef

_CATEGORY_LOOK = {
    "add": ("To add", GOOD),
    "update": ("To update", ACCENT),
    "drift": ("Drift - look before you commit", WARNING),
}


def progress_card(title: str, *, step: str, pages: int = 0, items: int = 0, what: str = "numbers") -> Card:
    """Step 1 of the picker: syncing from Teams, with pages and numbers so far."""
    detail = f"{items:,} {what} read in {plural(pages, 'page')} so far" if pages else "Asking Teams for every number..."
    return card([*heading(title, step), text(detail), text("This card updates by itself.", subtle=True)])


def diff_card(flow: FlowRef, diff: DiffView, *, title: str, step: str) -> Card:
    """Step 2: what Teams says that the inventory does not, by category, with Commit and Cancel."""
    counts = diff.counts
    body = heading(title, step)
    body.append(
        columns(
            ([_count("To add", counts.get("add", 0), GOOD)], "stretch"),
            ([_count("To update", counts.get("update", 0), ACCENT)], "stretch"),
            ([_count("Unchanged", counts.get("unchanged", 0), SUBTLE)], "stretch"),
            ([_count("Drift", counts.get("drift", 0), WARNING)], "stretch"),
        )
    )
    for category, (label, color) in _CATEGORY_LOOK.items():
        shown = diff.preview.get(category, [])
        if shown:
            body.append(_category(label, color, shown, counts.get(category, 0)))
    body.append(text(f"Commit changes the {diff.tenant} inventory.", size="Small"))
    body.append(text(f"This review is valid until {diff.expires}.", subtle=True, size="Small"))
    actions = [
        execute("Commit", "sync.commit", flow.data(), style="positive"),
        execute("Cancel", "cancel", flow.data()),
    ]
    if counts.get("drift"):
        actions.insert(1, execute("Commit all but drift", "sync.commit_safe", flow.data()))
    return card(body, actions)


def _count(label: str, value: int, color: str) -> Element:
    number = text(f"{value:,}", size="ExtraLarge", weight="Bolder", color=None if color == WARNING else color)
    return container([number, text(label, subtle=True)], style="warning" if color == WARNING and value else None)


def _category(label: str, color: str, changes: list[ChangeView], total: int) -> Element:
    items: list[Element] = [coloured(label, color, weight="Bolder")]
    for change in changes:
        items.append(text(f"**{change.number}** - " + "; ".join(change.lines), spacing="Small"))
        if change.note:
            items.append(text(change.note, subtle=True, size="Small", spacing="None"))
    if total > len(changes):
        items.append(text(f"...and {total - len(changes):,} more", subtle=True))
    return container(items, separator=True)


def commit_summary_card(
    *, title: str, applied: dict[str, int], skipped: list[str], flagged: int, committed_by: str, again: bool
) -> Card:
    body = heading(title, "Already committed by " + committed_by if again else f"Committed by {committed_by}")
    body.append(
        facts(
            [
                ("Added", f"{applied.get('add', 0):,}"),
                ("Updated", f"{applied.get('update', 0):,}"),
                ("Drift applied", f"{applied.get('drift', 0):,}"),
            ]
        )
    )
    if flagged:
        body.append(
            notice(
                f"{plural(flagged, 'number is', 'numbers are')} on two accounts in Teams; "
                "fix them there and sync again."
            )
        )
    if skipped:
        body.append(notice(f"Skipped {plural(len(skipped), 'change')} that changed after the review:"))
        body.extend(text(line, size="Small", spacing="None") for line in skipped[:10])
        if len(skipped) > 10:
            body.append(text(f"...and {len(skipped) - 10} more", subtle=True))
    return card(body)
