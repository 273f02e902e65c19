"""A real `switchboard serve` killed with SIGKILL in the middle of a bulk run, and started again: the run
finishes by itself and the inventory matches Teams (the five-run version is `bench/kill_restart.py`)."""

from __future__ import annotations

import random
from pathlib import Path

from tests.support.kill_run import kill_and_restart


async def test_a_bulk_run_killed_at_a_random_moment_ends_final_with_the_inventory_matching_teams(
    tmp_path: Path,
) -> None:
    seed = random.SystemRandom().randrange(1_000_000)
    run = await kill_and_restart(tmp_path, seed=seed)
    context = f"seed={seed} killed after {run.killed_after:.1f} s\n{run.log[-3000:]}"
    assert run.done_at_kill < 24, "the bot was killed after the run had ended: nothing was interrupted"
    assert run.mismatches == [], context
    assert (run.pending, run.running) == (0, 0), context
    assert "Done in contoso: 24 assigned, 0 failed" in run.results_card, context
