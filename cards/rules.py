"""The `rules` card: a tenant's assignment rules in the order they are tried."""

from __future__ import annotations

from cards.elements import Card, card, facts, heading, text


def rules_card(rules: list[tuple[int, str, str]], *, tenant: str, message: str | None = None) -> Card:
    """`rules`: (position, when, then) each, e.g. (1, "department=Sales", "pool Sales, policy US-Local")."""
    body = heading("Assignment rules", f"Tenant {tenant}: {len(rules)} rule(s), tried in order")
    if message:
        body.append(text(message, weight="Bolder"))
    if rules:
        body.append(facts([(f"{position}. {when}", then) for position, when, then in rules]))
    else:
        body.append(text("No rules yet: assign next has nothing to go by."))
    body.append(
        text(
            "rule add department=Sales [city=...] [usage=US] [office=...] [company=...] [group=...] pool=Sales "
            "[policy=...] | rule move 3 to 1 | rule delete 2 (admins). assign next PERSON uses the first that matches.",
            subtle=True,
            size="Small",
        )
    )
    return card(body)
