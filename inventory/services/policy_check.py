"""Policy first: a voice routing policy is looked up in Teams before any number moves.

Without this, an unknown policy was found only when it was granted, after Teams had assigned the
number: the person kept the number without the policy. Graph cannot list voice routing policies, so
"the tenant's real list" is the configured names that Teams resolves. Answers are cached for a few
minutes per tenant, so a bulk run of hundreds with one policy asks Teams once.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from inventory.errors import NotFound, TransitionRefused
from inventory.services.context import ServiceContext

KNOWN_FOR = timedelta(minutes=10)


class PolicyUnknown(TransitionRefused):
    """Teams has no voice routing policy of that name in the tenant; nothing was changed."""


class PolicyCheck:
    def __init__(self, context: ServiceContext, *, known_for: timedelta = KNOWN_FOR) -> None:
        self._context = context
        self._known_for = known_for
        self._known_until: dict[tuple[str, str], datetime] = {}

    async def require(self, tenant: str, policy: str) -> None:
        """Return when Teams knows `policy` in `tenant`; raise PolicyUnknown (naming the choices) when not.

        Other Teams errors (throttling, a missing permission) propagate: the assignment must not go
        ahead on a policy nobody could check.
        """
        if await self._resolves(tenant, policy):
            return
        others = [name for name in self._context.tenant(tenant).allowed_policies if name != policy]
        known = await asyncio.gather(*(self._resolves_quietly(tenant, name) for name in others))
        choices = [name for name, resolves in zip(others, known, strict=True) if resolves]
        advice = (
            f"choose {', '.join(choices)}"
            if choices
            else "check the name with Get-CsOnlineVoiceRoutingPolicy and the tenant's allowed_policies"
        )
        raise PolicyUnknown(
            f"'{policy[:60]}' is not a voice routing policy of {tenant}: {advice}. Nothing was changed in Teams."
        )

    async def _resolves(self, tenant: str, policy: str) -> bool:
        key = (tenant, policy.lower())
        now = self._context.clock.now()
        until = self._known_until.get(key)
        if until is not None and now < until:
            return True
        try:
            await self._context.phones(tenant).resolve_policy_id(policy)
        except NotFound:
            self._known_until.pop(key, None)
            return False
        self._known_until[key] = now + self._known_for
        return True

    async def _resolves_quietly(self, tenant: str, policy: str) -> bool:
        """For the list of choices only: a policy that cannot be checked now is left out, not an error."""
        try:
            return await self._resolves(tenant, policy)
        except Exception:
            return False
