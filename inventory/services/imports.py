"""Importing numbers: a carrier's CSV or a range. All or nothing, idempotent, audited.

A file is checked completely before anything is written; one bad line rejects the whole file
(with every bad line named) unless the operator asks to skip invalid lines. Re-importing the same
file changes nothing and says so. Who holds a number is never taken from a file: that is Teams'
truth and arrives by sync.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from inventory.audit import new_correlation_id
from inventory.csv_format import read_inventory_csv
from inventory.e164 import NumberRange
from inventory.errors import ImportRejected
from inventory.import_plan import ImportPlan, plan_import
from inventory.model import Actor, NumberType
from inventory.ports.clock import Clock
from inventory.ports.repositories import NewNumber, NumberRepository
from inventory.ports.storage import Storage

ImportProgress = Callable[[int, int], Awaitable[None]]  # (rows written, rows to write)


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
) -> ImportReport:
    """Apply a whole inventory CSV to `tenant`, or nothing of it (see the module docstring)."""
    async with storage.read() as uow:
        types_in_use = await uow.numbers.types_in_use(tenant)
    parsed = read_inventory_csv(content, default_region=default_region, types_in_use=types_in_use)
    if parsed.problems and not skip_invalid:
        raise _rejected(parsed.problems)
    if not parsed.rows:
        raise ImportRejected("The file has no valid rows; nothing was imported.", parsed.problems)
    correlation_id = new_correlation_id()
    async with storage.write() as uow:
        existing = (
            {}  # a first import into a tenant: nothing to compare against
            if await uow.numbers.tenant_is_empty(tenant)
            else await uow.numbers.get_many(tenant, [(r.number, r.extension) for r in parsed.rows])
        )
        plan = plan_import(tenant, parsed.rows, existing, actor, clock.now(), default_number_type)
        if plan.problems and not skip_invalid:
            raise _rejected(plan.problems)
        report = ImportReport(
            added=len(plan.new),
            updated=len(plan.updates),
            unchanged=plan.unchanged,
            skipped=parsed.problems + plan.problems,
            dry_run=dry_run,
            correlation_id=correlation_id,
        )
        if dry_run:
            return report
        await _write(uow.numbers, plan, actor, clock, correlation_id, "import", progress)
    return report


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
) -> CsvPreview:
    """The dry run of `import_csv` over every valid line, and the pools the file would create."""
    report = await import_csv(
        storage,
        tenant,
        content,
        actor=actor,
        clock=clock,
        default_number_type=default_number_type,
        default_region=default_region,
        skip_invalid=True,
        dry_run=True,
    )
    async with storage.read() as uow:
        types_in_use = await uow.numbers.types_in_use(tenant)
        known = {(pool or "").lower() for pool, _, _ in await uow.numbers.status_counts_by_pool(tenant)}
    parsed = read_inventory_csv(content, default_region=default_region, types_in_use=types_in_use)
    pools = sorted({row.pool for row in parsed.rows if row.pool and row.pool.lower() not in known})
    return CsvPreview(report, len(parsed.rows), pools)


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
        await _write(uow.numbers, plan, actor, clock, correlation_id, "import-range", progress)
    return ImportReport(added=len(new), updated=0, unchanged=len(present), correlation_id=correlation_id)


async def _write(
    numbers: NumberRepository,
    plan: ImportPlan,
    actor: Actor,
    clock: Clock,
    correlation_id: str,
    action: str,
    progress: ImportProgress | None,
) -> None:
    total = len(plan.new) + len(plan.updates)

    async def added(done: int, _: int) -> None:
        if progress:
            await progress(done, total)

    await numbers.add(
        plan.new, action=action, actor=actor, at=clock.now(), correlation_id=correlation_id, progress=added
    )
    if plan.updates:
        # Lock the rows to change, check none moved since they were read, then write them in one executemany
        # (a re-import that touches 100,000 rows must not be 100,000 UPDATE statements).
        read = {before.id: before.version for before, _ in plan.updates}
        current = await numbers.lock_by_ids(plan.updates[0][0].tenant, [i for i in read if i is not None])
        if any(i not in current or current[i].version != version for i, version in read.items()):
            raise ImportRejected(
                "Some numbers were changed by someone else during the import; nothing was imported. Run it again."
            )
        await numbers.save_locked(plan.updates, action=action, actor=actor, correlation_id=correlation_id)
        if progress:
            await progress(total, total)


def _rejected(problems: list[str]) -> ImportRejected:
    count = len(problems)
    return ImportRejected(
        f"{count:,} {'line is' if count == 1 else 'lines are'} invalid, so nothing was imported. Fix them, or "
        "import with --skip-invalid "
        "to import the valid lines only.",
        problems,
    )
