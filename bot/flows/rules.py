"""`rules`, `rule add ...`, `rule move N to M`, `rule delete N` (admins), and `assign next PERSON`
(operators): the next free number by rule, on the assign flow's confirm card with the rule that chose it,
assigned with one click through the normal journaled path.

The rules card's buttons (`BUTTONS`: Move up, Move down, Delete then its confirmation, and paging) carry
no flow: each names the rule and the position the card showed, and the service changes nothing when the
rules moved on since (a stale or repeated click is answered with the rules as they stand and why).

A number reserved for the person comes before any rule (that is what a reservation for someone means);
the assign flow offers it first by itself, so `assign next` hands such a person to it unchanged.
"""

from __future__ import annotations

import re
from typing import Any

from bot.flows import assign
from bot.flows.card_data import CardProblem, id_input
from bot.flows.reservations import find_person
from bot.turn import Reply, Turn
from cards.rules import PAGE, RuleView, rule_delete_card, rules_card
from inventory.config import Role
from inventory.errors import NotFound, SwitchboardError
from inventory.rules import PersonAttributes, Rule
from inventory.services.rules import RulesChanged

_MOVE = re.compile(r"^(\d{1,3})\s+to\s+(\d{1,3})$", re.IGNORECASE)
_POSITION = re.compile(r"^\d{1,3}$")
BUTTONS = frozenset({"rules.up", "rules.down", "rules.delete", "rules.delete_confirm", "rules.page"})
_DAMAGED = "That rules card is damaged; type rules to see them."


def _view(rule: Rule) -> RuleView:
    when, _, then = rule.label.partition(": ")[2].partition(" -> ")
    return RuleView(rule.id or 0, rule.position, when, then)


async def _card(turn: Turn, tenant: str, message: str | None = None, *, at: int = 1, problem: bool = False) -> Reply:
    """The rules, on the page that shows rule `at`; with buttons when an admin looks."""
    rules = await turn.services.rules.listing(tenant)
    editable = turn.operator.role >= Role.ADMIN
    start = (max(at, 1) - 1) // PAGE * PAGE
    views = [_view(r) for r in rules]
    return Reply(rules_card(views, tenant=tenant, message=message, editable=editable, start=start, problem=problem))


async def start_list(turn: Turn, args: str) -> Reply:
    return await _card(turn, await turn.tenant())


async def add(turn: Turn, args: str) -> Reply:
    turn.operator.require(Role.ADMIN, "changing assignment rules")
    tenant = await turn.tenant()
    rule = await turn.services.rules.add(tenant, args, turn.operator.actor)
    return await _card(turn, tenant, f"Added {rule.label}.")


async def move(turn: Turn, args: str) -> Reply:
    turn.operator.require(Role.ADMIN, "changing assignment rules")
    tenant = await turn.tenant()
    words = _MOVE.match(args.strip())
    if words is None:
        raise SwitchboardError("Write it as: rule move 3 to 1")
    position, to = int(words.group(1)), int(words.group(2))
    await turn.services.rules.move(tenant, position, to, turn.operator.actor)
    return await _card(turn, tenant, f"Moved rule {position} to {to}.")


async def delete(turn: Turn, args: str) -> Reply:
    turn.operator.require(Role.ADMIN, "changing assignment rules")
    tenant = await turn.tenant()
    if not _POSITION.match(args.strip()):
        raise SwitchboardError("Write it as: rule delete 2 (the number rules shows)")
    rule = await turn.services.rules.delete(tenant, int(args.strip()), turn.operator.actor)
    return await _card(turn, tenant, f"Deleted {rule.label}.")


async def button(turn: Turn, verb: str, data: dict[str, Any]) -> Reply:
    """A click on the rules card. Paging is for anyone who may see the rules; the rest is for admins."""
    tenant = data.get("tenant")
    if not isinstance(tenant, str) or not tenant:
        raise CardProblem(_DAMAGED)
    current = await turn.tenant()
    if tenant != current:
        raise SwitchboardError(f"These rules are {tenant[:64]}'s; type tenant {tenant[:64]} first, then click again.")
    if verb == "rules.page":
        return await _card(turn, tenant, at=id_input(data, "start") + 1)
    turn.operator.require(Role.ADMIN, "changing assignment rules")
    rule_id, at = id_input(data, "rule"), id_input(data, "at")
    rules = turn.services.rules
    try:
        if verb == "rules.delete":
            shown = await rules.at(tenant, at, expect_id=rule_id)  # asking changes nothing itself
            return Reply(rule_delete_card(_view(shown), tenant=tenant))
        if verb == "rules.delete_confirm":
            deleted = await rules.delete(tenant, at, turn.operator.actor, expect_id=rule_id)
            return await _card(turn, tenant, f"Deleted {deleted.label}.", at=at)
        to = at - 1 if verb == "rules.up" else at + 1
        await rules.move(tenant, at, to, turn.operator.actor, expect_id=rule_id)
        return await _card(turn, tenant, f"Moved rule {at} {'up' if to < at else 'down'}: it is rule {to} now.", at=to)
    except (RulesChanged, NotFound) as refused:
        return await _card(turn, tenant, f"{refused} Here are the rules as they stand.", at=at, problem=True)


async def assign_next(turn: Turn, args: str) -> Reply:
    turn.operator.require(Role.OPERATOR, "assigning numbers")
    tenant = await turn.tenant()
    if not args.strip():
        raise SwitchboardError("Write it as: assign next adele (a name or UPN)")
    person_id, name = await find_person(turn, tenant, args.strip())
    account = await turn.services.views.account(tenant, person_id)
    who = (account.upn if account else None) or name
    services = turn.services.rules
    attributes = await services.person(tenant, person_id)
    chosen = await services.next_for(tenant, attributes)
    policy = (chosen.policy if chosen else None) or turn.tenant_config(tenant).default_policy
    if await turn.services.reservations.reserved_for(tenant, person_id) is not None:
        # The assign flow offers the reserved number first by itself when no number is asked for.
        return await assign.start(turn, who, chosen_by=f"the reservation for {name}", policy=policy)
    if chosen is None:
        raise NotFound(
            f"No rule matches {name} ({_described(attributes)}). Add one with rule add, or type assign {args.strip()}"
            " to pick a number."
        )
    if chosen.number is None:
        raise SwitchboardError(
            f"{chosen.rule.label.capitalize()} chose pool {chosen.rule.pool}, which has no free number. "
            f"Add numbers to it (import range ... pool={chosen.rule.pool}), or type assign {args.strip()} to pick."
        )
    number = chosen.number.number
    return await assign.start(turn, who, chosen_by=chosen.rule.label, number=number, policy=policy)


def _described(person: PersonAttributes) -> str:
    parts = [
        ("department", person.department),
        ("usage", person.usage_location),
        ("city", person.city),
        ("office", person.office_location),
        ("company", person.company_name),
    ]
    said = [f"{key} {value}" for key, value in parts if value]
    if person.groups:
        said.append(f"{len(person.groups)} group(s)")
    return ", ".join(said) or "Entra has no department, location, company or groups for them"
