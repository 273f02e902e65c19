"""Who is the operator: `from.aadObjectId` of the activity, UPN and e-mail from `TeamsInfo.get_member`.

Never anything sent inside a card's data, which a client can forge. The member lookup is cached for
a while per operator; the cache is only a cache (any replica can rebuild it).
"""

from __future__ import annotations

import logging
import time

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo

from bot.operator import Operator
from inventory.config import Settings
from inventory.errors import AccessDenied
from inventory.model import Actor

log = logging.getLogger(__name__)
_CACHE_SECONDS = 600.0


class OperatorDirectory:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._names: dict[str, tuple[str, float]] = {}

    async def resolve(self, turn_context: TurnContext) -> Operator:
        sender = turn_context.activity.from_property
        object_id = (sender.aad_object_id or "").strip() if sender else ""
        if not object_id:
            raise AccessDenied("Sorry, I can only work with people signed in to Microsoft Teams.")
        configured = self._settings.operator(object_id)
        if configured is None:
            raise AccessDenied(
                "Sorry, you are not on Switchboard's list of operators. Ask a Switchboard admin to add your "
                f"account (object id {object_id})."
            )
        name = await self._name(turn_context, object_id)
        tenants = tuple(t.name for t in self._settings.tenants if configured.may_touch(t.name))
        return Operator(Actor(object_id, name), configured.role, tenants)

    async def _name(self, turn_context: TurnContext, object_id: str) -> str:
        cached = self._names.get(object_id)
        if cached and cached[1] > time.monotonic():
            return cached[0]
        sender = turn_context.activity.from_property
        name = sender.name or object_id
        try:
            member = await TeamsInfo.get_member(turn_context, sender.id)
            name = member.user_principal_name or member.email or name
        except Exception as error:
            log.warning("member lookup failed operator=%s error=%s", object_id, error.__class__.__name__)
            return name
        self._names[object_id] = (name, time.monotonic() + _CACHE_SECONDS)
        return name
