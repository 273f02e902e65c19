"""The `rules` card: a tenant's assignment rules in the order they are tried, with Move up, Move down and
Delete on each for admins (Delete asks first, on `rule_delete_card`).

Each button carries the rule's id and the position the card showed it at, never more: the click is
checked against the rules as they stand, so a stale or repeated click changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from cards.elements import ATTENTION, Card, Element, action_set, card, container, execute, facts, heading, text

PAGE = 20  # rules with buttons on one card: 100 of them would pass Teams' 28 KB
HOW_TO = (
    "rule add department=Sales [city=...] [usage=US] [office=...] [company=...] [group=...] pool=Sales "
    "[policy=...] | rule move 3 to 1 | rule delete 2 (admins). assign next PERSON uses the first that matches."
)


@dataclass(frozen=True)
class RuleView:
    id: int
    position: int  # 1 is tried first
    when: str  # "department=Sales and city=Seattle"
    then: str  # "pool Sales, policy US-Local"


def rules_card(
    rules: list[RuleView],
    *,
    tenant: str,
    message: str | None = None,
    editable: bool = False,
    start: int = 0,
    problem: bool = False,
) -> Card:
    """`rules`: the page of rules from `start`; `editable` (an admin looks) puts the buttons on each rule.
    `problem`: the message is a refusal (a stale click), shown as one."""
    body = heading("Assignment rules", f"Tenant {tenant}: {len(rules)} rule(s), tried in order")
    if message:
        body.append(text(message, weight="Bolder", color=ATTENTION if problem else None))
    if not rules:
        body.append(text("No rules yet: assign next has nothing to go by."))
    start = max(0, min(start, (len(rules) - 1) // PAGE * PAGE)) if rules else 0
    shown = rules[start : start + PAGE]
    if shown and editable:
        body.extend(_rule_row(rule, last=len(rules), tenant=tenant) for rule in shown)
    elif shown:
        body.append(facts([(f"{rule.position}. {rule.when}", rule.then) for rule in shown]))
    actions = []
    if start > 0:
        actions.append(
            execute(f"Rules {start - PAGE + 1}-{start}", "rules.page", {"tenant": tenant, "start": start - PAGE})
        )
    if start + PAGE < len(rules):
        after = start + PAGE
        label = f"Rules {after + 1}-{min(after + PAGE, len(rules))}"
        actions.append(execute(label, "rules.page", {"tenant": tenant, "start": after}))
    body.append(text(HOW_TO, subtle=True, size="Small"))
    return card(body, actions or None)


def _rule_row(rule: RuleView, *, last: int, tenant: str) -> Element:
    data = {"tenant": tenant, "rule": rule.id, "at": rule.position}
    buttons = []
    if rule.position > 1:
        buttons.append(execute("Move up", "rules.up", data))
    if rule.position < last:
        buttons.append(execute("Move down", "rules.down", data))
    buttons.append(execute("Delete", "rules.delete", data))
    return container(
        [facts([(f"{rule.position}. {rule.when}", rule.then)]), action_set(buttons)], separator=rule.position > 1
    )


def rule_delete_card(rule: RuleView, *, tenant: str) -> Card:
    """Asks before a rule goes: `assign next` and Suggest numbers stop using it at once."""
    body = heading(f"Delete rule {rule.position}?", f"Tenant {tenant}")
    body.append(facts([("When", rule.when), ("Then", rule.then)]))
    body.append(text("assign next and Suggest numbers stop using it; the rules after it move up one."))
    data = {"tenant": tenant, "rule": rule.id, "at": rule.position}
    return card(
        body,
        [
            execute(f"Delete rule {rule.position}", "rules.delete_confirm", data, style="destructive"),
            execute("Keep it", "rules.page", {"tenant": tenant, "start": 0}),
        ],
    )
