"""One tenant's gate in front of Teams number operations: bulk work waits for room, clicks never do.

Bulk operations are admitted while the operations in flight (bulk and interactive) stay below the
adaptive limit less `reserve`, the share kept for operators' own assignments; an interactive operation
is never queued behind a bulk run, only counted, so the bulk run leaves it room. A 429 stops new bulk
admissions for its Retry-After (Graph's rule: requests sent while throttled prolong the throttling)
and, with a 5xx, cuts the limit (`limit.AdaptiveLimit`). Each tenant has its own gate (`TenantGates`),
so one tenant's bulk run never waits on another's Teams.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from inventory.pacing import lane
from inventory.pacing.limit import AdaptiveLimit, LimitTuning
from inventory.ports.clock import Clock

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class GateTuning:
    limit: LimitTuning = field(default_factory=LimitTuning)
    reserve: int = 2  # operations in flight a bulk run leaves to operators' clicks


class OperationGate:
    """See the module docstring. `peak_in_flight` and `throttled` are for benchmarks and logs."""

    def __init__(self, tenant: str, clock: Clock, tuning: GateTuning | None = None) -> None:
        self.tenant = tenant
        self.tuning = tuning or GateTuning()
        self.limit = AdaptiveLimit(self.tuning.limit)
        self._clock = clock
        self._bulk = 0
        self._interactive = 0
        self._paused_until: datetime | None = None
        self._room = asyncio.Condition()
        self.peak_in_flight = 0  # bulk operations at once
        self.throttled = 0  # every 429 answered to bulk work (a cut or not)
        self.server_errors = 0

    @property
    def in_flight(self) -> int:
        return self._bulk + self._interactive

    @property
    def bulk_room(self) -> int:
        """How many bulk operations may be in flight now: the limit less the operators' reserve (at least 1)."""
        limit = self.limit.limit
        return max(1, limit - min(self.tuning.reserve, limit - 1)) - self._interactive

    @contextlib.asynccontextmanager
    async def bulk_slot(self) -> AsyncIterator[None]:
        """Hold one bulk operation's place; Graph's answers inside are fed back to the limit."""
        await self._admit()
        ticket = _Ticket(self, self.limit.generation)
        self._bulk += 1
        self.peak_in_flight = max(self.peak_in_flight, self._bulk)
        finished = False
        try:
            with lane.bulk(ticket):
                yield
            finished = True
        finally:
            self._bulk -= 1
            if finished and not ticket.pushed_back:
                # Teams' slowest answer within the operation, not the operation's wall time: that also
                # holds our own queueing (the database's writer, the event loop on a loaded machine),
                # which more operations in flight at Teams do not make worse.
                self.limit.succeeded(ticket.generation, ticket.slowest_answer)
            await self._wake()

    @contextlib.asynccontextmanager
    async def interactive_slot(self) -> AsyncIterator[None]:
        """Count an operator's operation (never waits), so bulk runs leave it room."""
        self._interactive += 1
        try:
            yield
        finally:
            self._interactive -= 1
            await self._wake()

    def pause(self, seconds: float) -> None:
        """No new bulk operation for `seconds` (a Retry-After); a longer pause already set stays."""
        until = self._clock.now() + timedelta(seconds=seconds)
        if self._paused_until is None or until > self._paused_until:
            self._paused_until = until

    async def _admit(self) -> None:
        while True:
            paused = self._pause_left()
            if paused > 0:
                await self._clock.sleep(paused)
                continue
            if self._bulk < self.bulk_room:
                return
            async with self._room:
                await self._room.wait()

    def _pause_left(self) -> float:
        if self._paused_until is None:
            return 0.0
        left = (self._paused_until - self._clock.now()).total_seconds()
        if left <= 0:
            self._paused_until = None
        return max(0.0, left)

    async def _wake(self) -> None:
        # Only as many waiters as there is room for: a run of a thousand waiting operations would
        # otherwise all wake (and sleep again) on every release.
        room = self.bulk_room - self._bulk
        if room > 0:
            async with self._room:
                self._room.notify(room)


class _Ticket:
    """One admitted bulk operation: Graph's pushback on it, for the gate's limit."""

    def __init__(self, gate: OperationGate, generation: int) -> None:
        self._gate = gate
        self.generation = generation
        self.pushed_back = False
        self.slowest_answer: float | None = None  # seconds: Teams' slowest round trip in this operation

    def answered(self, seconds: float) -> None:
        if self.slowest_answer is None or seconds > self.slowest_answer:
            self.slowest_answer = seconds

    def throttled(self, retry_after: float | None) -> None:
        gate = self._gate
        self.pushed_back = True
        gate.throttled += 1
        if gate.limit.throttled(self.generation, in_flight=gate.in_flight):
            logger.info("bulk_throttled tenant=%s limit=%d retry_after=%s", gate.tenant, gate.limit.limit, retry_after)
        if retry_after is not None:
            gate.pause(retry_after)

    def server_error(self) -> None:
        gate = self._gate
        self.pushed_back = True
        gate.server_errors += 1
        if gate.limit.failed(self.generation):
            logger.info("bulk_backed_off tenant=%s limit=%d", gate.tenant, gate.limit.limit)


class TenantGates:
    """One gate per tenant, made on first use: every bulk run and click of a tenant shares it."""

    def __init__(self, clock: Clock, tuning: GateTuning | None = None) -> None:
        self._clock = clock
        self._tuning = tuning
        self._gates: dict[str, OperationGate] = {}

    def __call__(self, tenant: str) -> OperationGate:
        gate = self._gates.get(tenant)
        if gate is None:
            gate = self._gates[tenant] = OperationGate(tenant, self._clock, self._tuning)
        return gate
