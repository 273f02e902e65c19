"""The `numbers` card: a searchable, paged list of the inventory with each number's status."""

from __future__ import annotations

from cards.elements import (
    ACCENT,
    GOOD,
    SUBTLE,
    Card,
    card,
    choice_set,
    columns,
    container,
    counted,
    execute,
    heading,
    input_text,
    plural,
    text,
)
from cards.views import FlowRef, PageView

# Amber text is hard to read on the light theme: reserved and quarantined say so in the theme's own colour.
STATUS_COLORS = {"available": GOOD, "used": ACCENT, "blocked": SUBTLE}
STATUS_FILTERS = [
    ("Any status", "any"),
    ("Available", "available"),
    ("Used", "used"),
    ("Reserved", "reserved"),
    ("Quarantined", "quarantined"),
    ("Blocked", "blocked"),
]


def _matches(page: PageView) -> str:
    if page.total_capped:
        return f"{counted(page.total, capped=True)} matches"
    return plural(page.total, "match", "matches")


def numbers_card(flow: FlowRef, page: PageView, *, tenant: str, status: str) -> Card:
    body = heading("Numbers", f"Tenant {tenant}: {_matches(page)} - page {page.page}")
    body.append(
        columns(
            (
                [input_text("search", label="Search", value=page.search, placeholder="digits or text")],
                "stretch",
            ),
            ([choice_set("status", label="Status", choices=STATUS_FILTERS, value=status)], "auto"),
        )
    )
    for number in page.numbers:
        where = " - ".join(p for p in (number.location, number.range_label, number.carrier) if p)
        who = number.holder or ""
        body.append(
            container(
                [
                    columns(
                        (
                            [text(f"**{number.label}**"), text(where, subtle=True, size="Small", spacing="None")],
                            "stretch",
                        ),
                        (
                            [
                                text(number.status, color=STATUS_COLORS.get(number.status)),
                                text(who, size="Small", spacing="None"),
                            ],
                            "auto",
                        ),
                    )
                ],
                separator=True,
            )
        )
    if not page.numbers:
        body.append(text("Nothing matches.", weight="Bolder"))
    actions = [execute("Search", "numbers.search", flow.data(), style="positive")]
    if page.has_previous:
        actions.append(execute("Previous", "numbers.previous", flow.data()))
    if page.has_next:
        actions.append(execute("Next", "numbers.next", flow.data()))
    return card(body, actions)
