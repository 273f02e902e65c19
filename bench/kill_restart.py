"""Five bulk runs, each killed with SIGKILL at a random moment and restarted: mismatches between the
inventory and Teams, pending journal entries and bulk flows left running, per run.

A real `switchboard serve` process per start, the Graph stand-in with 1.5 s operations, 24 people each.

Run: .venv/bin/python -m bench.kill_restart [--mode quick|full] [--runs N] [--seed 1]   (quick: 2 runs; full: 5)
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from tests.support.kill_run import kill_and_restart

RUNS = {"quick": 2, "full": 5}


async def main(runs: int, seed: int) -> int:
    bad = 0
    for index in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            run = await kill_and_restart(Path(folder), seed=seed + index)
        final = next((line for line in run.results_card.splitlines() if line.startswith("Done in")), "(no card)")
        print(
            f"run {index + 1}: killed after {run.killed_after:4.1f} s (done {run.done_at_kill:2d}, "
            f"in flight {run.in_flight_at_kill})  mismatches={len(run.mismatches)}  "
            f"pending={run.pending}  running={run.running}  card: {final}"
        )
        for line in run.mismatches[:10]:
            print(f"    {line}")
        bad += bool(run.mismatches or run.pending or run.running)
    print(
        f"{runs - bad} of {runs} runs ended with 0 mismatches, 0 pending entries and 0 flows running"
        f"  [target: every run] {'MET' if bad == 0 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mode", choices=sorted(RUNS), default="quick")
    parser.add_argument("--runs", type=int, default=None, help="instead of the mode's runs")
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    raise SystemExit(asyncio.run(main(arguments.runs or RUNS[arguments.mode], arguments.seed)))
