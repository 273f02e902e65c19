"""The Graph stand-in's application: shared state, the request log, auth, faults and error bodies.

Every Graph path (/v1.0/..., /beta/...) needs `Authorization: Bearer ...` (401 otherwise, as Graph),
then gets the tenant's latency and faults, then its handler. Every request (Graph or token) lands in
the log with its status and the Retry-After it carried, which tests read instead of timing anything.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from inventory.teams import permissions
from inventory.teams.simulation.graph_json import graph_error
from inventory.teams.simulation.tenant import SimulatedTenant

GRAPH_PREFIXES = ("/v1.0/", "/beta/")
GRAPH_VERSION = "/{version:v1\\.0|beta}"  # the route pattern of both prefixes, as match_info["version"]
_CODES = {
    400: "BadRequest",
    401: "InvalidAuthenticationToken",
    403: "Authorization_RequestDenied",
    404: "Request_ResourceNotFound",
    405: "MethodNotAllowed",
    429: "TooManyRequests",
    500: "InternalServerError",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class ServerOptions:
    """Behaviour Graph's reference leaves open, switchable so the client is tested against either answer."""

    number_next_links: bool = False  # not documented whether numberAssignments sends @odata.nextLink
    user_configuration_page_size: int = 100  # userConfigurations' default page size: not documented
    user_configuration_max_top: int = 999  # its maximum $top, not documented; a larger $top is answered 400
    user_max_top: int = 999  # documented for /users
    number_select: bool = True  # not documented whether numberAssignments accepts $select (False: 400)
    number_count: bool = True  # nor whether it honours $count=true with @odata.count (False: 400)
    expected_client_secret: str | None = None  # None: the token endpoint accepts any secret
    # A refusal that quotes the request back, as some proxies and misconfigured gateways do: the
    # client secret then travels inside upstream error text, which must never reach a card or a log.
    token_errors_echo_request: bool = False
    # A federated credential (a managed identity's token as client_assertion): the one assertion accepted.
    expected_client_assertion: str | None = None


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str  # with the query string, URL-decoded
    status: int
    retry_after: str | None = None


@dataclass
class ServerState:
    tenant: SimulatedTenant
    options: ServerOptions
    log: list[RequestRecord] = field(default_factory=list)
    in_flight: int = 0
    peak_in_flight: int = 0  # the most Graph requests handled at once: tests check the client's bound


STATE = web.AppKey("state", ServerState)


def error_response(status: int, message: str, *, headers: dict[str, str] | None = None) -> web.Response:
    """Graph's error envelope with the usual code for `status`."""
    return web.json_response(graph_error(_CODES.get(status, "Error"), message), status=status, headers=headers)


def graph_json(body: dict[str, Any], *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(body, status=status, headers=headers, dumps=_compact_dumps)


def _compact_dumps(document: Any) -> str:
    # A page of 1,000 numbers is ~0.7 MB; compact separators and no cycle check save a fifth of the time.
    return json.dumps(document, separators=(",", ":"), check_circular=False)


def graph_root(request: web.Request) -> str:
    """This server's Graph root under the version the request used, as @odata links and Location name it."""
    return f"{request.scheme}://{request.host}/{request.match_info['version']}"


def selected_fields(request: web.Request) -> frozenset[str] | None:
    """The `$select` list, or None when the request wants every field."""
    text = request.query.get("$select")
    return frozenset(part.strip() for part in text.split(",")) if text else None


def only(document: dict[str, Any], select: frozenset[str] | None) -> dict[str, Any]:
    """`document` cut down to the selected fields (and always the id), as Graph's $select does."""
    if select is None:
        return document
    return {key: value for key, value in document.items() if key in select or key == "id"}


def permission_for(method: str, path: str) -> str:
    """The application permission Graph would name in a 403 for this request (see `permissions`)."""
    if "telephoneNumberManagement" in path:
        return permissions.NUMBERS_WRITE if method == "POST" else permissions.NUMBERS_READ
    if "userConfigurations" in path:
        return permissions.USER_CONFIG_READ
    if "/policy/" in path:
        return permissions.POLICY_ASSIGN
    return permissions.USERS_READ


@web.middleware
async def graph_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    state = request.app[STATE]
    if request.path.startswith(GRAPH_PREFIXES):
        state.in_flight += 1
        state.peak_in_flight = max(state.peak_in_flight, state.in_flight)
        try:
            response = await _graph_request(request, handler, state)
        finally:
            state.in_flight -= 1
    else:
        response = await _guarded(request, handler)
    state.log.append(
        RequestRecord(request.method, request.path_qs, response.status, response.headers.get("Retry-After"))
    )
    return response


async def _graph_request(request: web.Request, handler: Handler, state: ServerState) -> web.StreamResponse:
    authorization = request.headers.get("Authorization", "")
    if not authorization.startswith("Bearer ") or not authorization[len("Bearer ") :].strip():
        return error_response(401, "Access token is empty.")
    knobs = state.tenant.knobs
    if knobs.latency_ms > 0:
        await asyncio.sleep(knobs.latency_ms / 1000)
    fault = state.tenant.http_fault(request.method, request.path)
    if fault is not None and fault.status >= 400:
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else None
        return error_response(fault.status, _fault_message(fault.status, fault.message, request), headers=headers)
    response = await _guarded(request, handler)
    if fault is not None and fault.truncate and isinstance(response, web.Response) and isinstance(response.body, bytes):
        # A body cut mid-way with a matching Content-Length: what a broken proxy or a dropped stream delivers.
        body = response.body
        return web.Response(body=body[: len(body) // 2], status=response.status, content_type="application/json")
    return response


async def _guarded(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as error:  # unknown routes and wrong methods, in Graph's error shape
        return error_response(error.status, error.reason)


def _fault_message(status: int, message: str | None, request: web.Request) -> str:
    if message:
        return message
    if status == 403:
        permission = permission_for(request.method, request.path)
        return f"Missing role permissions on the request. API requires one of '{permission}'. Roles on the request ''."
    if status == 429:
        return "Too many requests. Retry after the time in the Retry-After header."
    return f"Simulated failure ({status})."
