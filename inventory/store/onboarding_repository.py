"""What each tenant's channel was last told of people who need numbers: one row a tenant, replaced."""

from __future__ import annotations

from sqlalchemy import RowMapping, delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.onboarding import OnboardingPost
from inventory.store.tables import onboarding_posts

_O = onboarding_posts.c


def _post(row: RowMapping) -> OnboardingPost:
    return OnboardingPost(row["id"], row["tenant"], tuple(row["people"]), row["people_key"], row["posted_at"])


class SqlOnboardingRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def last(self, tenant: str) -> OnboardingPost | None:
        row = (await self._connection.execute(select(onboarding_posts).where(_O.tenant == tenant))).first()
        return _post(row._mapping) if row is not None else None

    async def get(self, post_id: str) -> OnboardingPost | None:
        row = (await self._connection.execute(select(onboarding_posts).where(_O.id == post_id))).first()
        return _post(row._mapping) if row is not None else None

    async def replace(self, post: OnboardingPost) -> None:
        await self._connection.execute(delete(onboarding_posts).where(_O.tenant == post.tenant))
        await self._connection.execute(
            onboarding_posts.insert().values(
                id=post.id,
                tenant=post.tenant,
                people=list(post.people),
                people_key=post.people_key,
                posted_at=post.posted_at,
            )
        )
