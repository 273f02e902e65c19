"""The number picker: only available numbers, searchable, paged; picking one holds it for the flow."""

from __future__ import annotations

from cards.elements import (
    ACCENT,
    GOOD,
    Card,
    Element,
    action_set,
    card,
    columns,
    container,
    counted,
    execute,
    heading,
    input_text,
    notice,
    text,
)
from cards.views import FlowRef, NumberView, PageView


def picker_card(
    flow: FlowRef,
    page: PageView,
    *,
    title: str,
    step: str,
    message: str | None = None,
    note: str | None = None,
    allow_back: bool = False,
) -> Card:
    """`message` is a problem to fix (highlighted); `note` is good news, such as what a sync committed."""
    body = heading(title, step)
    if message:
        body.append(notice(message))
    if note:
        body.append(text(note, color=GOOD, size="Small"))
    body.append(
        columns(
            (
                [
                    input_text(
                        "search",
                        label="Search available numbers",
                        value=page.search,
                        placeholder="digits, location, range or carrier",
                    )
                ],
                "stretch",
            ),
            ([action_set([execute("Search", "picker.search", flow.data())])], "auto"),
        )
    )
    if not page.numbers:
        body.append(text("No available numbers match. Try other digits, or import a range.", weight="Bolder"))
    else:
        how_many = counted(page.total, capped=page.total_capped)
        body.append(text(f"{how_many} available - page {page.page}", subtle=True, size="Small"))
        body.extend(_row(flow, number) for number in page.numbers)
    # Paging moves through the list and sits with it; Back (the previous step) and Cancel end the card, so
    # "next page" and "next step" can never be mistaken for each other.
    pages = []
    if page.has_previous:
        pages.append(execute("Previous page", "picker.previous", flow.data()))
    if page.has_next:
        pages.append(execute("Next page", "picker.next", flow.data()))
    if pages:
        body.append(action_set(pages))
    actions = [execute("Back", "back", flow.data())] if allow_back else []
    actions.append(execute("Cancel", "cancel", flow.data()))
    return card(body, actions)


def _row(flow: FlowRef, number: NumberView) -> Element:
    where = " - ".join(part for part in (number.location, number.range_label, number.carrier) if part)
    return container(
        [
            columns(
                (
                    [
                        text(f"**{number.label}**", color=ACCENT),
                        text(where or number.number_type, subtle=True, size="Small", spacing="None"),
                    ],
                    "stretch",
                ),
                ([action_set([execute("Pick", "picker.pick", flow.data(number=number.id))])], "auto"),
            )
        ],
        separator=True,
    )
