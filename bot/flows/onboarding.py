"""The onboarding card's buttons (the card itself is posted by `Jobs.suggest_onboarding`): **Review** opens
bulk assign's plan for the people the card named, a number held for each by the tenant's rules; **Assign
all** makes the same plan and runs it at once, journaled, ending on bulk's results card. The card carries
only the id of its post; the people come from the database. Operators of the tenant only; a card an
newer post replaced is refused, changing nothing."""

from __future__ import annotations

import re
from typing import Any

from bot.flows import bulk
from bot.flows.card_data import CardProblem, text_input
from bot.turn import Reply, Turn
from cards.onboarding import BULK_LIMIT
from inventory.config import Role
from inventory.errors import NotFound

BUTTONS = frozenset({"onboarding.review", "onboarding.assign_all"})
_POST_ID = re.compile(r"^[0-9a-f]{32}$")


async def button(turn: Turn, verb: str, data: dict[str, Any]) -> Reply:
    post_id = text_input(data, "post", limit=40)
    if not _POST_ID.match(post_id):
        raise CardProblem("That onboarding card is not one of ours.")
    post = await turn.services.onboarding.post(post_id)
    if post is None:
        raise NotFound("A newer onboarding card has replaced this one; use the latest in the channel.")
    turn.operator.require_tenant(post.tenant)
    turn.operator.require(Role.OPERATOR, "assigning numbers")
    people = [dict(person) for person in post.people[:BULK_LIMIT]]
    return await bulk.plan_for(turn, post.tenant, people, run=verb == "onboarding.assign_all")
