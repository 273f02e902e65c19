"""Admin cards: deleting a tenant's local inventory (typed confirmation) and range imports."""

from __future__ import annotations

from cards.elements import ATTENTION, Card, card, execute, facts, heading, input_text, text
from cards.views import FlowRef


def delete_inventory_card(flow: FlowRef, *, tenant: str, count: int, message: str | None = None) -> Card:
    body = heading("Delete the local inventory", f"Tenant {tenant}")
    body.append(
        text(
            f"This deletes all {count:,} numbers of {tenant} from Switchboard's inventory. Teams is not "
            "touched, and the audit trail keeps every deleted number.",
            color=ATTENTION,
        )
    )
    if message:
        body.append(text(message, color=ATTENTION, weight="Bolder"))
    body.append(input_text("confirm", label=f"Type {tenant} to confirm", placeholder=tenant, max_length=64))
    return card(
        body,
        [
            execute("Delete", "delete.confirm", flow.data(), style="destructive"),
            execute("Cancel", "cancel", flow.data()),
        ],
    )


def import_result_card(
    *, tenant: str, range_label: str, added: int, existing: int, fields: list[tuple[str, str]]
) -> Card:
    body = heading("Range imported", f"Tenant {tenant}")
    body.append(facts([("Range", range_label), ("Added", f"{added:,}"), ("Already there", f"{existing:,}"), *fields]))
    return card(body)
