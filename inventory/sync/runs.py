"""A stored sync run: what one look at Teams found, kept for review and committed at most once.

A run lives in the database with the version of every local row its changes were computed from, so any
replica can show it, page it or commit it. Its status moves from `open` to `committed` or `discarded`
exactly once; a second commit answers with the first one's result (`CommitResult.of_committed`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from inventory.sync.changes import CATEGORIES, DRIFT, Change

OPEN, COMMITTED, DISCARDED = "open", "committed", "discarded"
PREVIEW_SIZE = 10  # changes per category on the review card


@dataclass(frozen=True)
class SyncRun:
    id: str
    tenant: str
    status: str
    started_by_id: str
    started_by_name: str
    started_at: datetime
    expires_at: datetime
    counts: dict[str, int]  # per category, plus "unchanged"
    fetch_stats: dict[str, Any]
    closed_at: datetime | None = None
    closed_by_name: str | None = None
    result: dict[str, Any] | None = None  # a commit's CommitResult.as_json()

    @property
    def has_changes(self) -> bool:
        return any(self.counts.get(category, 0) for category in CATEGORIES)

    def left_nothing_behind(self) -> bool:
        """True when the inventory matched Teams once this run was over: it found nothing to change, or a
        commit applied all of it (a number on two accounts stays flagged and cannot be applied)."""
        if self.status == OPEN:
            return not self.has_changes
        if self.status != COMMITTED or not self.result or self.result.get("skipped"):
            return False
        applied = self.result.get("applied", {})
        flagged = int(self.result.get("flagged", 0))
        return all(
            int(applied.get(category, 0)) + (flagged if category == DRIFT else 0) >= self.counts.get(category, 0)
            for category in CATEGORIES
        )


@dataclass(frozen=True)
class StoredChange:
    id: int  # 0 for a change not read back from the store
    change: Change


@dataclass(frozen=True)
class SyncPreview:
    """What the review card shows: the run, with its counts, and the first changes of each category."""

    run: SyncRun
    preview: dict[str, list[StoredChange]]

    @property
    def has_changes(self) -> bool:
        return self.run.has_changes


@dataclass(frozen=True)
class CommitResult:
    run_id: str
    applied: dict[str, int]
    skipped: list[str] = field(default_factory=list)
    flagged: int = 0  # drift that no commit can fix (a number on two accounts)
    already_committed: bool = False
    committed_by: str = ""
    correlation_id: str = ""
    # Numbers of the run that Teams reports as failed (assignment or update): how many, and the first
    # few as "number: state" lines for the tenant's channel.
    failed_in_teams: int = 0
    failed_in_teams_lines: list[str] = field(default_factory=list)

    @property
    def total_applied(self) -> int:
        return sum(self.applied.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "applied": self.applied,
            "skipped": self.skipped,
            "flagged": self.flagged,
            "committed_by": self.committed_by,
            "correlation_id": self.correlation_id,
            "failed_in_teams": self.failed_in_teams,
            "failed_in_teams_lines": self.failed_in_teams_lines,
        }

    @classmethod
    def of_committed(cls, run: SyncRun) -> CommitResult:
        """The result a run's commit stored, for a second commit of the same run."""
        stored = run.result or {}
        return cls(
            run.id,
            dict(stored.get("applied", {})),
            list(stored.get("skipped", [])),
            int(stored.get("flagged", 0)),
            already_committed=True,
            committed_by=str(stored.get("committed_by", run.closed_by_name or "")),
            correlation_id=str(stored.get("correlation_id", "")),
            failed_in_teams=int(stored.get("failed_in_teams", 0)),
            failed_in_teams_lines=list(stored.get("failed_in_teams_lines", [])),
        )
