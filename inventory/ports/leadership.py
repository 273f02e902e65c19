"""Which replica runs the periodic jobs. The SQL implementation is `inventory.store.leadership`."""

from __future__ import annotations

from typing import Protocol


class JobLeadership(Protocol):
    async def lead(self) -> bool:
        """True while this process may run the periodic jobs; asked before every run. Never raises:
        a database that cannot be reached means "not now"."""
        ...

    async def release(self) -> None:
        """Give leadership up (at shutdown), so another replica takes over at its next tick."""
        ...
