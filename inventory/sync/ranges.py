"""A sync diffed one key range at a time: what a range holds, and the running totals over all ranges. Pure.

The numbers of a tenant are cut into ranges of (number, extension) keys; `compute_diff` of one range sees
every Teams entry, every claim and every local row of those keys, so the diffs of the ranges together are
the diff of the whole tenant, while memory holds one range at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from inventory.ports.phone_system import TeamsAccount, TeamsNumber
from inventory.sync.changes import ADD, CATEGORIES, Diff, LocalNumber

Bound = tuple[str, str]  # (number, extension): the last key of a range
CHUNK = 5_000  # Teams numbers per range: a few MB of Python objects, whatever the tenant's size
# Numbers, accounts and names a fetch may hold in memory before it spills into staging: a tenant of
# 5,000 numbers (about 12,000 records, the drift check's) is diffed at once without a staging write.
SPILL_AT = 30_000


@dataclass(frozen=True)
class StagedRange:
    """One key range: Teams' numbers the diff must look at, the accounts that hold or claim them (each
    account's `numbers` lists only its claims the diff looks at), the inventory's rows of those keys
    (and of keys Teams does not report), and how many numbers both sides already agree on."""

    numbers: list[TeamsNumber]
    accounts: dict[str, TeamsAccount]
    local: list[LocalNumber]
    settled: int = 0


@dataclass
class Totals:
    """Counts per category (and "unchanged") over the ranges diffed so far."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys((*CATEGORIES, "unchanged"), 0))

    def add(self, diff: Diff, *, settled: int = 0, added: int = 0) -> None:
        """Count a range's diff, the numbers found unchanged in SQL (`settled`) and the adds stored in SQL."""
        for change in diff.changes:
            self.counts[change.category] += 1
        self.counts["unchanged"] += diff.unchanged + settled
        self.counts[ADD] += added
