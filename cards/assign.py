"""Assignment cards: whom, (the picker), which policy, confirm, wait, result."""

from __future__ import annotations

from cards.elements import (
    ATTENTION,
    GOOD,
    WARNING,
    Card,
    Element,
    action_set,
    card,
    choice_set,
    coloured,
    columns,
    container,
    execute,
    facts,
    heading,
    input_text,
    notice,
    text,
)
from cards.views import AccountView, FlowRef, OutcomeView

TITLE = "Assign a number"


FEW = 5  # up to this many matches are a list to click; more are a drop-down (with typeahead in Teams)


def account_card(
    flow: FlowRef,
    accounts: list[AccountView],
    *,
    query: str = "",
    message: str | None = None,
    chosen: AccountView | None = None,
) -> Card:
    """Whom. `chosen` is the person already chosen (the operator came Back): shown, preselected, and what
    Next carries on with, so going back never loses them. People are shown by name and UPN, never by id."""
    body = heading(TITLE, "Step 1 of 5 - whom")
    if message:
        body.append(notice(message))
    if chosen is not None:
        body.append(facts([("Assign to", chosen.choice_title)]))
    body.append(
        columns(
            (
                [
                    input_text(
                        "account_search",
                        label="Find a user or resource account",
                        value=query,
                        placeholder="Start of a name or UPN",
                    )
                ],
                "stretch",
            ),
            ([action_set([execute("Find", "assign.search", flow.data())])], "auto"),
        )
    )
    offered = list(accounts)
    if chosen is not None and all(account.id != chosen.id for account in offered):
        offered.insert(0, chosen)
    actions = [execute("Cancel", "cancel", flow.data())]
    if not offered:
        body.append(text("Type the start of a name or UPN and press Find.", subtle=True))
    elif len(offered) <= FEW:
        body.extend(
            _person_row(flow, account, chosen=chosen is not None and account.id == chosen.id) for account in offered
        )
    else:
        preselected = chosen.id if chosen is not None else None
        choices = [(account.choice_title, account.id) for account in offered]
        body.append(
            choice_set(
                "account", label="Assign to", choices=choices, dataset="accounts", value=preselected, required=True
            )
        )
    if chosen is not None or len(offered) > FEW:
        actions.insert(0, execute("Next", "assign.account", flow.data(), style="positive"))
    return card(body, actions)


def _person_row(flow: FlowRef, account: AccountView, *, chosen: bool) -> Element:
    kind = " - resource account" if account.kind == "resource account" else ""
    who = [text(f"{account.name}{kind}", weight="Bolder")]
    if account.upn:
        who.append(text(account.upn, subtle=True, size="Small", spacing="None"))
    button = execute("Chosen" if chosen else "Choose", "assign.account", flow.data(account=account.id))
    return container([columns((who, "stretch"), ([action_set([button])], "auto"))], separator=True)


def policy_card(
    flow: FlowRef,
    account: AccountView,
    number: str,
    policies: list[str],
    *,
    chosen: str | None,
    message: str | None = None,
) -> Card:
    body = heading(TITLE, "Step 4 of 5 - voice routing policy")
    if message:
        body.append(notice(message))
    body.append(facts([("For", account.choice_title), ("Number", number + " (held for you for 10 minutes)")]))
    if policies:
        choices = [(name, name) for name in policies]
        body.append(choice_set("policy", label="Voice routing policy", choices=choices, value=chosen, required=True))
    else:
        body.append(text("This tenant has no voice routing policies configured; the number is assigned without one."))
    return card(
        body,
        [
            execute("Next", "assign.policy", flow.data(), style="positive"),
            execute("Back", "back", flow.data()),
            execute("Cancel", "cancel", flow.data()),
        ],
    )


def confirm_card(
    flow: FlowRef,
    account: AccountView,
    number: str,
    policy: str | None,
    tenant: str,
    *,
    replaces: tuple[str, ...] = (),
    released_to: str = "the pool",
    chosen_by: str | None = None,
    location: str = "",
    location_id: str | None = None,
    sites: tuple[tuple[str, str], ...] = (),
) -> Card:
    """`replaces`: the numbers the person holds now, which Teams swaps for the new one; the operator
    confirms the replacement with the button, which then says so. `chosen_by`: the rule (or reservation)
    that chose the number, for `assign next`. `location` is the emergency location the assignment carries
    as it reads (`location_id` its Teams id), `sites` the (site, location id) choices the operator may
    change it to."""
    body = heading(TITLE, "Step 5 of 5 - confirm")
    rows = [("Tenant", tenant), ("Assign", number), ("To", account.choice_title)]
    if replaces:
        rows.append(("Replaces", ", ".join(replaces)))
    rows.append(("Voice routing policy", policy or "(none)"))
    if chosen_by:
        rows.append(("Chosen by", chosen_by))
    if location:
        rows.append(("Emergency location", location))
    body.append(facts(rows))
    if sites:
        body.append(choice_set("location", label="Emergency location", choices=list(sites), value=location_id))
    if replaces:
        body.append(
            notice(
                f"{account.name} already holds {', '.join(replaces)}. Teams replaces it with {number}; once Teams "
                f"confirms, Switchboard releases the old number to {released_to}."
            )
        )
    body.append(
        text("Switchboard assigns the number in Teams, waits for Teams to confirm, then records it.", subtle=True)
    )
    return card(
        body,
        [
            execute("Replace and assign" if replaces else "Assign", "assign.confirm", flow.data(), style="positive"),
            execute("Back", "back", flow.data()),
            execute("Cancel", "cancel", flow.data()),
        ],
    )


def waiting_card(title: str, what: str) -> Card:
    """Shown the moment the operator asks Teams for something; the outcome replaces it in place."""
    return card([*heading(title, "Working in Teams..."), text(what), text("This card updates by itself.", subtle=True)])


def outcome_card(outcome: OutcomeView, *, flow: FlowRef | None = None, retry_verbs: bool = False) -> Card:
    color = GOOD if outcome.succeeded else (WARNING if outcome.pending else ATTENTION)
    body = [coloured(outcome.title, color, size="Large", weight="Bolder"), facts(outcome.facts)]
    if outcome.detail:
        label = "Teams says:" if not outcome.succeeded and not outcome.pending else ""
        body.append(text(f"{label} {outcome.detail}".strip(), color=None if outcome.pending else ATTENTION))
    if outcome.warning:
        body.append(notice(outcome.warning))
    body.extend(text(step, subtle=True) for step in outcome.next_steps)
    if outcome.correlation_id:
        body.append(text(f"Reference: {outcome.correlation_id}", subtle=True, size="Small"))
    actions = []
    if flow is not None and retry_verbs:
        actions = [
            execute("Pick another number", "assign.another", flow.data(), style="positive"),
            execute("Try again", "assign.retry", flow.data()),
        ]
    return card(body, actions)
