"""Work for every tenant, a few at a time: bounded, in order, and no tenant holds up the others."""

from __future__ import annotations

import asyncio
import gc

from inventory.gc_pause import collector_paused
from inventory.services.each_tenant import each_tenant

TENANTS = [f"tenant-{i}" for i in range(10)]


async def test_every_tenant_is_worked_on_with_never_more_than_the_concurrency_at_once() -> None:
    seen: list[str] = []

    async def work(tenant: str) -> None:
        await asyncio.sleep(0)
        seen.append(tenant)

    run = await each_tenant(TENANTS, work, concurrency=3)

    assert sorted(seen) == sorted(TENANTS)
    assert sorted(run.done) == sorted(TENANTS)
    assert run.peak_concurrent == 3


async def test_a_failing_tenant_is_reported_and_the_others_are_still_checked() -> None:
    async def work(tenant: str) -> None:
        if tenant == "tenant-2":
            raise RuntimeError("Graph refused the token for tenant-2")

    run = await each_tenant(TENANTS, work, concurrency=2)

    assert run.failed == {"tenant-2": "Graph refused the token for tenant-2"}
    assert len(run.done) == 9


async def test_a_slow_tenant_holds_one_place_while_the_others_go_past_it() -> None:
    slow_may_finish = asyncio.Event()
    finished: list[str] = []

    async def work(tenant: str) -> None:
        if tenant == "tenant-0":
            await slow_may_finish.wait()
        finished.append(tenant)
        if len(finished) == len(TENANTS) - 1:
            slow_may_finish.set()  # only once every other tenant is done

    run = await each_tenant(TENANTS, work, concurrency=2)

    assert finished[-1] == "tenant-0"
    assert sorted(run.done) == sorted(TENANTS)


async def test_a_tenant_past_its_time_is_stopped_and_reported_as_too_slow() -> None:
    async def work(tenant: str) -> None:
        if tenant == "tenant-1":
            await asyncio.Event().wait()  # never answers

    run = await each_tenant(TENANTS, work, concurrency=4, per_tenant_seconds=0.01)

    assert list(run.failed) == ["tenant-1"]
    assert "took longer than" in run.failed["tenant-1"]
    assert len(run.done) == 9


def test_overlapping_collector_pauses_turn_the_collector_back_on_when_the_last_one_ends() -> None:
    assert gc.isenabled()
    first, second = collector_paused(), collector_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first sync ends before the second (not nested)
    assert not gc.isenabled()
    second.__exit__(None, None, None)

    assert gc.isenabled()
