"""The adaptive limit and the per-tenant gate, driven with plain calls and a fake clock."""

from __future__ import annotations

import asyncio

from inventory.pacing import lane
from inventory.pacing.gate import GateTuning, OperationGate, TenantGates
from inventory.pacing.limit import AdaptiveLimit, LimitTuning
from tests.support.clock import FakeClock


def limit(start: int = 8, maximum: int = 256, probe_rounds: int = 32) -> AdaptiveLimit:
    return AdaptiveLimit(LimitTuning(start=start, maximum=maximum, probe_rounds=probe_rounds))


def test_the_limit_grows_by_one_operation_for_each_one_teams_accepted() -> None:
    window = limit(start=8)

    for _ in range(8):
        window.succeeded(window.generation)

    assert window.limit == 16


def test_the_limit_never_grows_past_its_maximum() -> None:
    window = limit(start=8, maximum=10)

    for _ in range(50):
        window.succeeded(window.generation)

    assert window.limit == 10


def test_a_429_cuts_the_limit_and_growth_stops_below_the_level_teams_refused() -> None:
    window = limit(start=12)

    assert window.throttled(window.generation, in_flight=11)
    assert window.limit == 8
    for _ in range(20):
        window.succeeded(window.generation)

    assert window.limit == 10  # Teams refused the 11th operation in flight: stay at 10


def test_past_the_refused_level_the_limit_probes_one_more_only_after_many_rounds() -> None:
    window = limit(start=12, probe_rounds=4)
    window.throttled(window.generation, in_flight=11)
    for _ in range(10):
        window.succeeded(window.generation)
    assert window.limit == 10

    for _ in range(30):  # three rounds of ten
        window.succeeded(window.generation)
    assert window.limit == 10
    for _ in range(15):
        window.succeeded(window.generation)
    assert window.limit == 11


def test_a_burst_of_429s_from_one_overshoot_cuts_the_limit_once() -> None:
    window = limit(start=20)
    admitted = window.generation

    cuts = [window.throttled(admitted, in_flight=20) for _ in range(5)]

    assert cuts == [True, False, False, False, False]
    assert window.limit == 14
    assert window.throttles == 1


def test_an_answer_to_an_operation_admitted_before_a_cut_does_not_grow_the_limit() -> None:
    window = limit(start=20)
    before = window.generation
    window.throttled(before, in_flight=20)

    window.succeeded(before)

    assert window.limit == 14


def test_a_server_error_cuts_the_limit_harder_than_a_429() -> None:
    throttled, failing = limit(start=20), limit(start=20)

    throttled.throttled(throttled.generation, in_flight=20)
    failing.failed(failing.generation)

    assert failing.limit == 10 < throttled.limit == 14


def test_the_limit_never_falls_below_one() -> None:
    window = limit(start=2)

    for _ in range(5):
        window.failed(window.generation)

    assert window.limit == 1


def gate(clock: FakeClock, start: int = 4, reserve: int = 1) -> OperationGate:
    return OperationGate("contoso", clock, GateTuning(limit=LimitTuning(start=start), reserve=reserve))


async def test_a_429_in_a_bulk_operation_holds_new_bulk_operations_for_its_retry_after(clock: FakeClock) -> None:
    tenant_gate = gate(clock)

    async with tenant_gate.bulk_slot():
        lane.report_status(429, 3.0)  # what the Graph client does with Teams' answer
    async with tenant_gate.bulk_slot():
        pass

    assert clock.sleeps == [3.0]
    assert tenant_gate.throttled == 1


async def test_a_server_error_in_a_bulk_operation_cuts_the_limit_without_a_pause(clock: FakeClock) -> None:
    tenant_gate = gate(clock, start=8)

    async with tenant_gate.bulk_slot():
        lane.report_status(503, None)

    assert tenant_gate.limit.limit == 4
    assert clock.sleeps == []


