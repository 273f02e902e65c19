"""Which kind of work the current task does, carried in a context variable.

The Graph client sits below the services and should not take a parameter through every port method
for this; a context variable follows the task (and the tasks it starts) instead. A bulk run marks
each of its operations as bulk with the gate's `Feedback`, which the client tells what Teams answered.
Everything unmarked is interactive: an operator waiting on a card.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from enum import Enum
from typing import Protocol


class Lane(Enum):
    INTERACTIVE = "interactive"
    BULK = "bulk"


class Feedback(Protocol):
    """What a gate wants to hear about the Graph answers of the operation it admitted."""

    def throttled(self, retry_after: float | None) -> None: ...

    def server_error(self) -> None: ...

    def answered(self, seconds: float) -> None: ...


_BULK: ContextVar[Feedback | None] = ContextVar("switchboard_bulk_lane", default=None)


def current() -> Lane:
    return Lane.BULK if _BULK.get() is not None else Lane.INTERACTIVE


@contextlib.contextmanager
def bulk(feedback: Feedback) -> Iterator[None]:
    """Mark the work inside as bulk, its Graph answers going to `feedback`."""
    token = _BULK.set(feedback)
    try:
        yield
    finally:
        _BULK.reset(token)


def report_round_trip(seconds: float) -> None:
    """The Graph client's hook: how long Teams took to answer one request of bulk work (our own
    queueing for a connection excluded), so the gate judges Teams' latency, not our backlog."""
    feedback = _BULK.get()
    if feedback is not None:
        feedback.answered(seconds)


def report_status(status: int, retry_after: float | None) -> None:
    """The Graph client's hook: a 429 or 5xx answered to bulk work goes to its gate."""
    feedback = _BULK.get()
    if feedback is None:
        return
    if status == 429:
        feedback.throttled(retry_after)
    elif status >= 500:
        feedback.server_error()
