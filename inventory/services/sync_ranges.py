"""The sync's diff with memory bounded by a range, not by the tenant: the middle of `SyncService.start_sync`.

What Teams reports arrives in batches (`Spill.numbers`, `Spill.accounts`). A tenant that fits in one
range stays in memory and is diffed at once, as it always was (the drift check runs this for every
tenant, so the small case costs no extra writes). Past that, the batches spill into the run's staging
rows, and the diff walks the key space one range of `chunk` Teams numbers at a time: read the range's
staged numbers, accounts and local rows, diff them, store the changes, forget them. Each range is its
own read and its own write, so other operators' writes go on between ranges; the changes carry the
version of each row they were computed from, so the commit skips rows that moved meanwhile, as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from inventory.model import NumberType
from inventory.ports.phone_system import TeamsAccount, TeamsNumber, TeamsSnapshot
from inventory.ports.storage import Storage
from inventory.sync.diff import compute_diff
from inventory.sync.ranges import Bound, Totals


@dataclass
class Spill:
    """Batches of a sync's fetch: kept in memory up to `limit` numbers plus accounts, then staged."""

    storage: Storage
    run_id: str
    tenant: str
    started_at: datetime
    limit: int
    numbers_seen: int = 0
    accounts_seen: int = 0
    staged: bool = False
    _numbers: list[TeamsNumber] = field(default_factory=list)
    _accounts: dict[str, TeamsAccount] = field(default_factory=dict)

    async def numbers(self, batch: Iterable[TeamsNumber]) -> None:
        rows = list(batch)
        self.numbers_seen += len(rows)
        self._numbers.extend(rows)
        await self._maybe_flush()

    async def accounts(self, batch: Iterable[TeamsAccount]) -> None:
        for account in batch:
            if account.id not in self._accounts:
                self._accounts[account.id] = account
                self.accounts_seen += 1
        await self._maybe_flush()

    async def _maybe_flush(self) -> None:
        if len(self._numbers) + len(self._accounts) > self.limit:
            await self.flush()

    async def flush(self) -> None:
        """Write what is held to the run's staging rows (starting the staging on the first flush)."""
        async with self.storage.write() as uow:
            if not self.staged:
                await uow.sync_staging.begin(self.run_id, self.tenant, self.started_at)
                self.staged = True
            await uow.sync_staging.add_numbers(self.run_id, self._numbers)
            before = len(self._accounts)
            added = await uow.sync_staging.add_accounts(self.run_id, self._accounts.values())
        # An account repeated across batches once staged is counted once (the staging keeps the first).
        self.accounts_seen -= before - added
        self._numbers = []
        self._accounts = {}

    def in_memory(self) -> TeamsSnapshot:
        """The whole fetch, when it never spilled."""
        assert not self.staged
        return TeamsSnapshot(self._numbers, self._accounts)


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
    while True:
        async with storage.read() as uow:
            upto = await uow.sync_staging.next_bound(run_id, after, chunk)
            staged = await uow.sync_staging.read_range(run_id, after, upto)
            local = await uow.numbers.for_sync(tenant, after=after, upto=upto)
        snapshot = TeamsSnapshot(staged.numbers, staged.accounts)
        # Pure CPU over one range: off the event loop, so other operators' turns go on.
        diff = await asyncio.to_thread(compute_diff, local, snapshot, default_type=default_type, in_flight=in_flight)
        totals.add(diff)
        if diff.changes:
            async with storage.write() as uow:
                await uow.sync_runs.add_changes(run_id, diff.changes)
        if upto is None:
            return totals
        after = upto
