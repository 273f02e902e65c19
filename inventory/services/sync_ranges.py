"""The sync's diff with memory bounded by a range, not by the tenant: the middle of `SyncService.start_sync`.

What Teams reports arrives page by page (`Spill`, the sink of `PhoneSystem.stream_snapshot`). A tenant that fits in one
range stays in memory and is diffed at once, as it always was (the drift check runs this for every
tenant, so the small case costs no extra writes). Past that, the batches spill into the run's staging
rows, and the diff walks the key space one range of `chunk` Teams numbers at a time: store in SQL the
range's adds that need none of the diff's rules (`inventory.store.sync_plain_adds`), read the rest of its
staged numbers, accounts and local rows, diff them, store the changes, forget them. Each range is its
own read and its own write, so other operators' writes go on between ranges; the changes carry the
version of each row they were computed from, so the commit skips rows that moved meanwhile, as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

from inventory.e164 import split_teams_number
from inventory.model import NumberType
from inventory.ports.phone_system import DirectoryEntry, TeamsAccount, TeamsNumber, TeamsSnapshot, named
from inventory.ports.storage import Storage
from inventory.sync.diff import compute_diff
from inventory.sync.ranges import Bound, Totals


class Spill:
    """A `SnapshotSink` for one sync: held in memory up to `limit` numbers, accounts and names; past that,
    staged, `limit` rows a write (pages are small; a transaction per page would cost more than the rows).

    The listings call it concurrently; a lock keeps a write from losing what arrives meanwhile.
    A number reported twice keeps its first report, in memory as in the staging (`seq` is arrival order).
    """

    def __init__(self, storage: Storage, run_id: str, tenant: str, started_at: datetime, *, limit: int) -> None:
        self.storage = storage
        self.run_id = run_id
        self.tenant = tenant
        self.started_at = started_at
        self.limit = limit
        self.staged = False
        self.numbers_seen = 0
        self.accounts_seen = 0
        self._lock = asyncio.Lock()
        self._numbers: dict[str, TeamsNumber] = {}
        self._accounts: dict[str, TeamsAccount] = {}
        self._names: dict[str, DirectoryEntry] = {}
        self._seq = 0

    async def numbers(self, batch: Sequence[TeamsNumber]) -> None:
        async with self._lock:
            for number in batch:
                # Once staged, a repeat in another write is told apart by `seq` (the staging keeps the first).
                self._numbers.setdefault(number.key, number)
            self.numbers_seen += len(batch)
            await self._maybe_write()

    async def accounts(self, batch: Sequence[TeamsAccount]) -> None:
        async with self._lock:
            for account in batch:
                self._accounts.setdefault(account.id, account)
            await self._maybe_write()

    async def names(self, batch: Sequence[DirectoryEntry]) -> None:
        async with self._lock:
            for entry in batch:
                self._names.setdefault(entry.id, entry)
            await self._maybe_write()

    async def finish(self) -> None:
        """The fetch is over: write what is held, if the fetch was staged, and count what it staged."""
        async with self._lock:
            if not self.staged:
                self.numbers_seen, self.accounts_seen = len(self._numbers), len(self._accounts)
                return
            await self._write()
            async with self.storage.write() as uow:
                await uow.sync_staging.refresh_statistics(with_inventory=True)  # for the range reads
                self.numbers_seen, self.accounts_seen = await uow.sync_staging.counts(self.run_id)

    async def _maybe_write(self) -> None:
        if len(self._numbers) + len(self._accounts) + len(self._names) > self.limit:
            await self._write()

    async def _write(self) -> None:
        numbers, accounts, names = list(self._numbers.values()), self._accounts.values(), self._names.values()
        async with self.storage.write() as uow:
            if not self.staged:
                await uow.sync_staging.begin(self.run_id, self.tenant, self.started_at)
            await uow.sync_staging.add_numbers(self.run_id, numbers, first_seq=self._seq)
            await uow.sync_staging.add_accounts(self.run_id, accounts)
            await uow.sync_staging.add_names(self.run_id, names)
        self.staged = True
        self._seq += len(numbers)
        self._numbers, self._accounts, self._names = {}, {}, {}

    def in_memory(self) -> TeamsSnapshot:
        """The whole fetch, named, when it never spilled."""
        assert not self.staged
        accounts = {key: named(account, self._names.get(key)) for key, account in self._accounts.items()}
        return TeamsSnapshot(list(self._numbers.values()), accounts)


async def diff_in_ranges(
    storage: Storage,
    run_id: str,
    tenant: str,
    *,
    chunk: int,
    default_type: NumberType,
    in_flight: frozenset[str],
) -> Totals:
    """Diff the staged fetch of `run_id` against the inventory one key range at a time, storing the changes."""
    totals = Totals()
    after: Bound | None = None
    # A pending operation's number is left to the diff (which leaves it out), any extension of it too.
    pending = frozenset(split_teams_number(key)[0] for key in in_flight)
    while True:
        async with storage.write() as uow:
            upto = await uow.sync_staging.next_bound(run_id, after, chunk)
            # The adds that need no rule (most of a first sync) go from staging to changes in SQL. Stored
            # before the read, so a number someone adds meanwhile is one the read then sees as theirs.
            added = await uow.sync_staging.store_plain_adds(
                run_id, tenant, after, upto, default_type=default_type, in_flight=pending
            )
        async with storage.read() as uow:
            staged = await uow.sync_staging.read_range(run_id, tenant, after, upto, in_flight=pending, plain_adds=added)
        snapshot = TeamsSnapshot(staged.numbers, staged.accounts)
        # Pure CPU over one range: off the event loop, so other operators' turns go on.
        diff = await asyncio.to_thread(
            compute_diff, staged.local, snapshot, default_type=default_type, in_flight=in_flight
        )
        totals.add(diff, settled=staged.settled, added=added)
        if diff.changes:
            async with storage.write() as uow:
                await uow.sync_runs.add_changes(run_id, diff.changes)
        if upto is None:
            async with storage.write() as uow:
                await uow.sync_staging.refresh_statistics()  # for the commit's INSERT ... SELECT
            return totals
        after = upto
