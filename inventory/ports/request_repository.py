"""What the number requests need from the database (implemented by `inventory.store.request_repository`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from inventory.model import Actor
from inventory.onboarding import OnboardingPost
from inventory.requests import NumberRequest


class RequestRepository(Protocol):
    async def add(self, request: NumberRequest) -> None: ...

    async def get(self, request_id: str) -> NumberRequest | None: ...

    async def replace(self, current: NumberRequest, after: NumberRequest) -> bool:
        """Write `after` over `current` only while the row is still at `current`'s version and status (the
        row count decides who won a race); `after` carries the next version. False: it changed meanwhile."""
        ...

    async def set_channel_copy(self, request_id: str, conversation: dict[str, Any], activity_id: str) -> bool:
        """Where the channel's copy of the request was posted. Not conditional on the version (a decision may
        come first), and `replace` never writes it, so neither can lose the other's write."""
        ...

    async def lock_due(self, now: datetime, *, limit: int) -> list[NumberRequest]:
        """Pending requests whose time ran out, locked (and skipped when another replica holds them)."""
        ...

    async def approving(self, *, decided_before: datetime, limit: int) -> list[NumberRequest]:
        """Requests approved before `decided_before` whose outcome is not recorded yet (Teams was slow)."""
        ...


class SwitchRepository(Protocol):
    """A tenant's switches set in chat; None where no admin set one (the configuration decides)."""

    async def four_eyes(self, tenant: str) -> bool | None: ...

    async def requests(self, tenant: str) -> str | None: ...

    async def approvers(self, tenant: str) -> tuple[str, ...] | None: ...

    async def set_four_eyes(self, tenant: str, on: bool, *, actor: Actor, at: datetime, correlation_id: str) -> None:
        """Set it, with the audit row of the change in the same transaction (so each setter)."""
        ...

    async def set_requests(self, tenant: str, who: str, *, actor: Actor, at: datetime, correlation_id: str) -> None: ...

    async def set_approvers(
        self, tenant: str, approvers: tuple[str, ...], *, actor: Actor, at: datetime, correlation_id: str
    ) -> None: ...


class OnboardingRepository(Protocol):
    """What each tenant's channel was last told of people who need numbers (one post a tenant)."""

    async def last(self, tenant: str) -> OnboardingPost | None: ...

    async def get(self, post_id: str) -> OnboardingPost | None: ...

    async def replace(self, post: OnboardingPost) -> None: ...
