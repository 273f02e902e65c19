"""CSV in the chat: the preview of a file the admin sent (what it would add, update, leave, and refuse),
and the export's wording. The file itself travels as Teams' file cards, built in `bot.files`."""

from __future__ import annotations

from dataclasses import dataclass

from cards.elements import ATTENTION, Card, card, execute, facts, heading, notice, text
from cards.views import FlowRef

TITLE = "Import a CSV"
_SHOWN_PROBLEMS = 15


@dataclass(frozen=True)
class CsvPreviewView:
    file_name: str
    tenant: str
    add: int
    update: int
    unchanged: int
    invalid: list[str]  # "line 7: '+1 555' has the wrong number of digits"
    new_pools: list[str]


def _count(value: int, one: str, many: str) -> str:
    return f"{value:,} {one if value == 1 else many}"


def csv_preview_card(flow: FlowRef, view: CsvPreviewView) -> Card:
    body = heading(TITLE, f"{view.file_name} - tenant {view.tenant}")
    body.append(
        facts(
            [
                ("To add", f"{view.add:,}"),
                ("To update", f"{view.update:,}"),
                ("Unchanged", f"{view.unchanged:,}"),
                ("Invalid", f"{len(view.invalid):,}"),
            ]
        )
    )
    if view.new_pools:
        body.append(
            notice(f"New pools: {', '.join(view.new_pools[:10])}. Check the spelling: a typo makes a pool of its own.")
        )
    if view.invalid:
        body.append(text("These lines are not imported:", weight="Bolder"))
        body.extend(text(problem, size="Small", spacing="None") for problem in view.invalid[:_SHOWN_PROBLEMS])
        if len(view.invalid) > _SHOWN_PROBLEMS:
            body.append(text(f"...and {len(view.invalid) - _SHOWN_PROBLEMS:,} more", subtle=True, size="Small"))
    actions = []
    changes = view.add + view.update
    if changes:
        title = "Import" if not view.invalid else f"Import the {_count(changes, 'valid change', 'valid changes')}"
        actions.append(execute(title, "csv.import", flow.data(), style="positive"))
    else:
        body.append(text("Nothing in this file would change the inventory.", subtle=True))
    actions.append(execute("Cancel", "cancel", flow.data()))
    return card(body, actions)


def csv_unreadable_card(*, file_name: str, reason: str, problems: list[str]) -> Card:
    body = heading(TITLE, file_name)
    body.append(text(reason, color=ATTENTION, weight="Bolder"))
    body.extend(text(problem, size="Small", spacing="None") for problem in problems[:_SHOWN_PROBLEMS])
    body.append(text("Nothing was imported. Fix the file and send it again.", subtle=True))
    return card(body)


def csv_imported_card(*, file_name: str, tenant: str, added: int, updated: int, skipped: int, reference: str) -> Card:
    body = heading("CSV imported", f"{file_name} - tenant {tenant}")
    body.append(facts([("Added", f"{added:,}"), ("Updated", f"{updated:,}"), ("Not imported", f"{skipped:,}")]))
    body.append(text(f"Reference: {reference}", subtle=True, size="Small"))
    return card(body)


def export_offer_card(*, tenant: str, search: str, count: int) -> Card:
    what = f"matching '{search}'" if search else "in the inventory"
    body = heading("Export", f"Tenant {tenant}")
    body.append(
        text(f"{_count(count, 'number', 'numbers')} {what}. Allow the file below and Teams saves it to your OneDrive.")
    )
    return card(body)


def export_done_card(*, file_name: str, count: int) -> Card:
    return card([*heading("Export", "Saved"), text(f"{file_name}: {_count(count, 'number', 'numbers')}.")])
