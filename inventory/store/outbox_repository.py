"""Conversations the bot knows and the notification outbox.

A notification is written once (after the action it reports) and posted by whichever replica claims
it first: the claim is a conditional update from `pending` to `sending` with a lease, so a replica
that dies mid-post leaves it to be claimed again when the lease runs out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, and_, exists, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.notifications import DROPPED, FAILED, LEASE, PENDING, SENDING, SENT, Conversation, Notification
from inventory.store.column_types import UtcDateTime
from inventory.store.tables import conversations, notifications


class SqlConversationRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def remember(self, conversation: Conversation, *, at: datetime) -> None:
        """Insert or refresh a conversation (its reference's service URL can change); keeps `notify_tenant`."""
        values = {
            "kind": conversation.kind,
            "team_id": conversation.team_id,
            "team_name": conversation.team_name,
            "channel_name": conversation.channel_name,
            "teams_tenant_id": conversation.teams_tenant_id,
            "reference": conversation.reference,
            "person_id": conversation.person_id,
            "updated_at": at,
        }
        changed = await self._connection.execute(
            update(conversations).where(conversations.c.id == conversation.id).values(**values)
        )
        if changed.rowcount == 0:
            await self._connection.execute(conversations.insert().values(id=conversation.id, **values))

    async def notify_here(self, conversation_id: str, tenant: str) -> None:
        """Make `conversation_id` the tenant's one notification channel."""
        await self._connection.execute(
            update(conversations).where(conversations.c.notify_tenant == tenant).values(notify_tenant=None)
        )
        await self._connection.execute(
            update(conversations).where(conversations.c.id == conversation_id).values(notify_tenant=tenant)
        )

    async def channel_for(self, tenant: str) -> Conversation | None:
        query = select(conversations).where(conversations.c.notify_tenant == tenant)
        row = (await self._connection.execute(query)).first()
        return Conversation(**{k: v for k, v in row._mapping.items() if k != "updated_at"}) if row else None

    async def personal_for(self, person_id: str) -> Conversation | None:
        """The person's personal chat with the bot that was heard from last, if the bot kept one."""
        query = (
            select(conversations)
            .where((conversations.c.person_id == person_id) & (conversations.c.kind == "personal"))
            .order_by(conversations.c.updated_at.desc())
            .limit(1)
        )
        row = (await self._connection.execute(query)).first()
        return Conversation(**{k: v for k, v in row._mapping.items() if k != "updated_at"}) if row else None


class SqlOutboxRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(
        self, tenant: str, kind: str, card: dict[str, Any], *, at: datetime, subject: str | None = None
    ) -> bool:
        """Queue a note for the tenant's channel; a tenant without one gets nothing queued (returns False).

        One statement either way: the note is only written when a channel exists to read it.
        """
        values = select(
            literal(tenant),
            literal(kind),
            literal(card, JSON),
            literal(PENDING),
            literal(0),
            literal(at, UtcDateTime()),
            literal(at, UtcDateTime()),
            literal(subject, notifications.c.subject.type),
        ).where(exists().where(conversations.c.notify_tenant == tenant))
        columns = ["tenant", "kind", "card", "status", "attempts", "next_attempt_at", "created_at", "subject"]
        result = await self._connection.execute(notifications.insert().from_select(columns, values))
        return bool(result.rowcount)

    async def last_queued(self, tenant: str, kind: str) -> datetime | None:
        c = notifications.c
        query = select(func.max(c.created_at)).where((c.tenant == tenant) & (c.kind == kind))
        last: datetime | None = (await self._connection.execute(query)).scalar_one_or_none()
        return last

    async def claim_due(self, *, now: datetime, limit: int = 20) -> list[Notification]:
        """Claim up to `limit` due notifications for this replica (pending, or sending with a lapsed lease)."""
        c = notifications.c
        due = and_(or_(c.status == PENDING, c.status == SENDING), c.next_attempt_at <= now)
        query = select(c.id, c.attempts).where(due).order_by(c.id).limit(limit)
        rows = (await self._connection.execute(query)).all()
        claimed: list[Notification] = []
        for notification_id, attempts in rows:
            won = await self._connection.execute(
                update(notifications)
                .where(and_(c.id == notification_id, c.attempts == attempts, due))
                .values(status=SENDING, attempts=attempts + 1, next_attempt_at=now + LEASE)
            )
            if won.rowcount == 1:
                row = (await self._connection.execute(select(notifications).where(c.id == notification_id))).one()
                claimed.append(Notification(row.id, row.tenant, row.kind, row.card, row.attempts, row.subject))
        return claimed

    async def mark_sent(self, notification_id: int, *, at: datetime) -> None:
        await self._connection.execute(
            update(notifications).where(notifications.c.id == notification_id).values(status=SENT, sent_at=at)
        )

    async def mark_dropped(self, notification_id: int, reason: str) -> None:
        await self._connection.execute(
            update(notifications)
            .where(notifications.c.id == notification_id)
            .values(status=DROPPED, last_error=reason[:512])
        )

    async def mark_failed(
        self, notification: Notification, error: str, *, now: datetime, retry_base_seconds: float = 5.0
    ) -> None:
        final = notification.is_last_attempt
        await self._connection.execute(
            update(notifications)
            .where(notifications.c.id == notification.id)
            .values(
                status=FAILED if final else PENDING,
                last_error=error[:512],
                next_attempt_at=now + notification.retry_delay(retry_base_seconds),
            )
        )
