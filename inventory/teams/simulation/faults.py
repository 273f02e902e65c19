"""Failure knobs (random, seeded) and scripted faults (exact, one-shot) for the simulated tenant.

Both adapters consult the same tenant, so "the next 3 assigns fail" or "the next list request gets a
429 with Retry-After: 2" behaves the same through SimulatedPhoneSystem and through the Graph server.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# statusDetail texts in the style Teams uses; the service layer shows them verbatim.
REALISTIC_FAILURES = (
    "The user does not have a Teams Phone license (MCOEV). Assign the license and try again.",
    "The telephone number is already assigned to another user or resource account.",
    "An emergency location is required for this number in this country. Provide a locationId and try again.",
    "The user is still being provisioned for Teams Phone. Try again in a few minutes.",
    "The telephone number is not enabled for the requested usage (userAssignment).",
)
DEFAULT_FAILURE_DETAIL = REALISTIC_FAILURES[0]


@dataclass(frozen=True)
class FaultKnobs:
    """Random behaviour for demos and soak tests. Zero everywhere means a perfect tenant."""

    latency_ms: float = 0.0  # added to every Graph request by the server
    throttle_rate: float = 0.0  # share of requests answered 429 with Retry-After
    retry_after_seconds: int = 1
    server_error_rate: float = 0.0  # share of requests answered 503 (or 504)
    operation_failure_rate: float = 0.0  # share of assign/unassign operations that fail
    operation_delay_seconds: float = 0.0  # how long an operation takes from notStarted to its final status
    operation_retry_after: int | None = None  # Retry-After on the 202 and on unfinished polls, when set
    # Teams' own bound on a tenant's number operations running at once: one more assign/unassign is
    # answered 429 with Retry-After (integer seconds, as Graph sends it). None: no bound.
    max_running_operations: int | None = None
    busy_retry_after_seconds: int = 1


@dataclass(frozen=True)
class HttpFault:
    """A Graph request answered with `status` (and Retry-After), or a 200 whose body is cut in half."""

    status: int
    retry_after: int | None = None
    message: str | None = None
    truncate: bool = False


_FOREVER = 2**62  # a scripted fault that is never used up


@dataclass
class _Scripted:
    remaining: int
    fault: HttpFault
    path_contains: str
    method: str | None

    def matches(self, method: str, path: str) -> bool:
        return self.path_contains in path and (self.method is None or self.method == method)


@dataclass
class _ScriptedOperation:
    remaining: int
    action: str | None
    number: str | None
    outcome: str  # "failed" or "stalled"
    detail: str | None

    def matches(self, action: str, number: str) -> bool:
        return (self.action is None or self.action == action) and (self.number is None or self.number == number)


class ScriptedFaults:
    """Exact faults for tests, consumed in the order they were scripted."""

    def __init__(self) -> None:
        self._http: list[_Scripted] = []
        self._operations: list[_ScriptedOperation] = []
        self.reported_twice: set[str] = set()

    def respond_next(
        self,
        status: int,
        *,
        count: int = 1,
        retry_after: int | None = None,
        path_contains: str = "",
        method: str | None = None,
        message: str | None = None,
    ) -> None:
        """The next `count` Graph requests whose path contains `path_contains` get `status`."""
        self._http.append(_Scripted(count, HttpFault(status, retry_after, message), path_contains, method))

    def fail_policy_grants(self, *, count: int | None = 1, status: int = 403, message: str | None = None) -> None:
        """The next `count` voice routing policy grants (POST .../policy/userAssignments/assign) get `status`;
        `count=None`: every one from now on (a grant that never lands)."""
        remaining = _FOREVER if count is None else count
        fault = HttpFault(status, message=message or "The policy assignment could not be processed.")
        self._http.append(_Scripted(remaining, fault, "policy/userAssignments/assign", "POST"))

    def truncate_next(self, *, count: int = 1, path_contains: str = "", method: str | None = "GET") -> None:
        """The next `count` matching responses are cut in half: malformed JSON with a 200."""
        self._http.append(_Scripted(count, HttpFault(200, truncate=True), path_contains, method))

    def fail_next_operations(
        self,
        *,
        count: int = 1,
        action: str | None = None,
        number: str | None = None,
        detail: str = DEFAULT_FAILURE_DETAIL,
    ) -> None:
        """The next `count` assign/unassign operations (of `action`, for `number`) fail with `detail`."""
        self._operations.append(_ScriptedOperation(count, action, number, "failed", detail))

    def stall_next_operations(self, *, count: int = 1, action: str | None = None, number: str | None = None) -> None:
        """The next matching operations stay `running` forever."""
        self._operations.append(_ScriptedOperation(count, action, number, "stalled", None))

    def report_twice(self, number: str) -> None:
        """List `number` twice in numberAssignments (as a page shift during paging would)."""
        self.reported_twice.add(number)

    def clear(self) -> None:
        self._http.clear()
        self._operations.clear()
        self.reported_twice.clear()

    def take_http(self, method: str, path: str) -> HttpFault | None:
        """Consume the first scripted HTTP fault that matches this request."""
        for entry in self._http:
            if entry.matches(method, path):
                entry.remaining -= 1
                if entry.remaining <= 0:
                    self._http.remove(entry)
                return entry.fault
        return None

    def take_operation(self, action: str, number: str) -> tuple[str, str | None] | None:
        """Consume the first scripted operation fault that matches: ("failed", detail) or ("stalled", None)."""
        for entry in self._operations:
            if entry.matches(action, number):
                entry.remaining -= 1
                if entry.remaining <= 0:
                    self._operations.remove(entry)
                return entry.outcome, entry.detail
        return None


def random_http_fault(knobs: FaultKnobs, rng: random.Random) -> HttpFault | None:
    """A seeded draw against the throttle and server-error rates."""
    if knobs.throttle_rate > 0 and rng.random() < knobs.throttle_rate:
        return HttpFault(429, retry_after=knobs.retry_after_seconds, message="Too many requests")
    if knobs.server_error_rate > 0 and rng.random() < knobs.server_error_rate:
        status = 504 if rng.random() < 0.2 else 503
        return HttpFault(status, message="The service is temporarily unavailable")
    return None


def busy_fault(knobs: FaultKnobs, running: int) -> HttpFault:
    """The 429 for an operation over `max_running_operations`, shaped as Graph documents throttling."""
    return HttpFault(
        429,
        retry_after=knobs.busy_retry_after_seconds,
        message=f"Too many requests: {running} number operations are already running for this tenant.",
    )


def starts_operation(method: str, path: str) -> bool:
    """Whether a Graph request would start a number operation (assignNumber or unassignNumber)."""
    return method == "POST" and path.endswith(("assignNumber", "unassignNumber"))


def random_operation_failure(knobs: FaultKnobs, rng: random.Random) -> str | None:
    """A realistic statusDetail for a randomly failing operation, or None."""
    if knobs.operation_failure_rate > 0 and rng.random() < knobs.operation_failure_rate:
        return rng.choice(REALISTIC_FAILURES)
    return None
