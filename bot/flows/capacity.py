"""`capacity`: free numbers per pool against its threshold (a chart with a text fallback); admins set a
threshold with `capacity POOL 5` or `capacity POOL 10%` and remove it with `capacity POOL off`. And the
buttons of the channel's capacity notes: open the pool's free numbers, or reserve the next few.

A threshold set is checked at once, so a pool already below it alerts now rather than at the next job run.
"""

from __future__ import annotations

from typing import Any

from bot.flows import browse, reservations
from bot.flows.capacity_notes import capacity_view, check_capacity
from bot.flows.card_data import CardProblem
from bot.turn import Reply, Turn
from cards.capacity import capacity_card
from inventory.config import Role
from inventory.errors import SwitchboardError
from inventory.search_terms import search_term

USAGE = "Write it as: capacity (to see), capacity Sales 5, capacity Sales 10%, capacity Sales off."
BUTTONS = frozenset({"capacity.open", "capacity.reserve"})
_MAX_FROM_BUTTON = 50


async def start(turn: Turn, args: str) -> Reply:
    tenant = await turn.tenant()
    words = args.split()
    message = None
    if words:
        if len(words) < 2:
            raise SwitchboardError(
                "Write it as: capacity (to see), capacity Sales 5, capacity Sales 10%, capacity Sales off."
            )
        turn.operator.require(Role.ADMIN, "setting capacity thresholds")
        pool, setting = " ".join(words[:-1]), words[-1]
        capacity = turn.services.capacity
        if setting.lower() == "off":
            name = await capacity.remove_threshold(tenant, pool, turn.operator.actor)
            message = f"Pool {name} has no threshold now."
        else:
            threshold = await capacity.set_threshold(tenant, pool, setting, turn.operator.actor)
            message = f"Pool {threshold.pool} alerts when it has fewer than {threshold.label}."
        await check_capacity(turn.services, tenant)
    pools = await turn.services.capacity.overview(tenant)
    return Reply(capacity_card([capacity_view(p) for p in pools], tenant=tenant, message=message))


async def button(turn: Turn, verb: str, data: dict[str, Any]) -> Reply:
    """A click on a capacity note: the same as typing the command, so the same roles and checks apply."""
    pool, tenant = data.get("pool"), data.get("tenant")
    if not isinstance(pool, str) or not pool or len(pool) > 128 or not isinstance(tenant, str):
        raise CardProblem("That capacity note is damaged; type capacity to see the pools.")
    current = await turn.tenant()
    if tenant != current:
        raise SwitchboardError(f"This note is about {tenant[:64]}; type tenant {tenant[:64]} first, then click again.")
    if verb == "capacity.open":
        return await browse.start(turn, f"{search_term('pool', pool)} status:available")
    count = data.get("count")
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= _MAX_FROM_BUTTON:
        raise CardProblem("That capacity note is damaged; type reserve N in POOL instead.")
    return await reservations.reserve(turn, f"{count} in {pool}")
