"""Number requests as rows; every change is conditional on the row's version and status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, and_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.requests import NumberRequest, Person, RequestStatus
from inventory.store.tables import number_requests


def _row(request: NumberRequest) -> dict[str, Any]:
    return {
        "id": request.id,
        "tenant": request.tenant,
        "requester_id": request.requester_id,
        "requester_name": request.requester_name,
        "requester_mri": request.requester_mri,
        "person_id": request.person.id,
        "person_name": request.person.name,
        "person_upn": request.person.upn,
        "pool": request.pool,
        "location": request.location,
        "note": request.note,
        "number": request.number,
        "extension": request.extension,
        "status": request.status.value,
        "decided_by": request.decided_by,
        "decided_at": request.decided_at,
        "reason": request.reason,
        "conversation": request.conversation,
        "activity_id": request.activity_id,
        "channel_conversation": request.channel_conversation,
        "channel_activity_id": request.channel_activity_id,
        "approver_mris": list(request.approver_mris),
        "created_at": request.created_at,
        "expires_at": request.expires_at,
        "version": request.version,
        "policy": request.policy,
        "location_id": request.location_id,
        "person_type": request.person_type,
    }


def _request(row: RowMapping) -> NumberRequest:
    return NumberRequest(
        id=row["id"],
        tenant=row["tenant"],
        requester_id=row["requester_id"],
        requester_name=row["requester_name"],
        requester_mri=row["requester_mri"],
        person=Person(row["person_id"], row["person_name"], row["person_upn"]),
        pool=row["pool"],
        location=row["location"],
        note=row["note"],
        number=row["number"],
        extension=row["extension"],
        status=RequestStatus(row["status"]),
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        version=row["version"],
        decided_by=row["decided_by"],
        decided_at=row["decided_at"],
        reason=row["reason"],
        conversation=row["conversation"],
        activity_id=row["activity_id"],
        channel_conversation=row["channel_conversation"],
        channel_activity_id=row["channel_activity_id"],
        approver_mris=tuple(row["approver_mris"] or ()),
        policy=row["policy"],
        location_id=row["location_id"],
        person_type=row["person_type"] or "user",
    )


# Columns `replace` never writes: the id, and the channel copy, which the poster sets when the copy is posted
# and a decision racing it must not overwrite with what it read before.
_SET_ELSEWHERE = frozenset({"id", "channel_conversation", "channel_activity_id"})


class SqlRequestRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, request: NumberRequest) -> None:
        await self._connection.execute(number_requests.insert().values(**_row(request)))

    async def get(self, request_id: str) -> NumberRequest | None:
        query = select(number_requests).where(number_requests.c.id == request_id)
        row = (await self._connection.execute(query)).first()
        return _request(row._mapping) if row is not None else None

    async def replace(self, current: NumberRequest, after: NumberRequest) -> bool:
        c = number_requests.c
        where = and_(c.id == current.id, c.version == current.version, c.status == current.status.value)
        values = {k: v for k, v in _row(after).items() if k not in _SET_ELSEWHERE}
        result = await self._connection.execute(update(number_requests).where(where).values(**values))
        return bool(result.rowcount)

    async def set_channel_copy(self, request_id: str, conversation: dict[str, Any], activity_id: str) -> bool:
        where = number_requests.c.id == request_id
        values = {"channel_conversation": conversation, "channel_activity_id": activity_id}
        result = await self._connection.execute(update(number_requests).where(where).values(**values))
        return bool(result.rowcount)

    async def lock_due(self, now: datetime, *, limit: int) -> list[NumberRequest]:
        c = number_requests.c
        query = (
            select(number_requests)
            .where(c.status == RequestStatus.PENDING.value, c.expires_at <= now)
            .order_by(c.expires_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_request(row._mapping) for row in await self._connection.execute(query)]

    async def approving(self, *, decided_before: datetime, limit: int) -> list[NumberRequest]:
        c = number_requests.c
        query = (
            select(number_requests)
            .where(c.status == RequestStatus.APPROVING.value, c.decided_at < decided_before)
            .order_by(c.decided_at)
            .limit(limit)
        )
        return [_request(row._mapping) for row in await self._connection.execute(query)]
