"""The one door to Graph: bearer token, bounded concurrency, deadlines and retries.

Per tenant at most `max_in_flight` requests are on the wire (an asyncio.Semaphore; waits for a retry
happen outside it so a throttled request does not block the others), and bulk work (`pacing.lane`)
gets at most `max_in_flight - interactive_reserve` of them, so an operator's picker never queues behind
a bulk run's polls. 429s and 5xx answered to bulk work are told to its gate (`pacing.gate`). Every
exchange has an aiohttp timeout and every logical call an overall deadline measured on the injected
Clock, so tests can assert the waits (a 429 with Retry-After: 2 sleeps exactly 2 s on the fake clock) without wall time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from yarl import URL

from inventory.errors import TeamsError
from inventory.metrics import GRAPH_REQUESTS, GRAPH_RETRIES
from inventory.pacing import lane
from inventory.ports.clock import Clock
from inventory.teams.auth import TokenSource
from inventory.teams.graph_errors import (
    error_for_status,
    gave_up,
    graph_error_message,
    network_failure,
    retry_after_too_long,
    unreadable_response,
)
from inventory.teams.odata import query_string
from inventory.teams.retry import (
    RETRYABLE_READ_STATUSES,
    RETRYABLE_STATUSES,
    GraphTuning,
    backoff_seconds,
    retry_after_seconds,
)
from inventory.tracing import span

logger = logging.getLogger(__name__)

# Graph's evolvable enums: without this, members added after v1.0 (a new numberType or activationState)
# arrive as "unknownFutureValue" and the real value is lost. With it, Graph sends the member's name.
INCLUDE_UNKNOWN_ENUMS = "include-unknown-enum-members"


@dataclass(frozen=True)
class GraphResponse:
    status: int
    headers: Mapping[str, str]  # case-insensitive (aiohttp's CIMultiDictProxy)
    body: bytes


@dataclass
class _Call:
    """One logical request across its attempts."""

    method: str
    what: str  # what Switchboard was trying to do, for the operator: "list phone numbers"
    permission: str
    started: datetime
    attempts: int = 0

    @property
    def idempotent(self) -> bool:
        return self.method == "GET"


@dataclass
class GraphStats:
    """Counters for benchmarks and logs."""

    requests: int = 0
    retries: int = 0
    throttled: int = 0  # answers 429
    waited_seconds: float = 0.0


class GraphClient:
    """Sends requests for one tenant; see the module docstring for the guarantees."""

    def __init__(
        self,
        *,
        tenant_name: str,
        base_url: str,
        token_source: TokenSource,
        clock: Clock,
        tuning: GraphTuning,
        max_in_flight: int,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.tenant_name = tenant_name
        self.base_url = base_url.rstrip("/")
        self.tuning = tuning
        self.clock = clock
        self.stats = GraphStats()
        self._origin = _origin(self.base_url)
        self._tokens = token_source
        self._semaphore = asyncio.Semaphore(max(1, max_in_flight))
        self._bulk_semaphore = asyncio.Semaphore(max(1, max_in_flight - interactive_reserve(max_in_flight)))
        self._session = session
        self._owns_session = session is None
        self.max_in_flight = max(1, max_in_flight)

    def __repr__(self) -> str:
        return f"GraphClient(tenant={self.tenant_name!r}, base_url={self.base_url!r})"

    @property
    def token_source(self) -> TokenSource:
        return self._tokens

    async def aclose(self) -> None:
        """Close the HTTP session when this client created it."""
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    def url(self, path: str, params: Mapping[str, str | int] | None = None) -> str:
        """An absolute, already-encoded URL under the Graph base."""
        full = path if path.startswith(("http://", "https://")) else f"{self.base_url}/{path.lstrip('/')}"
        return f"{full}?{query_string(params)}" if params else full

    async def get_json(self, url: str, *, what: str, permission: str) -> dict[str, Any]:
        """GET and parse a JSON object; retries as documented; raises TeamsError."""
        response = await self.request("GET", url, what=what, permission=permission)
        return self.parse_json(response, what=what)

    def parse_json(self, response: GraphResponse, *, what: str) -> dict[str, Any]:
        """The body as a JSON object, or a TeamsError that says the answer was unreadable."""
        try:
            document = json.loads(response.body)
        except ValueError:
            size = len(response.body)
            raise unreadable_response(
                what=what, tenant=self.tenant_name, problem=f"{size} bytes, not valid JSON"
            ) from None
        if not isinstance(document, dict):
            raise unreadable_response(what=what, tenant=self.tenant_name, problem="not a JSON object")
        return document

    async def request(
        self,
        method: str,
        url: str,
        *,
        what: str,
        permission: str,
        json_body: Any = None,
    ) -> GraphResponse:
        """One logical request: retried on 429/503/504 (and network errors, 500/502 for reads) until the deadline."""
        self._check_origin(url)
        call = _Call(method, what, permission, started=self.clock.now())
        while True:
            call.attempts += 1
            try:
                response = await self._send(method, url, json_body)
            except (aiohttp.ClientError, TimeoutError) as error:
                GRAPH_REQUESTS.labels(self.tenant_name, method, "network").inc()
                failure, wait = self._retry_after_network_error(call, error)
                reason = "network"
            else:
                if response.status < 400:
                    return response
                failure, wait = self._retry_after_refusal(call, response)
                reason = "throttled" if response.status == 429 else "server_error"
            await self._pause_before_retry(call, failure, wait)
            GRAPH_RETRIES.labels(self.tenant_name, reason).inc()

    def _retry_after_network_error(self, call: _Call, error: BaseException) -> tuple[TeamsError, float]:
        """The failure and the backoff before the next attempt; raises when a retry is not safe or allowed."""
        failure = network_failure(error, what=call.what, tenant=self.tenant_name, idempotent=call.idempotent)
        if not call.idempotent or call.attempts >= self.tuning.max_attempts:
            raise failure from None  # a lost POST may have reached Teams: never resend it blindly
        return failure, backoff_seconds(self.tuning, call.attempts)

    def _retry_after_refusal(self, call: _Call, response: GraphResponse) -> tuple[TeamsError, float]:
        """The failure and the wait Graph asked for (or a backoff); raises when the status is final."""
        retryable = response.status in (RETRYABLE_READ_STATUSES if call.idempotent else RETRYABLE_STATUSES)
        failure = error_for_status(
            response.status,
            what=call.what,
            tenant=self.tenant_name,
            permission=call.permission,
            graph_message=graph_error_message(response.body),
            attempts=call.attempts,
        )
        asked = retry_after_seconds(response.headers, self.clock.now())
        lane.report_status(response.status, asked)
        self.stats.throttled += response.status == 429
        if not retryable or call.attempts >= self.tuning.max_attempts:
            raise failure
        if asked is not None and asked > self.tuning.max_retry_after_seconds:
            raise retry_after_too_long(asked, what=call.what, tenant=self.tenant_name, status=response.status)
        wait = asked if asked is not None else backoff_seconds(self.tuning, call.attempts)
        logger.warning(
            "graph_retry tenant=%s method=%s status=%s attempt=%d wait_s=%.3f retry_after=%s",
            self.tenant_name,
            call.method,
            response.status,
            call.attempts,
            wait,
            asked,
        )
        return failure, wait

    async def _pause_before_retry(self, call: _Call, failure: TeamsError, wait: float) -> None:
        """Sleep `wait` on the clock, unless that would overrun the call's deadline (then raise)."""
        elapsed = (self.clock.now() - call.started).total_seconds()
        if elapsed + wait > self.tuning.call_deadline_seconds:
            raise gave_up(failure, what=call.what, tenant=self.tenant_name, attempts=call.attempts, elapsed=elapsed)
        self.stats.retries += 1
        self.stats.waited_seconds += wait
        await self.clock.sleep(wait)

    async def _send(self, method: str, url: str, json_body: Any) -> GraphResponse:
        token = await self._tokens.access_token()
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json", "Prefer": INCLUDE_UNKNOWN_ENUMS}
        timeout = aiohttp.ClientTimeout(
            total=self.tuning.request_timeout_seconds, connect=self.tuning.connect_timeout_seconds
        )
        path = urlsplit(url).path  # never the query: it can carry a person's name from a search
        async with self._slot():
            session = self._open_session()
            self.stats.requests += 1
            sent = self.clock.now()  # inside the slot: our wait for a connection is not Teams' latency
            with span(f"graph {method}", **{"http.request.method": method, "url.path": path}) as traced:
                async with session.request(
                    method, URL(url, encoded=True), headers=headers, json=json_body, timeout=timeout
                ) as response:
                    body = await response.read()
                    lane.report_round_trip((self.clock.now() - sent).total_seconds())
                    traced.set_attribute("http.response.status_code", response.status)
                    GRAPH_REQUESTS.labels(self.tenant_name, method, str(response.status)).inc()
                    logger.debug(
                        "graph_request tenant=%s method=%s path=%s status=%s bytes=%d",
                        self.tenant_name,
                        method,
                        path,
                        response.status,
                        len(body),
                    )
                    return GraphResponse(response.status, response.headers, body)

    @contextlib.asynccontextmanager
    async def _slot(self) -> AsyncIterator[None]:
        if lane.current() is lane.Lane.BULK:
            async with self._bulk_semaphore, self._semaphore:
                yield
        else:
            async with self._semaphore:
                yield

    def _open_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.max_in_flight * 2),
                timeout=aiohttp.ClientTimeout(total=self.tuning.request_timeout_seconds),
            )
        return self._session

    def _check_origin(self, url: str) -> None:
        # Location and @odata.nextLink come from the server; never send the tenant's token elsewhere.
        if _origin(url) != self._origin:
            raise TeamsError(
                f"Teams pointed Switchboard at {_origin(url)}, which is not the configured Graph endpoint "
                f"{self._origin} for tenant '{self.tenant_name}'; the request was not sent."
            )


def interactive_reserve(max_in_flight: int) -> int:
    """Requests in flight kept for interactive work: a third of the tenant's budget, at least one when
    there are two or more."""
    return 0 if max_in_flight < 2 else max(1, max_in_flight // 3)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()