async def test_bulk_operations_leave_the_reserve_to_clicks_and_clicks_never_wait(clock: FakeClock) -> None:
    tenant_gate = gate(clock, start=4, reserve=1)
    release = asyncio.Event()
    started: list[int] = []

    async def bulk(index: int) -> None:
        async with tenant_gate.bulk_slot():
            started.append(index)
            await release.wait()

    runs = [asyncio.create_task(bulk(i)) for i in range(6)]
    for _ in range(5):
        await asyncio.sleep(0)
    assert len(started) == 3  # a limit of 4, one kept for an operator
    async with tenant_gate.interactive_slot():
        assert tenant_gate.in_flight == 4  # the click went straight through
        assert lane.current() is lane.Lane.INTERACTIVE
    release.set()
    await asyncio.gather(*runs)

    assert sorted(started) == list(range(6))
    assert tenant_gate.peak_in_flight <= 4


async def test_work_inside_a_bulk_slot_is_in_the_bulk_lane_and_outside_it_is_not(clock: FakeClock) -> None:
    tenant_gate = gate(clock)

    async with tenant_gate.bulk_slot():
        inside = lane.current()

    assert (inside, lane.current()) == (lane.Lane.BULK, lane.Lane.INTERACTIVE)


async def test_one_tenants_throttling_does_not_slow_another_tenant(clock: FakeClock) -> None:
    gates = TenantGates(clock, GateTuning(limit=LimitTuning(start=8)))

    async with gates("contoso").bulk_slot():
        lane.report_status(429, 5.0)
    async with gates("fabrikam").bulk_slot():
        pass

    assert clock.sleeps == []
    assert (gates("contoso").limit.limit, gates("fabrikam").limit.limit) == (5, 9)
    assert gates("contoso") is gates("contoso")


def test_operations_slower_than_the_fastest_lately_shrink_the_limit_instead_of_growing_it() -> None:
    window = limit(start=20)
    for _ in range(4):
        window.succeeded(window.generation, 0.3)
    assert window.limit == 24

    for _ in range(8):  # operations queueing: more than twice the time
        window.succeeded(window.generation, 0.7)

    assert window.limit == 20


def test_a_teams_that_became_slower_for_good_is_learnt_as_the_new_normal() -> None:
    window = limit(start=20, maximum=100_000)
    window.succeeded(window.generation, 0.2)

    for _ in range(2000):
        window.succeeded(window.generation, 2.0)
    before = window.limit
    for _ in range(5):
        window.succeeded(window.generation, 2.0)

    assert window.limit == before + 5


def test_queueing_never_takes_the_limit_below_where_it_started() -> None:
    window = limit(start=8)
    window.succeeded(window.generation, 0.2)

    for _ in range(50):
        window.succeeded(window.generation, 5.0)

    assert window.limit == 8


async def test_our_own_queueing_inside_a_bulk_operation_does_not_shrink_the_limit(clock: FakeClock) -> None:
    tenant_gate = gate(clock, start=8, reserve=0)

    for _ in range(4):
        async with tenant_gate.bulk_slot():
            lane.report_round_trip(0.2)  # Teams answered as fast as ever
            clock.advance(seconds=5)  # while the operation waited on our database and event loop

    assert tenant_gate.limit.limit == 12


async def test_teams_answering_slower_inside_bulk_operations_shrinks_the_limit(clock: FakeClock) -> None:
    tenant_gate = gate(clock, start=8, reserve=0)
    for _ in range(4):
        async with tenant_gate.bulk_slot():
            lane.report_round_trip(0.2)

    for _ in range(4):
        async with tenant_gate.bulk_slot():
            lane.report_round_trip(0.1)  # the POST was quick,
            lane.report_round_trip(0.9)  # the poll's answer was not: Teams queues operations

    assert tenant_gate.limit.limit == 10


async def test_a_bulk_operation_teams_never_answered_is_counted_only_as_a_success(clock: FakeClock) -> None:
    tenant_gate = gate(clock, start=8, reserve=0)

    async with tenant_gate.bulk_slot():
        clock.advance(seconds=30)

    assert tenant_gate.limit.limit == 9
