"""Job leadership through the database: one replica at a time runs the periodic jobs.

On PostgreSQL the leader holds a session advisory lock on a connection of its own. PostgreSQL frees the
lock when that session ends, so a replica that crashes, is stopped or loses the database loses
leadership, and another replica takes it at its next tick; the leader checks its session before every
run. Between a session dying and the leader noticing, two replicas may overlap for one run: the jobs'
writes are conditional updates, so that costs a repeated read, never a double change.

SQLite is one process's database: that process always leads.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)
# Any constant works; it only has to be the same in every replica and differ from the migration lock.
JOB_LOCK_KEY = 0x5157_1B0B


class DatabaseJobLeadership:
    """Implements `inventory.ports.leadership.JobLeadership` over the store's engine."""

    def __init__(self, engine: AsyncEngine, *, key: int = JOB_LOCK_KEY) -> None:
        self._engine = engine
        self._key = key
        self._held: AsyncConnection | None = None

    async def lead(self) -> bool:
        if self._engine.dialect.name != "postgresql":
            return True
        if self._held is not None:
            if await self._still_alive(self._held):
                return True
            log.warning("job leadership lost: the database session that held it ended")
            await self._forget()
        return await self._try_to_take()

    async def release(self) -> None:
        if self._held is None:
            return
        try:
            await self._held.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
            await self._held.close()
        except Exception as error:  # the session is gone, and the lock with it
            log.info("job leadership released with its session (%s)", error.__class__.__name__)
            await self._forget()
        self._held = None

    async def _try_to_take(self) -> bool:
        try:
            connection = await self._engine.connect()
        except Exception as error:
            log.warning("job leadership: database unreachable (%s)", error.__class__.__name__)
            return False
        try:
            # Autocommit: the lock belongs to the session, and no transaction stays open beside it.
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            won = (await connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key})).scalar_one()
        except Exception as error:
            log.warning("job leadership: could not ask for the lock (%s)", error.__class__.__name__)
            await connection.invalidate()
            return False
        if not won:
            await connection.close()
            return False
        self._held = connection
        log.info("job leadership taken: this replica runs the periodic jobs")
        return True

    async def _still_alive(self, connection: AsyncConnection) -> bool:
        try:
            await connection.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def _forget(self) -> None:
        # Never hand a connection that may still hold the lock back to the pool for reuse.
        held, self._held = self._held, None
        if held is not None:
            try:
                await held.invalidate()
            except Exception as error:
                log.info("job leadership: dropping the old session failed (%s)", error.__class__.__name__)
