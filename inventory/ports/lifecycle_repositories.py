"""Repositories of the lifecycle features past the seed: capacity thresholds and saved searches."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from inventory.capacity import Threshold
from inventory.model import Actor
from inventory.rules import Rule


class ThresholdRepository(Protocol):
    async def all(self, tenant: str) -> list[tuple[Threshold, bool]]:
        """Each threshold of `tenant` by pool name, with whether the last check found the pool low."""
        ...

    async def put(self, tenant: str, threshold: Threshold, *, actor: Actor, at: datetime, correlation_id: str) -> None:
        """Set (or replace) a pool's threshold, audited; the next check decides whether the pool is low."""
        ...

    async def remove(self, tenant: str, pool: str, *, actor: Actor, at: datetime, correlation_id: str) -> bool:
        """Remove a pool's threshold, audited; False when it had none."""
        ...

    async def mark(self, tenant: str, pool: str, *, low: bool, at: datetime) -> bool:
        """Record that the pool is (no longer) low; a conditional update: True for the one check that flips it."""
        ...


class SavedSearchRepository(Protocol):
    async def save(self, operator_id: str, tenant: str, name: str, search: str, *, at: datetime) -> None:
        """Insert or replace the operator's search called `name` (lower-cased)."""
        ...

    async def get(self, operator_id: str, tenant: str, name: str) -> str | None: ...

    async def names(self, operator_id: str, tenant: str) -> list[tuple[str, str]]:
        """(name, search) of each of the operator's saved searches in `tenant`, by name."""
        ...

    async def delete(self, operator_id: str, tenant: str, name: str) -> bool: ...

    async def last_numbers_search(self, operator_id: str, tenant: str) -> tuple[str, str] | None:
        """The search and status of the operator's most recent `numbers` card in `tenant` (None: none open)."""
        ...


class RuleRepository(Protocol):
    async def all(self, tenant: str, *, lock: bool = False) -> list[Rule]:
        """The tenant's rules in order, positions counted from 1; `lock` holds them for a reorder."""
        ...

    async def add(self, tenant: str, rule: Rule, *, actor: Actor, at: datetime, correlation_id: str) -> Rule: ...

    async def reorder(
        self, tenant: str, ordered: list[Rule], *, actor: Actor, at: datetime, correlation_id: str
    ) -> None: ...

    async def delete(self, tenant: str, rule: Rule, *, actor: Actor, at: datetime, correlation_id: str) -> bool: ...
