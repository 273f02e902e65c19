"""Importing numbers: a carrier's CSV or a range. All or nothing, idempotent, audited.

A file is checked completely, a chunk at a time, inside the one transaction that writes it; one bad
line rejects the whole file (with every bad line named, and whatever was written rolled back) unless
the operator asks to skip invalid lines. Re-importing the same file changes nothing and says so. Who
holds a number in Teams is never taken from a file: that is Teams' truth and arrives by sync; a file
may reserve numbers (audited as the import, by the operator who imported).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from inventory.audit import new_correlation_id
from inventory.csv_format import CsvRow, InventoryCsvReader
from inventory.e164 import NumberRange
from inventory.errors import ImportRejected
from inventory.import_plan import DEFAULT_RESERVATION, ImportPlan, leaves_unchanged, plan_import
from inventory.model import Actor, NumberType
from inventory.ports.clock import Clock
from inventory.ports.repositories import NewNumber, NumberRepository
from inventory.ports.storage import Storage
from inventory.services.import_writes import ChunkWriter, ImportProgress, read_ahead

__all__ = ["CsvPreview", "ImportProgress", "ImportReport", "import_csv", "import_range", "preview_csv"]


@dataclass(frozen=True)
class ImportReport:
    added: int
    updated: int
    unchanged: int
    skipped: list[str] = field(default_factory=list)
    dry_run: bool = False
    correlation_id: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)

    def summary(self) -> str:
        verb = "Would add" if self.dry_run else "Added"
        if not self.changed:
            text = f"Nothing changed: all {self.unchanged:,} numbers are already in the inventory as given."
        else:
            text = f"{verb} {self.added:,}, updated {self.updated:,}, unchanged {self.unchanged:,}."
        if self.skipped:
            text += f" Skipped {len(self.skipped):,} invalid line(s)."
        return text


async def import_csv(
    storage: Storage,
    tenant: str,
    content: bytes | str,
    *,
    actor: Actor,
    clock: Clock,
    default_number_type: NumberType = NumberType.DIRECT_ROUTING,
    default_region: str | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: ImportProgress | None = None,
    reservation_length: timedelta = DEFAULT_RESERVATION,
) -> ImportReport:
    """Apply a whole inventory CSV to `tenant`, or nothing of it (see the module docstring)."""
    outcome = await _import(
        storage,
        tenant,
        content,
        actor=actor,
        clock=clock,
        default_number_type=default_number_type,
        default_region=default_region,
        skip_invalid=skip_invalid,
        dry_run=dry_run,
        progress=progress,
        reservation_length=reservation_length,
    )
    return outcome.report


@dataclass
class _Outcome:
    """What one pass over a file found, chunk by chunk (counts, not rows: memory stays flat)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    problems: list[str] = field(default_factory=list)
    pools: set[str] = field(default_factory=set)
    report: ImportReport = field(default_factory=lambda: ImportReport(0, 0, 0))


async def _import(
    storage: Storage,
    tenant: str,
    content: bytes | str,
    *,
    actor: Actor,
    clock: Clock,
    default_number_type: NumberType,
    default_region: str | None,
    skip_invalid: bool,
    dry_run: bool,
    progress: ImportProgress | None,
    reservation_length: timedelta,
) -> _Outcome:
    """Read, plan and write the file a chunk at a time in one transaction. A bad line stops the writing
    (unless `skip_invalid`) but not the reading, so every bad line is named; raising then rolls back
    whatever was written, which keeps the import all or nothing."""
    async with storage.read() as uow:
        types_in_use = await uow.numbers.types_in_use(tenant)
    reader = InventoryCsvReader(content, default_region=default_region, types_in_use=types_in_use)
    correlation_id = new_correlation_id()
    outcome = _Outcome()
    expected = content.count(b"\n") if isinstance(content, bytes) else content.count("\n")
    async with storage.write() as uow:
        empty = await uow.numbers.tenant_is_empty(tenant)  # a first import: nothing to compare against
        writer = ChunkWriter(uow.numbers, actor, clock, correlation_id, "import", progress, max(1, expected))
        try:
            async with contextlib.aclosing(read_ahead(reader.chunks())) as chunks:
                async for chunk in chunks:
                    outcome.problems += chunk.problems
                    outcome.rows += len(chunk.rows)
                    outcome.pools.update(row.pool for row in chunk.rows if row.pool)
                    await writer.settle()  # the connection is the writer's until its chunk is in
                    plan = await _plan_chunk(
                        uow.numbers, tenant, chunk.rows, empty, actor, clock.now(), default_number_type,
                        reservation_length,
                    )  # fmt: skip
                    outcome.problems += plan.problems
                    outcome.added += len(plan.new)
                    outcome.updated += len(plan.updates)
                    outcome.unchanged += plan.unchanged
                    if not dry_run and (skip_invalid or not outcome.problems):
                        writer.write(plan)
            await writer.finish()
        finally:
            await writer.stop()
        if outcome.problems and not skip_invalid:
            raise _rejected(outcome.problems)  # rolls back every chunk written
        if not outcome.rows:
            raise ImportRejected("The file has no valid rows; nothing was imported.", outcome.problems)
        outcome.report = ImportReport(
            added=outcome.added,
            updated=outcome.updated,
            unchanged=outcome.unchanged,
            skipped=outcome.problems,
            dry_run=dry_run,
            correlation_id=correlation_id,
        )
    return outcome


