"""A clock for tests: time moves only when a test (or a sleep) moves it, so no test waits for real."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self.current

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.current += timedelta(seconds=seconds)
        await asyncio.sleep(0)  # still yield, so other tasks run as they would around a real sleep

    @property
    def slept(self) -> float:
        return sum(self.sleeps)

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)
