"""Small helpers every benchmark shares: timing samples and printing one line per figure."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def describe(name: str, samples_s: list[float], *, floor_s: float | None = None, target: str = "") -> str:
    """`name: p50 1.23 ms  p95 2.34 ms  p99 3.45 ms  (n=200)  x4.1 floor  target ...` in milliseconds."""
    ms = [s * 1000 for s in samples_s]
    line = (
        f"{name:<34} p50 {statistics.median(ms):7.2f} ms  p95 {percentile(ms, 0.95):7.2f} ms  "
        f"p99 {percentile(ms, 0.99):7.2f} ms  (n={len(ms)})"
    )
    if floor_s:
        line += f"  x{statistics.median(samples_s) / floor_s:5.1f} floor"
    if target:
        line += f"  [{target}]"
    return line


async def sample(run: Callable[[], Awaitable[object]], *, repeat: int, warmup: int = 5) -> list[float]:
    for _ in range(warmup):
        await run()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        await run()
        samples.append(time.perf_counter() - started)
    return samples
