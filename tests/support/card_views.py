"""View models shaped like the ones the bot passes to the card builders (bot/flows/view_models.py), and the
largest sizes the bot asks a card to draw, for the card tests."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.flows import browse, bulk_views, history, picker
from cards.views import AccountView, FlowRef, NumberView, PageView
from inventory.sync import runs

# The most a card is asked to show at once: the limits tests draw exactly these, so a bigger page fails them.
BROWSE_PAGE = browse.PAGE_SIZE
PICKER_PAGE = picker.PAGE_SIZE
HISTORY_PAGE = history.PAGE_SIZE
PLAN_PAGE = bulk_views.PLAN_PAGE
PREVIEW_SIZE = runs.PREVIEW_SIZE  # changes per category on the sync review
SEARCH_LIMIT = 25  # accounts an assign or bulk search offers (`limit=25` in bot/flows/assign.py and bulk.py)

FLOW = FlowRef("0f8fad5b-d9cb-469f-a165-70867728950e", 7)
TENANT = "contoso"

_PEOPLE = ("Adele Vance", "Megan Bowen", "Alex Wilber", "Diego Siciliani", "Lynne Robbins", "Nestor Wilke")


def number(index: int = 0, **changes: Any) -> NumberView:
    """An available Direct Routing number in Seattle, as `number_view` draws one."""
    view = NumberView(
        id=1000 + index,
        label=f"+1 206 555 {index:04d}",
        status="available",
        number_type="directRouting",
        location="Seattle",
        range_label="Seattle HQ",
        carrier="Contoso Telecom",
    )
    return replace(view, **changes)


def account(index: int = 0, **changes: Any) -> AccountView:
    """A user of the tenant, as `account_view` draws one."""
    name = _PEOPLE[index % len(_PEOPLE)] + (f" {index}" if index >= len(_PEOPLE) else "")
    upn = name.lower().replace(" ", ".") + "@contoso.com"
    view = AccountView(f"aaaaaaaa-0000-4000-8000-{index:012d}", name, upn, "user", "US-Local")
    return replace(view, **changes)


def page(
    numbers: list[NumberView],
    *,
    total: int | None = None,
    at: int = 1,
    previous: bool = False,
    more: bool = False,
    search: str = "",
    capped: bool = False,
) -> PageView:
    """A page as `page_of` draws it: `at` is 1-based, `more` says there is a next page, `capped` that
    counting stopped at `total`."""
    return PageView(numbers, len(numbers) if total is None else total, at, previous, more, search, capped)


def long_text(start: str, length: int) -> str:
    """`start`, padded with plausible words to exactly `length` characters."""
    filler = " Montgomery-Vance de la Fontaine, Facilities and Workplace, Building 4 East"
    text = start
    while len(text) < length:
        text += filler
    return text[:length]


LONG_NAME = 64  # characters: longer than the display names of any demo or customer tenant we know
LONG_UPN = 80
LONG_POLICY = 48
LONG_NOTE = 300  # Teams' own words are quoted up to 300 characters (inventory/teams/graph_errors.py)


def long_account(index: int) -> AccountView:
    return AccountView(
        f"aaaaaaaa-0000-4000-8000-{index:012d}",
        long_text(f"Person {index:02d}", LONG_NAME),
        long_text(f"person{index:02d}.", LONG_UPN - len("@contoso.onmicrosoft.com")) + "@contoso.onmicrosoft.com",
        "user",
        long_text("US-WA-Seattle-Local", LONG_POLICY),
    )


def long_number(index: int) -> NumberView:
    return number(
        index,
        holder=long_text(f"Person {index:02d}", LONG_NAME),
        policy=long_text("US-WA-Seattle-Local", LONG_POLICY),
        location=long_text("Seattle", 48),
        range_label=long_text("Seattle HQ range", 48),
        carrier=long_text("Contoso Telecom", 32),
    )
