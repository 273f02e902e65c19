"""`rules`, `rule add ...`, `rule move N to M`, `rule delete N` (admins), and `assign next PERSON`
(operators): the next free number by rule, on the assign flow's confirm card with the rule that chose it,
assigned with one click through the normal journaled path.

A number reserved for the person comes before any rule (that is what a reservation for someone means);
the assign flow offers it first by itself, so `assign next` hands such a person to it unchanged.
"""

from __future__ import annotations

import re

from bot.flows import assign
from bot.flows.reservations import find_person
from bot.turn import Reply, Turn
from cards.rules import rules_card
from inventory.config import Role
from inventory.errors import NotFound, SwitchboardError
from inventory.rules import PersonAttributes, Rule

_MOVE = re.compile(r"^(\d{1,3})\s+to\s+(\d{1,3})$", re.IGNORECASE)
_POSITION = re.compile(r"^\d{1,3}$")


def _view(rule: Rule) -> tuple[int, str, str]:
    when, _, then = rule.label.partition(": ")[2].partition(" -> ")
    return rule.position, when, then


async def _card(turn: Turn, tenant: str, message: str | None = None) -> Reply:
    rules = await turn.services.rules.listing(tenant)
    return Reply(rules_card([_view(r) for r in rules], tenant=tenant, message=message))


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
