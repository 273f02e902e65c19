"""Bulk assignment cards: choose people, choose where numbers come from, the plan, confirm, progress,
and the result per person."""

from __future__ import annotations

import json
from dataclasses import dataclass

from cards.elements import (
    ATTENTION,
    GOOD,
    Card,
    Element,
    action_set,
    card,
    choice_set,
    columns,
    container,
    execute,
    heading,
    input_text,
    notice,
    text,
)
from cards.views import AccountView, FlowRef

TITLE = "Bulk assign"
_RESULTS_BUDGET = 26 * 1024  # Teams refuses a message over 28 KB; leave room for the envelope
MAX_PEOPLE = 50
SAME_FOR_ALL = ""


@dataclass(frozen=True)
class PlanRow:
    index: int
    name: str
    number: str | None  # label, or None when no number could be suggested
    policy: str | None  # this person's own policy, None: the policy for all
    replaces: str | None = None  # the numbers the person holds now, which the new one replaces


@dataclass(frozen=True)
class ResultRow:
    name: str
    number: str
    succeeded: bool
    detail: str | None


def people_card(
    flow: FlowRef, *, selected: list[AccountView], choices: list[AccountView], query: str, message: str | None
) -> Card:
    body = heading(TITLE, f"Step 1 of 5 - who ({len(selected)} of at most {MAX_PEOPLE} chosen)")
    if message:
        body.append(notice(message))
    body.append(
        columns(
            (
                [
                    input_text(
                        "people_search",
                        label="Find users or resource accounts",
                        value=query,
                        placeholder="Start of a name or UPN",
                    )
                ],
                "stretch",
            ),
            ([action_set([execute("Find", "bulk.find", flow.data())])], "auto"),
        )
    )
    if choices:
        # A few: plain checkboxes. A ChoiceSet with `choices.data` is drawn as a single-select typeahead by
        # clients that ignore `isMultiSelect` there (the Agents Playground), so only a long list gets one.
        short = len(choices) <= 8
        multi = choice_set(
            "people",
            label="Add these",
            choices=[(a.choice_title, a.id) for a in choices],
            dataset=None if short else "accounts",
        )
        multi["isMultiSelect"] = True
        multi["style"] = "expanded" if short else "filtered"
        body.append(multi)
        body.append(action_set([execute("Add", "bulk.add", flow.data())]))
    if selected:
        body.append(text("Chosen: " + ", ".join(a.name for a in selected), spacing="Medium"))
    actions = [execute("Next", "bulk.next", flow.data(), style="positive")]
    if selected:
        actions.append(execute("Clear", "bulk.clear", flow.data()))
    actions.append(execute("Cancel", "cancel", flow.data()))
    return card(body, actions)


def source_card(
    flow: FlowRef,
    *,
    people: int,
    locations: list[tuple[str, int]],
    pools: list[tuple[str, int]],
    ranges: list[tuple[str, int]],
    message: str | None,
    note: str | None = None,
) -> Card:
    body = heading(TITLE, f"Step 2 of 5 - where the {people} numbers come from")
    if message:
        body.append(notice(message))
    if note:
        body.append(text(note, color=GOOD, size="Small"))
    for input_id, label, options in (
        ("location", "Location", locations),
        ("pool", "Pool", pools),
        ("range", "Range", ranges),
    ):
        choices = [("Any", "")] + [(f"{value} ({count:,} free)", value) for value, count in options]
        # "Any" is the empty value, which a drop-down shows as blank: the placeholder says it.
        body.append(choice_set(input_id, label=label, choices=choices, placeholder="Any"))
    return card(
        body,
        [
            execute("Suggest numbers", "bulk.suggest", flow.data(), style="positive"),
            execute("Cancel", "cancel", flow.data()),
        ],
    )


def plan_card(
    flow: FlowRef,
    *,
    rows: list[PlanRow],
    total: int,
    page: int,
    pages: int,
    policies: list[str],
    policy_for_all: str | None,
    message: str | None,
) -> Card:
    body = heading(TITLE, f"Step 3 of 5 - the plan for {total} people (page {page} of {pages})")
    if message:
        body.append(notice(message))
    if policies:
        body.append(
            choice_set(
                "policy_all",
                label="Voice routing policy for everyone",
                choices=[(p, p) for p in policies],
                value=policy_for_all,
            )
        )
    for row in rows:
        body.append(_plan_row(flow, row, policies))
    actions = []
    if page > 1:
        actions.append(execute("Previous page", "bulk.plan_previous", flow.data()))
    if page < pages:
        actions.append(execute("Next page", "bulk.plan_next", flow.data()))
    actions += [
        execute("Review", "bulk.review", flow.data(), style="positive"),
        execute("Cancel", "cancel", flow.data()),
    ]
    return card(body, actions)


