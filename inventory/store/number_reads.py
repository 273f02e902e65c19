"""Reading phone numbers: by key, by id, in bulk, locked, and searched (the read half of the repository)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.journal import PENDING
from inventory.model import AccountType, NumberStatus, NumberType, PhoneNumber, activation_state_of
from inventory.number_query import NumberQuery, Page
from inventory.ports.repositories import Facet, FileFields, NumberKey
from inventory.store import number_search
from inventory.store.number_rows import from_row, from_table_row, tags_of
from inventory.store.tables import phone_numbers, teams_operations
from inventory.sync.changes import LocalNumber

_CHUNK = 2_000  # keys per range or IN query


class NumberReads:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def get(self, tenant: str, number: str, extension: str = "") -> PhoneNumber | None:
        query = select(phone_numbers).where(
            phone_numbers.c.tenant == tenant,
            phone_numbers.c.number == number,
            phone_numbers.c.extension == extension,
        )
        row = (await self._connection.execute(query)).first()
        return from_row(row._mapping) if row else None

    async def tenant_is_empty(self, tenant: str) -> bool:
        query = select(phone_numbers.c.id).where(phone_numbers.c.tenant == tenant).limit(1)
        return (await self._connection.execute(query)).first() is None

    async def types_in_use(self, tenant: str) -> frozenset[str]:
        query = select(phone_numbers.c.number_type).where(phone_numbers.c.tenant == tenant).distinct()
        return frozenset(str(row[0]) for row in await self._connection.execute(query))

    async def get_many(self, tenant: str, keys: Iterable[NumberKey]) -> dict[NumberKey, PhoneNumber]:
        """Keys are sorted and cut into chunks; each chunk is one index range scan from its first to its last
        number, filtered here. Imports and syncs ask for tens of thousands of keys at once."""
        found: dict[NumberKey, PhoneNumber] = {}
        # By position (`from_table_row`): a re-import reads every number of the file, and building each
        # through the row's mapping was most of an unchanged re-import's CPU.
        for row in await self._in_ranges(tenant, keys, list(phone_numbers.columns)):
            number = from_table_row(row)
            found[(number.number, number.extension)] = number
        return found

    async def file_fields(self, tenant: str, keys: Iterable[NumberKey]) -> dict[NumberKey, FileFields]:
        """`get_many` of nine columns, decoded as `from_row` decodes them (tags split the same way)."""
        c = phone_numbers.c
        columns = [c.number, c.extension, c.number_type, c.status, c.location, c.range_label, c.carrier, c.pool]
        columns += [c.tags, c.notes, c.emergency_location_id]
        found: dict[NumberKey, FileFields] = {}
        for (
            number,
            extension,
            number_type,
            status,
            location,
            range_label,
            carrier,
            pool,
            tags,
            *rest,
        ) in await self._in_ranges(tenant, keys, columns):
            found[(number, extension)] = FileFields(
                number_type, status, location, range_label, carrier, pool, tags_of(tags), *rest
            )
        return found

    async def _in_ranges(self, tenant: str, keys: Iterable[NumberKey], columns: list[Any]) -> list[Any]:
        """The rows among `keys` (`columns`, number and extension among them): the keys sorted and cut into
        chunks, each one index range scan from its first to its last number, filtered here."""
        rows: list[Any] = []
        wanted = sorted(set(keys))
        wanted_set = set(wanted)
        names = [column.name for column in columns]
        number_at, extension_at = names.index("number"), names.index("extension")
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            query = select(*columns).where(
                phone_numbers.c.tenant == tenant,
                phone_numbers.c.number >= chunk[0][0],
                phone_numbers.c.number <= chunk[-1][0],
            )
            rows += [
                row
                for row in await self._connection.execute(query)
                if (row[number_at], row[extension_at]) in wanted_set
            ]
        return rows

    async def listed(
        self, tenant: str, keys: Iterable[NumberKey], *, lock: bool = False
    ) -> dict[NumberKey, PhoneNumber]:
        """The numbers among `keys` that exist, by key: one `number IN (...)` per chunk on the unique index,
        for a few scattered keys (a bulk run's batch) where `get_many`'s range scan could read the tenant."""
        found: dict[NumberKey, PhoneNumber] = {}
        wanted = set(keys)
        numbers = sorted({number for number, _ in wanted})
        for start in range(0, len(numbers), _CHUNK):
            chunk = numbers[start : start + _CHUNK]
            query = select(phone_numbers).where(phone_numbers.c.tenant == tenant, phone_numbers.c.number.in_(chunk))
            for row in await self._connection.execute(query.with_for_update() if lock else query):
                if (row.number, row.extension) in wanted:
                    number = from_row(row._mapping)
                    found[(number.number, number.extension)] = number
        return found

    async def by_ids(self, tenant: str, ids: Iterable[int], *, lock: bool = False) -> dict[int, PhoneNumber]:
        found: dict[int, PhoneNumber] = {}
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            query = select(phone_numbers).where(phone_numbers.c.tenant == tenant, phone_numbers.c.id.in_(chunk))
            if lock:
                query = query.with_for_update()
            for row in await self._connection.execute(query):
                number = from_row(row._mapping)
                assert number.id is not None
                found[number.id] = number
        return found

    async def lock_by_ids(self, tenant: str, ids: Iterable[int]) -> dict[int, PhoneNumber]:
        """FOR UPDATE on PostgreSQL; SQLite's writer lock (BEGIN IMMEDIATE) already holds every row."""
        return await self.by_ids(tenant, ids, lock=True)

    async def held_by(self, tenant: str, assignee_ids: Collection[str], *, lock: bool = False) -> list[PhoneNumber]:
        """Every number the inventory has on these holders (the partial index on tenant, assignee_id)."""
        if not assignee_ids:
            return []
        c = phone_numbers.c
        query = select(phone_numbers).where(c.tenant == tenant, c.assignee_id.in_(sorted(set(assignee_ids))))
        query = query.order_by(c.number)
        rows = await self._connection.execute(query.with_for_update() if lock else query)
        return [from_row(row._mapping) for row in rows]

    async def lock_expired(self, now: datetime, *, tenant: str | None, limit: int) -> list[PhoneNumber]:
        c, j = phone_numbers.c, teams_operations.c
        # A hold whose number Teams is still assigning is not expired: it ends when the journal entry closes.
        in_teams = exists().where(
            j.status == PENDING, j.tenant == c.tenant, j.number == c.number, j.extension == c.extension
        )
        expired_hold = and_(c.status == NumberStatus.RESERVED.value, c.hold_expires_at <= now, ~in_teams)
        quarantine_over = and_(c.status == NumberStatus.QUARANTINED.value, c.quarantined_until <= now)
        query = select(phone_numbers).where(expired_hold | quarantine_over)
        if tenant is not None:
            query = query.where(c.tenant == tenant)
        query = query.order_by(c.id).limit(limit).with_for_update(skip_locked=True)
        return [from_row(row._mapping) for row in await self._connection.execute(query)]

    async def lock_expiring(self, now: datetime, before: datetime, *, limit: int) -> list[PhoneNumber]:
        c = phone_numbers.c
        query = (
            select(phone_numbers)
            .where(
                c.status == NumberStatus.RESERVED.value,
                c.hold_expires_at > now,
                c.hold_expires_at <= before,
                c.hold_warned_at.is_(None),
                c.hold_owner.not_like("flow:%"),
            )
            .order_by(c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [from_row(row._mapping) for row in await self._connection.execute(query)]

    async def numbers_between(self, tenant: str, first: str, last: str) -> set[str]:
        query = select(phone_numbers.c.number).where(
            phone_numbers.c.tenant == tenant,
            phone_numbers.c.extension == "",
            phone_numbers.c.number >= first,
            phone_numbers.c.number <= last,
            func.length(phone_numbers.c.number) == len(first),
        )
        return {row[0] for row in await self._connection.execute(query)}

    async def all_in_tenant(self, tenant: str) -> list[PhoneNumber]:
        query = select(phone_numbers).where(phone_numbers.c.tenant == tenant).order_by(phone_numbers.c.number)
        return [from_row(row._mapping) for row in await self._connection.execute(query)]

    async def for_sync(self, tenant: str) -> list[LocalNumber]:
        """One lean query: only the columns the diff compares, straight into LocalNumber."""
        query = select(*SYNC_COLUMNS).where(phone_numbers.c.tenant == tenant)
        return [local_number(row) for row in await self._connection.execute(query)]

    async def search(self, query: NumberQuery, *, limit: int = 25, after: str | None = None) -> Page:
        return await number_search.search_numbers(self._connection, query, limit=limit, after=after)

    async def count(self, query: NumberQuery, *, at_most: int | None = None) -> int:
        return await number_search.count_numbers(self._connection, query, at_most=at_most)

    async def available_by(self, tenant: str, facet: Facet) -> list[tuple[str, int]]:
        return await number_search.available_by(self._connection, tenant, facet)

    async def status_counts_by_pool(
        self, tenant: str, pools: Collection[str] | None = None
    ) -> list[tuple[str | None, str, int]]:
        return await number_search.status_counts_by_pool(self._connection, tenant, pools)

    async def available_up_to(self, tenant: str, pool: str, limit: int) -> int:
        return await number_search.available_up_to(self._connection, tenant, pool, limit)


# The columns of an inventory row the sync diff compares, in `local_number`'s order.
SYNC_COLUMNS = [
    phone_numbers.c[name]
    for name in (
        "id",
        "number",
        "status",
        "version",
        "assignee_id",
        "assignee_upn",
        "assignee_name",
        "voice_routing_policy",
        "number_type",
        "emergency_location_id",
        "location",
        "extension",
        "assignee_type",
        "assignee_assignment",
        "activation_state",
    )
]
_STATUSES = {member.value: member for member in NumberStatus}
_TYPES = {member.value: member for member in NumberType}
_ACCOUNT_TYPES = {member.value: member for member in AccountType}


def local_number(row: Any) -> LocalNumber:
    """A row of `SYNC_COLUMNS` as the diff's LocalNumber (enum values looked up: a sync reads a million)."""
    return LocalNumber(
        id=row[0],
        number=row[1],
        status=_STATUSES[row[2]],
        version=row[3],
        assignee_id=row[4],
        assignee_upn=row[5],
        assignee_name=row[6],
        voice_routing_policy=row[7],
        number_type=_TYPES.get(row[8]) or NumberType(row[8]),  # a type Teams added since: kept verbatim
        emergency_location_id=row[9],
        location=row[10],
        extension=row[11] or "",
        assignee_type=_ACCOUNT_TYPES[row[12]] if row[12] else None,
        assignee_assignment=row[13],
        activation_state=activation_state_of(row[14]),
    )
