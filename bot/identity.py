"""Who is the operator: `from.aadObjectId` of the activity, UPN and e-mail from `TeamsInfo.get_member`.

Never anything sent inside a card's data, which a client can forge. The member lookup is cached for
a while per operator; the cache is only a cache (any replica can rebuild it).

Someone not on the list of operators is a requester (who may only ask for a number) when the activity
comes from the Entra tenant of a configured tenant that lets anyone request (`requests = "anyone"`, or an
admin's `requests anyone` in chat, which overrides the file).
Teams sets the activity's tenant; a client cannot choose it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo

from bot.operator import Operator
from bot.untrusted import mapping
from inventory.config import REQUESTS_ANYONE, Role, Settings
from inventory.errors import AccessDenied
from inventory.model import Actor

log = logging.getLogger(__name__)
_CACHE_SECONDS = 600.0


class OperatorDirectory:
    def __init__(self, settings: Settings, who_may_request: Callable[[str], Awaitable[str]] | None = None) -> None:
        self._settings = settings
        self._who_may_request = who_may_request
        self._names: dict[str, tuple[str, float]] = {}

    async def resolve(self, turn_context: TurnContext) -> Operator:
        sender = turn_context.activity.from_property
        object_id = (sender.aad_object_id or "").strip() if sender else ""
        if not object_id:
            raise AccessDenied("Sorry, I can only work with people signed in to Microsoft Teams.")
        configured = self._settings.operator(object_id)
        if configured is None:
            tenant = await self._requesting_tenant(turn_context)
            if tenant is not None:
                name = await self._name(turn_context, object_id)
                return Operator(Actor(object_id, name), Role.REQUESTER, (tenant,))
            raise AccessDenied(
                "Sorry, you are not on Switchboard's list of operators. Ask a Switchboard admin to add your "
                f"account (object id {object_id})."
            )
        name = await self._name(turn_context, object_id)
        tenants = tuple(t.name for t in self._settings.tenants if configured.may_touch(t.name))
        return Operator(Actor(object_id, name), configured.role, tenants)

    async def _requesting_tenant(self, turn_context: TurnContext) -> str | None:
        """The configured tenant that lets anyone of the activity's Entra tenant request a number, if any."""
        activity = turn_context.activity
        entra = (activity.conversation.tenant_id if activity.conversation else None) or mapping(
            mapping(activity.channel_data).get("tenant")
        ).get("id")
        tenant = self._settings.tenant_of_entra(entra) if isinstance(entra, str) else None
        if tenant is None:
            return None
        who = await self._who_may_request(tenant.name) if self._who_may_request else tenant.requests
        return tenant.name if who == REQUESTS_ANYONE else None

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


class TeamsTeammates:
    """`bot.turn.Teammates` over `TeamsInfo.get_member` in the turn's conversation (its team, in a channel)."""

    def __init__(self, turn_context: TurnContext) -> None:
        self._turn_context = turn_context

    async def teams_ids(self, aad_object_ids: Sequence[str]) -> list[str]:
        found = await asyncio.gather(*(self._one(object_id) for object_id in aad_object_ids))
        return [teams_id for teams_id in found if teams_id]

    async def _one(self, aad_object_id: str) -> str | None:
        try:
            member = await TeamsInfo.get_member(self._turn_context, aad_object_id)
        except Exception as error:  # not in this conversation, or Teams could not say: they are left out
            log.info("member not found object_id=%s error=%s", aad_object_id, error.__class__.__name__)
            return None
        return str(member.id) if member is not None and member.id else None