def _plan_row(flow: FlowRef, row: PlanRow, policies: list[str]) -> Element:
    number = row.number or "no number - change it"
    # Change sits under the number, so the policy drop-down gets half the row (a narrow card truncated it).
    who: list[Element] = [
        text(f"**{row.name}**"),
        text(number, color=None if row.number else ATTENTION, spacing="None"),
        *([text(f"replaces {row.replaces}", subtle=True, size="Small", spacing="None")] if row.replaces else []),
        action_set([execute("Change", "bulk.edit", flow.data(row=row.index))]),
    ]
    cells: list[tuple[list[Element], str]] = [(who, "stretch")]
    if policies:
        own = choice_set(
            f"policy_{row.index}",
            label="Policy",
            choices=[("Same as everyone", SAME_FOR_ALL)] + [(p, p) for p in policies],
            value=row.policy or SAME_FOR_ALL,
            placeholder="Same as everyone",  # the empty value shows as blank, as on the source card
        )
        cells.append(([own], "stretch"))
    return container([columns(*cells)], separator=True)


def confirm_card(flow: FlowRef, *, rows: list[tuple[str, str, str]], tenant: str, concurrency: int) -> Card:
    body = heading(TITLE, f"Step 4 of 5 - confirm {len(rows)} assignments in {tenant}")
    for name, number, policy in rows:
        body.append(text(f"**{name}** - {number} - {policy}", spacing="Small"))
    body.append(
        text(f"Switchboard runs up to {concurrency} Teams operations at a time and shows progress here.", subtle=True)
    )
    return card(
        body,
        [
            execute("Assign all", "bulk.run", flow.data(), style="positive"),
            execute("Back", "back", flow.data()),
            execute("Cancel", "cancel", flow.data()),
        ],
    )


def progress_card(*, done: int, total: int, failed: int) -> Card:
    body = heading(TITLE, "Step 5 of 5 - assigning in Teams")
    body.append(text("Working in Teams..."))
    body.append(text(f"{done} of {total} done" + (f", {failed} failed" if failed else ""), size="Large"))
    body.append(text("This card updates by itself.", subtle=True))
    return card(body)


def results_card(
    *, rows: list[ResultRow], tenant: str, flow: FlowRef | None = None, refused: int = 0, message: str | None = None
) -> Card:
    """One line per person, with Teams' reason under each failure. When that would be too big for one Teams
    message (50 people refused for a missing permission), a reason many share is written once, and if need be
    each reason is cut short (the journal keeps it whole)."""
    for repeat, limit in ((True, None), (False, None), (False, 200)):
        drawn = _results(rows, tenant, repeat_reasons=repeat, reason_limit=limit, flow=flow, refused=refused)
        if message:
            drawn["body"].insert(1, notice(message))
        if len(json.dumps(drawn, separators=(",", ":")).encode()) <= _RESULTS_BUDGET:
            break
    return drawn


def _results(
    rows: list[ResultRow],
    tenant: str,
    *,
    repeat_reasons: bool,
    reason_limit: int | None,
    flow: FlowRef | None,
    refused: int,
) -> Card:
    succeeded = sum(1 for row in rows if row.succeeded)
    body = heading(TITLE, f"Done in {tenant}: {succeeded} assigned, {len(rows) - succeeded} failed")
    written: set[str] = set()
    for row in rows:
        mark, color = ("Assigned", GOOD) if row.succeeded else ("Failed", ATTENTION)
        items = [text(f"**{row.name}** - {row.number} - {mark}", color=color, spacing="Small")]
        if row.detail and row.detail in written and not repeat_reasons:
            items.append(text("The same reason as above.", size="Small", spacing="None", subtle=True))
        elif row.detail:
            written.add(row.detail)
            cut = reason_limit is not None and len(row.detail) > reason_limit
            detail = row.detail[:reason_limit] + "..." if cut else row.detail
            items.append(text(detail, size="Small", spacing="None", subtle=row.succeeded))
        body.append(container(items))
    actions = []
    if refused:
        body.append(
            text(
                f"Teams refused {refused} {'number' if refused == 1 else 'numbers'}: kept out of the pool with "
                "Teams' reason (type numbers to see it) until someone returns them.",
                subtle=True,
            )
        )
    if succeeded < len(rows) and flow is not None:
        body.append(text("Retry failed plans other numbers for the people who did not get one.", subtle=True))
        actions.append(execute("Retry failed", "bulk.retry", flow.data(), style="positive"))
        if refused:
            actions.append(execute("Return refused numbers to the pool", "bulk.return_refused", flow.data()))
    return card(body, actions or None)
