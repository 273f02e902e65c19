"""How long to wait before trying Graph again, and how long to try at all.

Graph asks for a pause with `Retry-After` (seconds) on 429 and sometimes on 503/504; we wait exactly
that. Without the header we back off exponentially with jitter, so a tenant's worth of workers that
were throttled together do not come back together. Both adapters (Graph and the in-process simulation)
read the same `GraphTuning`, so a test that injects failures sees the same waits from either.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime

# Statuses Graph documents as "try again later". Everything else in 4xx is our mistake or a missing
# permission, and retrying would only hide it from the operator.
RETRYABLE_STATUSES = frozenset({429, 503, 504})
# On reads a 500/502 is usually a hiccup in front of Graph; retrying a read is harmless.
RETRYABLE_READ_STATUSES = RETRYABLE_STATUSES | {500, 502}


@dataclass(frozen=True)
class GraphTuning:
    """Every limit the Graph adapter enforces. The defaults suit a real tenant; tests shrink them."""

    max_attempts: int = 5  # per request, the first try included
    backoff_base_seconds: float = 1.0
    backoff_cap_seconds: float = 30.0
    max_retry_after_seconds: float = 120.0  # a longer Retry-After fails fast with the wait in the message
    request_timeout_seconds: float = 30.0  # one HTTP exchange (aiohttp ClientTimeout total)
    connect_timeout_seconds: float = 10.0
    call_deadline_seconds: float = 180.0  # one logical request including its retries and waits
    operation_deadline_seconds: float = 300.0  # assign/unassign: from the 202 to a final status
    # Operation polling. A short first poll sees a quick operation done at once (bulk runs of hundreds
    # depend on it); then the delay doubles to a steady second, so an operation of a few seconds is noticed
    # within about a second of finishing; after a minute of running, the delay grows to the cap, since an
    # operation that slow gains nothing from frequent looks and each look costs Graph quota.
    poll_first_delay_seconds: float = 0.25
    poll_steady_seconds: float = 1.0
    poll_slow_after_seconds: float = 60.0
    poll_cap_seconds: float = 5.0
    number_page_size: int = 1000  # Graph's maximum $top for numberAssignments
    user_page_size: int = 999  # Graph's maximum $top for /users
    user_configuration_page_size: int | None = 999  # maximum not documented; None: Graph's default pages
    max_pages: int = 5000  # a guard against a server that pages forever (5 million numbers)
    token_timeout_seconds: float = 30.0
    jitter: Callable[[float], float] = field(default=lambda ceiling: random.uniform(ceiling / 2, ceiling), repr=False)


def backoff_seconds(tuning: GraphTuning, attempt: int) -> float:
    """The pause before retry number `attempt` (1-based) when Graph did not say how long to wait."""
    ceiling = min(tuning.backoff_cap_seconds, tuning.backoff_base_seconds * (2 ** (attempt - 1)))
    return max(0.0, tuning.jitter(ceiling))


def retry_after_seconds(headers: Mapping[str, str], now: datetime) -> float | None:
    """`Retry-After` as seconds: Graph sends an integer, RFC 9110 also allows an HTTP date."""
    value = headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


def next_poll_delay(
    tuning: GraphTuning, previous: float | None, retry_after: float | None, elapsed_seconds: float = 0.0
) -> float:
    """The pause before the next look at an operation: Graph's Retry-After when given, else the first delay
    doubling to the steady delay, and past `poll_slow_after_seconds` of waiting, on to the cap."""
    if retry_after is not None:
        return min(retry_after, tuning.max_retry_after_seconds)
    if previous is None:
        return tuning.poll_first_delay_seconds
    slow = elapsed_seconds >= tuning.poll_slow_after_seconds
    ceiling = tuning.poll_cap_seconds if slow else tuning.poll_steady_seconds
    return min(ceiling, previous * 2) if previous < ceiling else ceiling