async def _plan_chunk(
    numbers: NumberRepository,
    tenant: str,
    rows: list[CsvRow],
    empty: bool,
    actor: Actor,
    now: datetime,
    default_number_type: NumberType,
    reservation_length: timedelta,
) -> ImportPlan:
    """`plan_import` of one chunk. A re-import first reads only the fields a row can set: the rows that
    surely change nothing (`leaves_unchanged`) are counted, and only the others' numbers are read whole
    and planned (building 5,000 full numbers to find them equal was most of an unchanged re-import)."""
    if empty or not rows:
        return plan_import(tenant, rows, {}, actor, now, default_number_type, reservation_length)
    stored = await numbers.file_fields(tenant, [(row.number, row.extension) for row in rows])
    closer = [
        row
        for row in rows
        if (fields := stored.get((row.number, row.extension))) is None or not leaves_unchanged(row, fields)
    ]
    known = [(row.number, row.extension) for row in closer if (row.number, row.extension) in stored]
    existing = await numbers.get_many(tenant, known) if known else {}
    plan = plan_import(tenant, closer, existing, actor, now, default_number_type, reservation_length)
    plan.unchanged += len(rows) - len(closer)
    return plan


@dataclass(frozen=True)
class CsvPreview:
    """What importing a file would do, shown before anything is written."""

    report: ImportReport  # a dry run: added, updated, unchanged, and every invalid line with its reason
    rows: int
    new_pools: list[str]  # pools the file names that the tenant has no number in yet (a typo, often)


async def preview_csv(
    storage: Storage,
    tenant: str,
    content: bytes,
    *,
    actor: Actor,
    clock: Clock,
    default_number_type: NumberType = NumberType.DIRECT_ROUTING,
    default_region: str | None = None,
    reservation_length: timedelta = DEFAULT_RESERVATION,
) -> CsvPreview:
    """The dry run of `import_csv` over every valid line, and the pools the file would create."""
    outcome = await _import(
        storage,
        tenant,
        content,
        actor=actor,
        clock=clock,
        default_number_type=default_number_type,
        default_region=default_region,
        skip_invalid=True,
        dry_run=True,
        progress=None,
        reservation_length=reservation_length,
    )
    async with storage.read() as uow:
        known = {(pool or "").lower() for pool, _, _ in await uow.numbers.status_counts_by_pool(tenant)}
    pools = sorted({pool for pool in outcome.pools if pool.lower() not in known})
    return CsvPreview(outcome.report, outcome.rows, pools)


async def import_range(
    storage: Storage,
    tenant: str,
    number_range: NumberRange,
    *,
    actor: Actor,
    clock: Clock,
    number_type: NumberType = NumberType.DIRECT_ROUTING,
    location: str | None = None,
    carrier: str | None = None,
    pool: str | None = None,
    range_label: str | None = None,
    progress: ImportProgress | None = None,
) -> ImportReport:
    """Add every number of a carrier's range that the inventory lacks; existing numbers stay as they are."""
    correlation_id = new_correlation_id()
    label = range_label or number_range.label
    async with storage.write() as uow:
        present = await uow.numbers.numbers_between(tenant, number_range.start, number_range.end)
        new = [
            NewNumber(tenant, number, number_type, location=location, carrier=carrier, pool=pool, range_label=label)
            for number in number_range.numbers()
            if number not in present
        ]
        plan = ImportPlan(new=new, updates=[], unchanged=len(present), problems=[])
        writer = ChunkWriter(uow.numbers, actor, clock, correlation_id, "import-range", progress, len(new))
        try:
            writer.write(plan)
            await writer.finish()
        finally:
            await writer.stop()
    return ImportReport(added=len(new), updated=0, unchanged=len(present), correlation_id=correlation_id)


def _rejected(problems: list[str]) -> ImportRejected:
    count = len(problems)
    return ImportRejected(
        f"{count:,} {'line is' if count == 1 else 'lines are'} invalid, so nothing was imported. Fix them, or "
        "import with --skip-invalid "
        "to import the valid lines only.",
        problems,
    )
