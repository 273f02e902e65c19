"""Running one piece of work for every tenant, a few tenants at a time.

A periodic job over 200 tenants cannot go one tenant after another (200 syncs of 5,000 numbers take
longer than any sensible interval) nor all at once (200 snapshots in memory together, 200 tenants'
Graph quota spent in the same second). At most `concurrency` tenants are worked on at once, each as
soon as a place frees, so a slow tenant holds one place and the others go on past it; a tenant that
fails, or takes longer than `per_tenant_seconds`, is logged and counted, and never stops the rest.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass
class TenantsRun:
    """What happened to each tenant, for the job's log and the benchmark."""

    done: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # tenant -> why (an error, or too slow)
    peak_concurrent: int = 0


async def each_tenant(
    tenants: Sequence[str],
    work: Callable[[str], Awaitable[object]],
    *,
    concurrency: int,
    per_tenant_seconds: float | None = None,
) -> TenantsRun:
    """`work(tenant)` for every tenant, at most `concurrency` at once, in the order given."""
    run = TenantsRun()
    queue = list(reversed(tenants))
    running = 0

    async def one(tenant: str) -> None:
        nonlocal running
        running += 1
        run.peak_concurrent = max(run.peak_concurrent, running)
        try:
            async with asyncio.timeout(per_tenant_seconds):
                await work(tenant)
        except TimeoutError:
            run.failed[tenant] = f"took longer than {per_tenant_seconds:.0f} s"
            log.warning("tenant work timed out tenant=%s seconds=%s", tenant, per_tenant_seconds)
        except Exception as error:  # one tenant's failure is that tenant's, not the job's
            run.failed[tenant] = str(error) or type(error).__name__
            log.exception("tenant work failed tenant=%s", tenant)
        else:
            run.done.append(tenant)
        finally:
            running -= 1

    async def worker() -> None:
        while queue:
            await one(queue.pop())

    await asyncio.gather(*(worker() for _ in range(max(1, min(concurrency, len(tenants))))))
    return run
