"""Benchmark: how long after a Teams operation finishes does Switchboard notice it?

Each assignment goes through the real Graph adapter over HTTP to the local stand-in, whose operations
take a set time (`--operation-delay`). The floor is that time: the figure is the delay between the
operation finishing in "Teams" and the adapter returning its outcome, and the polls it cost. Sizes
run concurrently (one stand-in each), so the whole bench takes about as long as the longest operation.
Past a minute the adapter polls every 5 s; pass `--seconds 0.2 2 10 75` to see that step too.

    .venv/bin/python -m bench.operation_wait [--mode quick|full] [--seconds 0.2 2 10] [--samples 3]

quick: 0.2, 2 and 10 s operations, one sample each; full: 0.2, 2, 10 and 75 s, three samples each.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from inventory.model import NumberType
from inventory.teams.factory import phone_system_for
from inventory.teams.simulation import FaultKnobs, SimAccount, SimNumber, SimulatedTenant
from inventory.teams.stand_in.server import start_graph_server

NUMBER_PATH = "/admin/teams/telephoneNumberManagement/operations"
MODES = {"quick": ([0.2, 2.0, 10.0], 1), "full": ([0.2, 2.0, 10.0, 75.0], 3)}


def _tenant(samples: int, delay: float) -> SimulatedTenant:
    accounts = [
        SimAccount(f"obj-{i}", f"user{i}@contoso.test", f"User {i}", enterprise_voice=True) for i in range(samples)
    ]
    numbers = [SimNumber(f"+1206555{i:04d}", "directRouting", capabilities=["userAssignment"]) for i in range(samples)]
    return SimulatedTenant(
        name="contoso", accounts=accounts, numbers=numbers, knobs=FaultKnobs(operation_delay_seconds=delay)
    )


async def _measure(delay: float, samples: int) -> tuple[float, list[float], list[int]]:
    server = await start_graph_server(_tenant(samples, delay))
    late: list[float] = []
    polls: list[int] = []
    try:
        async with phone_system_for(server.tenant_config("contoso")) as phone:
            for i in range(samples):
                before = sum(1 for record in server.requests if NUMBER_PATH in record.path)
                started = time.perf_counter()
                outcome = await phone.assign_number(f"+1206555{i:04d}", f"obj-{i}", NumberType.DIRECT_ROUTING)
                took = time.perf_counter() - started
                if not outcome.succeeded:
                    raise RuntimeError(f"the operation did not succeed: {outcome}")
                late.append(max(0.0, took - delay))
                polls.append(sum(1 for record in server.requests if NUMBER_PATH in record.path) - before)
    finally:
        await server.stop()
    return delay, late, polls


async def run(seconds: list[float], samples: int) -> None:
    print(f"operation wait: {samples} assignments per duration, real HTTP to the stand-in, durations concurrent")
    results = await asyncio.gather(*(_measure(delay, samples) for delay in seconds))
    for delay, late, polls in sorted(results):
        median_late = statistics.median(late)
        # Past a minute the adapter looks every 5 s by design (`retry.next_poll_delay`): its target is that step.
        allowed = 1.0 if delay < 60 else 5.0
        print(
            f"operation of {delay:6.1f} s   noticed after +{median_late * 1000:7.0f} ms"
            f" (max +{max(late) * 1000:6.0f} ms)"
            f"   polls {statistics.median(polls):4.0f}   x{(delay + median_late) / delay:5.2f} floor"
            f"   [target: within about {allowed:.0f} s of finishing] {'MET' if max(late) <= allowed else 'MISSED'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=sorted(MODES), default="quick")
    parser.add_argument("--seconds", type=float, nargs="+", default=None, help="instead of the mode's durations")
    parser.add_argument("--samples", type=int, default=None, help="instead of the mode's samples")
    arguments = parser.parse_args()
    seconds, samples = MODES[arguments.mode]
    asyncio.run(run(arguments.seconds or seconds, arguments.samples or samples))


if __name__ == "__main__":
    main()
