"""Onboarding suggestions: the people Teams has enabled for Teams Phone who hold no number, each with the
number the tenant's rules suggest, told to the tenant's channel once per set of people (a run that finds
the same people posts nothing; a changed set posts again). The buttons hand the people to bulk assign."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from inventory.onboarding import OnboardingPost, people_key, people_needing_numbers
from inventory.ports.phone_system import TeamsAccount
from inventory.services.context import ServiceContext
from inventory.services.rules import RuleService


@dataclass(frozen=True)
class Suggestion:
    name: str
    upn: str | None
    number: str | None  # the label of the number the first matching rule gives; None: no rule, or none free
    pool: str | None  # the rule's pool


class OnboardingService:
    def __init__(self, context: ServiceContext, rules: RuleService) -> None:
        self._context = context
        self._rules = rules

    async def changed(self, tenant: str) -> tuple[OnboardingPost, list[Suggestion]] | None:
        """The people who need numbers now, remembered as the channel's latest post, with a suggestion each;
        None when they are the ones the channel was last told about (or nobody, and nobody was). Teams is
        read once; the rules read each person's Entra attributes."""
        accounts = await self._context.phones(tenant).list_accounts()
        people = people_needing_numbers(accounts)
        key = people_key([a.id for a in people])
        async with self._context.storage.read() as uow:
            last = await uow.onboarding.last(tenant)
        if (last is not None and last.people_key == key) or (last is None and not people):
            return None
        post = OnboardingPost(
            uuid.uuid4().hex, tenant, tuple(_state(a) for a in people), key, self._context.clock.now()
        )
        async with self._context.storage.write() as uow:
            await uow.onboarding.replace(post)
        return post, await self._suggest(tenant, people)

    async def post(self, post_id: str) -> OnboardingPost | None:
        async with self._context.storage.read() as uow:
            return await uow.onboarding.get(post_id)

    async def _suggest(self, tenant: str, people: list[TeamsAccount]) -> list[Suggestion]:
        attributes = await self._rules.people(tenant, [a.id for a in people]) if people else []
        suggestions = []
        # One card never suggests one number twice (it holds none: the buttons hold them when clicked).
        nexts = await self._rules.next_for_each(tenant, attributes) if people else []
        for account, found in zip(people, nexts, strict=True):
            number = found.number.label if found is not None and found.number is not None else None
            suggestions.append(Suggestion(account.label, account.upn, number, found.rule.pool if found else None))
        return suggestions


def _state(account: TeamsAccount) -> dict[str, Any]:
    """A person as bulk assign's flow keeps them (`bot.flows.view_models.account_to_state`)."""
    return {"id": account.id, "name": account.label, "upn": account.upn, "kind": "user", "policy": None}
