"""A tenant's assignment rules, in order. Every change is audited in the same transaction; a reorder
rewrites the positions of all of the tenant's rules, with the rows locked on PostgreSQL (SQLite's writers
are serialised already), so two admins reordering at once cannot leave two rules at one position."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from inventory.model import Actor
from inventory.rules import Rule
from inventory.store.audit_repository import SqlAuditRepository
from inventory.store.tables import assignment_rules

_R = assignment_rules.c


class SqlRuleRepository:
    def __init__(self, connection: AsyncConnection, audit: SqlAuditRepository) -> None:
        self._connection = connection
        self._audit = audit

    async def all(self, tenant: str, *, lock: bool = False) -> list[Rule]:
        query = select(assignment_rules).where(_R.tenant == tenant).order_by(_R.position, _R.id)
        if lock:
            query = query.with_for_update()
        rows = (await self._connection.execute(query)).mappings()
        return [
            Rule(
                position=index,
                conditions=tuple((str(a), str(v)) for a, v in row["conditions"]),
                pool=row["pool"],
                policy=row["policy"],
                id=row["id"],
            )
            for index, row in enumerate(rows, start=1)
        ]

    async def add(self, tenant: str, rule: Rule, *, actor: Actor, at: datetime, correlation_id: str) -> Rule:
        """Append `rule` after the tenant's last one; returns it with its id and position."""
        last = (await self._connection.execute(select(func.max(_R.position)).where(_R.tenant == tenant))).scalar()
        position = int(last or 0) + 1
        values = {
            "tenant": tenant,
            "position": position,
            "conditions": [list(pair) for pair in rule.conditions],
            "pool": rule.pool,
            "policy": rule.policy,
            "created_at": at,
        }
        result = await self._connection.execute(assignment_rules.insert().values(**values).returning(_R.id))
        added = Rule(position, rule.conditions, rule.pool, rule.policy, id=int(result.scalar_one()))
        await self._audit.write_setting(
            tenant, "add-rule", actor, at=at, correlation_id=correlation_id, before=None, after=_snapshot(added)
        )
        return added

    async def reorder(
        self, tenant: str, ordered: list[Rule], *, actor: Actor, at: datetime, correlation_id: str
    ) -> None:
        """Give the tenant's rules the positions of `ordered` (every rule, by id)."""
        for position, rule in enumerate(ordered, start=1):
            statement = update(assignment_rules).where(_R.id == rule.id).values(position=position)
            await self._connection.execute(statement)
        after = {"order": [_snapshot(r)["rule"] for r in ordered]}
        await self._audit.write_setting(
            tenant, "move-rule", actor, at=at, correlation_id=correlation_id, before=None, after=after
        )

    async def delete(self, tenant: str, rule: Rule, *, actor: Actor, at: datetime, correlation_id: str) -> bool:
        statement = delete(assignment_rules).where((_R.tenant == tenant) & (_R.id == rule.id))
        if not (await self._connection.execute(statement)).rowcount:
            return False
        await self._audit.write_setting(
            tenant, "delete-rule", actor, at=at, correlation_id=correlation_id, before=_snapshot(rule), after=None
        )
        return True


def _snapshot(rule: Rule) -> dict[str, Any]:
    return {"rule": rule.label.partition(": ")[2], "pool": rule.pool, "policy": rule.policy}
