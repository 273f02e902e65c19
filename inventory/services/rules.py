"""Assignment rules per tenant, and the next free number a rule gives a person.

`add`, `move` and `delete` are admin changes, each one transaction with its audit row. `next_for` reads
the person's Entra attributes from Teams (Graph), takes the first rule that matches and the first free
number of its pool that Teams shows active; it holds nothing: the assignment that follows goes through
the normal journaled path, which holds the number and refuses it if someone took it meanwhile.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from inventory.audit import new_correlation_id
from inventory.errors import NotFound, SwitchboardError
from inventory.flows import Flow
from inventory.model import Actor, Hold, NumberStatus, PhoneNumber
from inventory.number_query import NumberQuery
from inventory.rules import PersonAttributes, Rule, first_match, parse_rule
from inventory.services.context import ServiceContext
from inventory.services.flow_steps import Move, advance_in
from inventory.services.holds import NOTE_LIMIT, flow_hold_owner, take_free

MAX_RULES = 100  # per tenant: an ordered list an admin can still read


@dataclass(frozen=True)
class NextNumber:
    """What `assign next` offers: the rule that chose, and its pool's first free number (None: none free)."""

    rule: Rule
    number: PhoneNumber | None
    policy: str | None


class RuleService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context
        self._storage = context.storage
        self._clock = context.clock
        self._lifetime = timedelta(minutes=context.settings.hold_minutes)

    async def listing(self, tenant: str) -> list[Rule]:
        async with self._storage.read() as uow:
            return await uow.rules.all(tenant)

    async def at(self, tenant: str, position: int, *, expect_id: int | None = None) -> Rule:
        """The rule at `position` (with `expect_id`: only if it is still the one a card showed there)."""
        async with self._storage.read() as uow:
            return _at(await uow.rules.all(tenant), position, tenant, expect_id)

    async def add(self, tenant: str, text: str, actor: Actor) -> Rule:
        """A rule from `department=Sales pool=Sales policy=US-Local`, after the tenant's last one. The pool
        must exist and the policy must be one the tenant allows."""
        words = parse_rule(text)
        allowed = self._context.tenant(tenant).allowed_policies
        if words.policy and allowed and words.policy.lower() not in {p.lower() for p in allowed}:
            raise SwitchboardError(f"{words.policy} is not a policy {tenant} allows ({', '.join(allowed)}).")
        policy = next((p for p in allowed if words.policy and p.lower() == words.policy.lower()), words.policy)
        async with self._storage.write() as uow:
            pools = {p.lower(): p for p, _, _ in await uow.numbers.status_counts_by_pool(tenant) if p}
            pool = pools.get(words.pool.lower())
            if pool is None:
                known = ", ".join(sorted(pools.values())[:8]) or "none yet"
                raise NotFound(f"{tenant} has no pool called '{words.pool[:40]}' (pools: {known}).")
            if len(await uow.rules.all(tenant)) >= MAX_RULES:
                raise SwitchboardError(f"{tenant} has {MAX_RULES} rules; delete one first.")
            rule = Rule(0, words.conditions, pool, policy)
            return await uow.rules.add(
                tenant, rule, actor=actor, at=self._clock.now(), correlation_id=new_correlation_id()
            )

    async def move(
        self, tenant: str, position: int, to: int, actor: Actor, *, expect_id: int | None = None
    ) -> list[Rule]:
        """Move the rule at `position` to `to`. `expect_id`: the rule a card showed there; when another
        rule is there now (the list changed since, or the same click came twice), nothing moves."""
        async with self._storage.write() as uow:
            rules = await uow.rules.all(tenant, lock=True)
            moving = _at(rules, position, tenant, expect_id)
            if not 1 <= to <= len(rules):
                raise SwitchboardError(f"Move it to a position from 1 to {len(rules)}.")
            ordered = [r for r in rules if r.id != moving.id]
            ordered.insert(to - 1, moving)
            now, correlation_id = self._clock.now(), new_correlation_id()
            await uow.rules.reorder(tenant, ordered, actor=actor, at=now, correlation_id=correlation_id)
            return await uow.rules.all(tenant)

    async def delete(self, tenant: str, position: int, actor: Actor, *, expect_id: int | None = None) -> Rule:
        """Delete the rule at `position` (and, with `expect_id`, only if it is still the one a card showed)."""
        async with self._storage.write() as uow:
            rules = await uow.rules.all(tenant, lock=True)
            rule = _at(rules, position, tenant, expect_id)
            now, correlation_id = self._clock.now(), new_correlation_id()
            await uow.rules.delete(tenant, rule, actor=actor, at=now, correlation_id=correlation_id)
            rest = [r for r in rules if r.id != rule.id]
            await uow.rules.reorder(tenant, rest, actor=actor, at=now, correlation_id=correlation_id)
            return rule

    async def person(self, tenant: str, person_id: str) -> PersonAttributes:
        found = await self._context.phones(tenant).person_attributes(person_id)
        if found is None:
            raise NotFound(f"Entra has no user {person_id[:64]} in {tenant}.")
        return found

    async def next_for(self, tenant: str, person: PersonAttributes) -> NextNumber | None:
        """The first matching rule and its pool's first free number; None when no rule matches."""
        async with self._storage.read() as uow:
            rule = first_match(await uow.rules.all(tenant), person)
            if rule is None:
                return None
            query = NumberQuery(tenant=tenant, pool=rule.pool, statuses=(NumberStatus.AVAILABLE,), offerable_only=True)
            page = await uow.numbers.search(query, limit=1)
        return NextNumber(rule, page.items[0] if page.items else None, rule.policy)

    async def next_for_each(self, tenant: str, people: list[PersonAttributes]) -> list[NextNumber | None]:
        """`next_for` for several people at once, distinct: two people whose rules name the same pool are
        suggested its first and second free numbers, not the same one twice. Nothing is held (a suggestion)."""
        async with self._storage.read() as uow:
            rules = await uow.rules.all(tenant)
            matched = [first_match(rules, person) for person in people]
            free: dict[str, list[PhoneNumber]] = {}
            for pool in dict.fromkeys(rule.pool for rule in matched if rule is not None):
                wanted = sum(1 for rule in matched if rule is not None and rule.pool == pool)
                query = NumberQuery(tenant=tenant, pool=pool, statuses=(NumberStatus.AVAILABLE,), offerable_only=True)
                free[pool] = list((await uow.numbers.search(query, limit=wanted)).items)
        return [
            None if rule is None else NextNumber(rule, free[rule.pool].pop(0) if free[rule.pool] else None, rule.policy)
            for rule in matched
        ]

    async def people(self, tenant: str, person_ids: list[str]) -> list[PersonAttributes]:
        """Several people's attributes at once (the Graph client bounds how many requests are in flight);
        someone Entra does not know matches no rule rather than failing the batch."""
        phone = self._context.phones(tenant)
        found = await asyncio.gather(*(phone.person_attributes(person_id) for person_id in person_ids))
        return [person or PersonAttributes() for person in found]

    async def hold_by_rule_for_flow(
        self,
        flow: Flow,
        people: list[PersonAttributes],
        query: NumberQuery,
        *,
        purpose: str,
        actor: Actor,
        correlation_id: str,
        then: Callable[[list[PhoneNumber | None], list[Rule | None]], Move],
    ) -> Flow:
        """Bulk assign's Suggest numbers by rule: for each person the next free number of their rule's pool
        (people no rule matches get any number `query` matches), distinct, held for `flow`, and the flow moved
        as `then` says, in one transaction. `then` gets, per person, the number (None: the pool ran dry) and
        the rule that chose it."""
        now = self._clock.now()
        hold = Hold(flow_hold_owner(flow.id), f"{actor.name}, {purpose}"[:NOTE_LIMIT], now + self._lifetime)
        async with self._storage.write() as uow:
            matched = [first_match(await uow.rules.all(flow.tenant), person) for person in people]
            numbers: list[PhoneNumber | None] = [None] * len(people)
            taken: tuple[int, ...] = ()
            pools = [rule.pool if rule else None for rule in matched]
            for pool in dict.fromkeys(pools):  # each pool once, in the order people need it
                wanted = [i for i, p in enumerate(pools) if p == pool]
                group = dataclasses.replace(query, pool=pool or query.pool, exclude_ids=taken)
                held = await take_free(
                    uow, group, len(wanted), hold, action="hold", actor=actor, correlation_id=correlation_id, now=now
                )
                for index, number in zip(wanted, held, strict=False):
                    numbers[index] = number
                taken = (*taken, *(n.id for n in held if n.id is not None))
            return await advance_in(uow, flow, then(numbers, matched), now=now)


class RulesChanged(SwitchboardError):
    """A card's rule is no longer where the card showed it: nothing was changed."""


def _at(rules: list[Rule], position: int, tenant: str, expect_id: int | None = None) -> Rule:
    if expect_id is not None and (not 1 <= position <= len(rules) or rules[position - 1].id != expect_id):
        moved = next((rule for rule in rules if rule.id == expect_id), None)
        where = f"it is rule {moved.position} now" if moved is not None else "it was deleted"
        raise RulesChanged(f"The rules changed since that card was drawn ({where}); nothing was changed.")
    if not 1 <= position <= len(rules):
        raise NotFound(f"{tenant} has no rule {position}; it has {len(rules)} (type rules to see them).")
    return rules[position - 1]
