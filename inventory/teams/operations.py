"""Waiting for a Teams number operation to finish.

Assign and unassign answer 202 with a Location; only the operation's own status says whether the
number moved. We poll (Retry-After when Teams sends one, else 0.25 s doubling to a steady 1 s, and to
5 s once an operation has run for a minute)
until a final status or our deadline, which becomes TIMED_OUT: the caller keeps its pending intent
and reconciles later. Both adapters use this loop, so their timing is the same under test.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from inventory.errors import TeamsError
from inventory.metrics import TEAMS_OPERATION_WAIT_SECONDS
from inventory.ports.clock import Clock
from inventory.ports.phone_system import OperationOutcome, OperationStatus
from inventory.teams.mapping import OperationReading
from inventory.teams.retry import GraphTuning, next_poll_delay

logger = logging.getLogger(__name__)

# One poll: the reading plus the Retry-After (seconds) that came with it, if any.
OperationReader = Callable[[], Awaitable[tuple[OperationReading, float | None]]]


async def wait_for_operation(
    read: OperationReader,
    *,
    clock: Clock,
    tuning: GraphTuning,
    operation_id: str | None,
    first_retry_after: float | None = None,
) -> OperationOutcome:
    """Poll until succeeded/failed/skipped, or return TIMED_OUT at `tuning.operation_deadline_seconds`."""
    started = clock.now()
    delay: float | None = None
    retry_after = first_retry_after
    polls = 0
    while True:
        elapsed = (clock.now() - started).total_seconds()
        delay = next_poll_delay(tuning, delay, retry_after, elapsed)
        remaining = tuning.operation_deadline_seconds - elapsed
        if remaining <= 0:
            logger.warning("operation_timed_out operation=%s polls=%d", operation_id, polls)
            _observe_wait(clock, started, "timed_out")
            return OperationOutcome(OperationStatus.TIMED_OUT, None, operation_id)
        # The last sleep is cut to the deadline so one more look happens exactly when we would give up.
        await clock.sleep(min(delay, remaining))
        polls += 1
        try:
            reading, retry_after = await read()
        except TeamsError as error:
            if not error.retryable:
                raise
            # The operation keeps running in Teams whatever our connection does; keep looking until the deadline.
            logger.warning("operation_poll_failed operation=%s polls=%d", operation_id, polls)
            retry_after = None
            continue
        operation_id = reading.operation_id or operation_id
        if reading.final is not None:
            logger.info("operation_finished operation=%s status=%s polls=%d", operation_id, reading.final, polls)
            _observe_wait(clock, started, reading.final.value)
            return OperationOutcome(reading.final, reading.detail, operation_id)


def _observe_wait(clock: Clock, started: datetime, outcome: str) -> None:
    # Measured on the injected clock, as the deadline is: what the operator waited, in Teams' time.
    TEAMS_OPERATION_WAIT_SECONDS.labels(outcome).observe((clock.now() - started).total_seconds())
