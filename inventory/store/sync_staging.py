"""What a sync fetched from Teams, staged by run, and read back one bounded key range at a time.

A tenant of 1,000,000 numbers never sits in Python whole: pages go into `sync_staged_*` as they arrive,
and the diff walks the numbers in (number, extension) order, a range of `chunk` staged numbers at a time,
counting in SQL the numbers both sides agree on (`sync_settled`) and reading as records only the rest,
with the local rows, claims and accounts they touch. Both sides of a range are
cut by the same SQL comparison (byte-wise: numbers are collated "C" on PostgreSQL), so every number,
staged or local, falls in exactly one range.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, func, insert, literal, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.e164 import number_key, split_teams_number
from inventory.model import AccountType, NumberType, activation_state_of
from inventory.ports.phone_system import DirectoryEntry, TeamsAccount, TeamsAssignmentStatus, TeamsNumber, named
from inventory.store.executemany import insert_many
from inventory.store.number_reads import SYNC_COLUMNS, local_number
from inventory.store.sync_plain_adds import plain_add, store_plain_adds
from inventory.store.sync_settled import holder_joins, settled
from inventory.store.tables import (
    phone_numbers,
    sync_changes,
    sync_staged_accounts,
    sync_staged_claims,
    sync_staged_names,
    sync_staged_numbers,
    sync_stagings,
)
from inventory.sync.changes import LocalNumber
from inventory.sync.ranges import Bound, StagedRange


class SqlSyncStaging:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def begin(self, run_id: str, tenant: str, at: datetime) -> None:
        await self._connection.execute(insert(sync_stagings).values(run_id=run_id, tenant=tenant, started_at=at))

    async def add_numbers(self, run_id: str, numbers: Iterable[TeamsNumber], *, first_seq: int = 0) -> int:
        """Stage numbers in arrival order from `first_seq` (a number staged twice keeps its first report)."""
        rows = [
            {
                "run_id": run_id,
                "seq": seq,
                "number": n.number,
                "extension": n.extension,
                "number_type": n.number_type.value if n.number_type else None,
                "assignment_status": n.assignment_status.value,
                "holder_id": n.holder_id,
                "location_id": n.location_id,
                "city": n.city,
                "activation_state": n.activation_state.value if n.activation_state else None,
            }
            for seq, n in enumerate(numbers, start=first_seq)
        ]
        await insert_many(self._connection, sync_staged_numbers, rows)
        return len(rows)

    async def add_names(self, run_id: str, names: Iterable[DirectoryEntry]) -> None:
        rows = [{"run_id": run_id, "id": n.id, "display_name": n.display_name, "upn": n.upn} for n in names]
        await insert_many(self._connection, sync_staged_names, rows, skip_conflicts=True)

    async def add_accounts(self, run_id: str, accounts: Iterable[TeamsAccount]) -> None:
        """Stage accounts and the numbers each one's settings list. An account seen before in this run is
        left as first staged (Graph's listing keeps the first of a repeated configuration too); its claims
        may be staged twice, which the diff reads as one (the same number on the same account)."""
        batch = list(accounts)
        rows = [
            {
                "run_id": run_id,
                "id": a.id,
                "upn": a.upn,
                "display_name": a.display_name,
                "account_type": a.account_type.value if a.account_type else None,
                "enterprise_voice": int(a.enterprise_voice),
                "voice_routing_policy": a.voice_routing_policy,
            }
            for a in batch
        ]
        await insert_many(self._connection, sync_staged_accounts, rows, skip_conflicts=True)
        claims = []
        for account in batch:
            for key in dict.fromkeys(account.numbers):
                number, extension = split_teams_number(key)
                claims.append({"run_id": run_id, "number": number, "extension": extension, "account_id": account.id})
        await insert_many(self._connection, sync_staged_claims, claims)

    async def next_bound(self, run_id: str, after: Bound | None, chunk: int) -> Bound | None:
        """The key that ends the range of the next `chunk` staged numbers after `after`; None when fewer
        are left (the last range then runs to the end of the key space)."""
        s = sync_staged_numbers.c
        query = (
            select(s.number, s.extension)
            .where(s.run_id == run_id, *_after(s.number, s.extension, after))
            .order_by(s.number, s.extension)
            .offset(chunk - 1)
            .limit(1)
        )
        row = (await self._connection.execute(query)).first()
        return (row[0], row[1]) if row else None

    async def store_plain_adds(
        self,
        run_id: str,
        tenant: str,
        after: Bound | None,
        upto: Bound | None,
        *,
        default_type: NumberType,
        in_flight: Collection[str],
    ) -> int:
        """Store the changes of the plain adds (`sync_plain_adds`) among the keys in (after, upto]; how many."""
        s = sync_staged_numbers.c
        in_range = _range(s.number, s.extension, after, upto)
        return await store_plain_adds(
            self._connection, run_id, tenant, in_range, default_type=default_type, in_flight=in_flight
        )

    async def read_range(
        self,
        run_id: str,
        tenant: str,
        after: Bound | None,
        upto: Bound | None,
        *,
        in_flight: Collection[str] = (),
        plain_adds: int = 0,
    ) -> StagedRange:
        """Both sides of the keys in (after, upto] (`upto` None: to the end): how many numbers are settled
        (`sync_settled`: unchanged, decided in SQL), and the rest as records for the diff — Teams' numbers
        with the accounts that hold or claim them, and the inventory's rows. The `plain_adds` reports that
        `store_plain_adds` (with the same `in_flight`) stored are left out: they were decided in SQL."""
        s, c, p = sync_staged_numbers.c, sync_staged_claims.c, phone_numbers.c
        in_range = [s.run_id == run_id, *_range(s.number, s.extension, after, upto)]
        count = select(func.count()).select_from(sync_staged_numbers).where(*in_range)
        reports = int((await self._connection.execute(count)).scalar_one())
        # One pass over the range's staged numbers, each beside its inventory row, holder and name: only the
        # ones SQL cannot decide come back (on a re-sync, about what changed), and become records.
        # The inventory side is cut to the range too (implied by the key equality): PostgreSQL otherwise hashes
        # the whole tenant's numbers for every range, a cost that grows with the tenant.
        same_key = and_(p.tenant == tenant, p.number == s.number, p.extension == s.extension)
        numbers = sync_staged_numbers.outerjoin(
            phone_numbers, and_(same_key, *_range(p.number, p.extension, after, upto))
        )
        is_settled = settled(run_id, sync_staged_numbers, phone_numbers, sync_staged_accounts, sync_staged_names)
        undecided = or_(
            and_(p.id.is_(None), ~plain_add(run_id, sync_staged_numbers, sync_staged_accounts, in_flight)),
            and_(p.id.is_not(None), ~is_settled),
        )
        query = (
            select(*_NUMBER_COLUMNS, *SYNC_COLUMNS)
            .select_from(holder_joins(run_id, numbers, sync_staged_numbers))
            .where(*in_range, undecided)
            .order_by(s.number, s.extension, s.seq)
        )
        undecided_reports = 0
        first_reports: dict[tuple[str, str], TeamsNumber] = {}
        local: list[LocalNumber] = []
        width = len(_NUMBER_COLUMNS)
        for row in await self._connection.execute(query):
            undecided_reports += 1
            if (row[0], row[1]) not in first_reports:
                first_reports[(row[0], row[1])] = _teams_number(row[:width])
                if row[width] is not None:
                    local.append(local_number(row[width:]))
        # A settled number is reported once, so the reports neither stored nor read back are that many numbers.
        settled_count = reports - undecided_reports - plain_adds
        # The inventory's rows of keys Teams does not report at all.
        reported = exists().where(s.run_id == run_id, s.number == p.number, s.extension == p.extension)
        unreported = select(*SYNC_COLUMNS).where(
            p.tenant == tenant,
            *_range(p.number, p.extension, after, upto),
            ~reported.correlate_except(sync_staged_numbers),
        )
        local += [local_number(row) for row in await self._connection.execute(unreported)]
        # Claims matter only for the numbers the diff sees (a settled number is claimed by its holder alone).
        claimed: dict[str, list[str]] = {}
        in_claims = and_(c.run_id == run_id, *_range(c.number, c.extension, after, upto))
        for row in await self._connection.execute(select(c.account_id, c.number, c.extension).where(in_claims)):
            if (row[1], row[2] or "") in first_reports:
                claimed.setdefault(row[0], []).append(number_key(row[1], row[2] or ""))
        touched = {n.holder_id for n in first_reports.values() if n.holder_id} | set(claimed)
        accounts = await self._accounts(run_id, sorted(touched), claimed)
        return StagedRange(list(first_reports.values()), accounts, local, settled_count)

    async def _accounts(self, run_id: str, ids: list[str], claimed: dict[str, list[str]]) -> dict[str, TeamsAccount]:
        a, n = sync_staged_accounts.c, sync_staged_names.c
        accounts: dict[str, TeamsAccount] = {}
        for first in range(0, len(ids), _IDS_PER_QUERY):
            some = ids[first : first + _IDS_PER_QUERY]
            names = {
                row[0]: DirectoryEntry(row[0], row[1], row[2])
                for row in await self._connection.execute(
                    select(n.id, n.display_name, n.upn).where(n.run_id == run_id, n.id.in_(some))
                )
            }
            query = select(*_ACCOUNT_COLUMNS).where(a.run_id == run_id, a.id.in_(some))
            for row in await self._connection.execute(query):
                accounts[row[0]] = named(_account(row, tuple(claimed.get(row[0], ()))), names.get(row[0]))
        return accounts

    async def refresh_statistics(self, *, with_inventory: bool = False) -> None:
        """PostgreSQL plans the range reads and the commit's INSERT ... SELECT from table statistics; tables
        that just grew from nothing to a million rows have none, and the planner's guess (a handful of rows)
        picks nested loops over sequential scans: minutes instead of seconds. `with_inventory`: the numbers
        table too, before the range reads (a re-sync soon after a first sync of 100,000 found a tenant of
        "21 rows" and sorted all of it on disk for every range, before autovacuum had looked).
        SQLite plans by its indexes."""
        if self._connection.dialect.name == "postgresql":
            tables = (*_STAGING_TABLES, sync_changes, *((phone_numbers,) if with_inventory else ()))
            await self._connection.exec_driver_sql(f"ANALYZE {', '.join(t.name for t in tables)}")

    async def counts(self, run_id: str) -> tuple[int, int]:
        """(numbers, accounts) staged for the run."""
        numbers = select(func.count()).select_from(sync_staged_numbers).where(sync_staged_numbers.c.run_id == run_id)
        accounts = select(func.count()).select_from(sync_staged_accounts).where(sync_staged_accounts.c.run_id == run_id)
        return (
            int((await self._connection.execute(numbers)).scalar_one()),
            int((await self._connection.execute(accounts)).scalar_one()),
        )

    async def drop(self, run_ids: Iterable[str], *, with_changes: bool = False) -> None:
        """Forget what these runs staged: their run is stored, or (`with_changes`) it never will be, and
        the changes its ranges stored go too."""
        ids = list(run_ids)
        if not ids:
            return
        tables = (*_STAGING_TABLES, sync_stagings)
        for table in (*tables, sync_changes) if with_changes else tables:
            await self._connection.execute(delete(table).where(table.c.run_id.in_(ids)))

    async def purge_before(self, cutoff: datetime) -> int:
        """Forget stagings started before `cutoff`: a diff that never finished (a crash, a kill -9)."""
        stale = [
            row[0]
            for row in await self._connection.execute(
                select(sync_stagings.c.run_id).where(sync_stagings.c.started_at < cutoff)
            )
        ]
        await self.drop(stale, with_changes=True)
        return len(stale)


def _after(number: Any, extension: Any, after: Bound | None) -> list[ColumnElement[bool]]:
    return [] if after is None else [tuple_(number, extension) > tuple_(literal(after[0]), literal(after[1]))]


def _range(number: Any, extension: Any, after: Bound | None, upto: Bound | None) -> list[ColumnElement[bool]]:
    until = [] if upto is None else [tuple_(number, extension) <= tuple_(literal(upto[0]), literal(upto[1]))]
    return _after(number, extension, after) + until


_NUMBER_COLUMNS = [
    sync_staged_numbers.c[name]
    for name in (
        "number",
        "extension",
        "number_type",
        "assignment_status",
        "holder_id",
        "location_id",
        "city",
        "activation_state",
    )
]
_ACCOUNT_COLUMNS = [
    sync_staged_accounts.c[name]
    for name in ("id", "upn", "display_name", "account_type", "enterprise_voice", "voice_routing_policy")
]
_STAGING_TABLES = (sync_staged_numbers, sync_staged_claims, sync_staged_accounts, sync_staged_names)
_IDS_PER_QUERY = 5_000  # account ids in one IN list (well under SQLite's 32,766 parameters)
# Enum construction is slow and a range reads thousands: look the values up instead.
_NUMBER_TYPES = {member.value: member for member in NumberType}
_ASSIGNMENTS = {member.value: member for member in TeamsAssignmentStatus}
_ACCOUNT_TYPES = {member.value: member for member in AccountType}


def _teams_number(row: Any) -> TeamsNumber:
    number, extension, number_type, assignment, holder, location, city, state = row
    return TeamsNumber(
        number=number,
        number_type=(_NUMBER_TYPES.get(number_type) or NumberType(number_type)) if number_type else None,
        assignment_status=_ASSIGNMENTS[assignment],
        holder_id=holder,
        location_id=location,
        city=city,
        activation_state=activation_state_of(state),
        extension=extension or "",
    )


def _account(row: Any, numbers: tuple[str, ...]) -> TeamsAccount:
    account_id, upn, display_name, account_type, enterprise_voice, policy = row
    return TeamsAccount(
        id=account_id,
        upn=upn,
        display_name=display_name,
        account_type=_ACCOUNT_TYPES[account_type] if account_type else None,
        enterprise_voice=bool(enterprise_voice),
        voice_routing_policy=policy,
        numbers=numbers,
    )
