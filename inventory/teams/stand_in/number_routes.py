"""Stand-in routes for /admin/teams/telephoneNumberManagement: numbers, assign/unassign, operations."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from inventory.teams.odata import FilterNotSupported, parse_filter
from inventory.teams.simulation.graph_json import number_json, operation_json
from inventory.teams.simulation.records import NUMBER_TYPES, SimNumber
from inventory.teams.stand_in.app import (
    GRAPH_VERSION,
    STATE,
    error_response,
    graph_json,
    graph_root,
    only,
    selected_fields,
)

BASE = f"{GRAPH_VERSION}/admin/teams/telephoneNumberManagement"
DEFAULT_TOP = 500
MAX_TOP = 1000
# What assignNumber takes: E.164, with a Direct Routing extension as `;ext=` (the line URI's form).
_E164_WITH_EXTENSION = re.compile(r"^\+\d{7,15}(;ext=\d{1,10})?$")
_UNFILTERABLE = frozenset({"id", "city"})  # Graph's reference: $filter works on every field but these


def add_routes(app: web.Application) -> None:
    numbers = f"{BASE}/numberAssignments"
    for action in ("assignNumber", "unassignNumber"):
        handler = _assign if action == "assignNumber" else _unassign
        app.router.add_post(f"{numbers}/{action}", handler)
        app.router.add_post(f"{numbers}/microsoft.graph.teamsAdministration.{action}", handler)
    app.router.add_get(numbers, _list_numbers)
    app.router.add_get(numbers + "/{id}", _get_number)
    app.router.add_get(BASE + "/operations{key:.*}", _get_operation)


async def _list_numbers(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    query = request.query
    try:
        top = int(query.get("$top", DEFAULT_TOP))
        skip = int(query.get("$skip", 0))
    except ValueError:
        return error_response(400, "$top and $skip must be whole numbers.")
    if top < 1 or top > MAX_TOP:
        return error_response(400, f"Invalid $top value {top}: the maximum page size is {MAX_TOP}.")
    if skip < 0:
        return error_response(400, "Invalid $skip value.")
    numbers = state.tenant.listed_numbers()
    if "$filter" in query:
        try:
            parsed = parse_filter(query["$filter"])
        except FilterNotSupported as error:
            return error_response(400, str(error))
        blocked = [clause.field for clause in parsed.clauses if clause.field in _UNFILTERABLE]
        if blocked:
            return error_response(400, f"Filtering on '{blocked[0]}' is not supported.")
        numbers = [number for number in numbers if parsed.matches(_filter_fields(number))]
    select = selected_fields(request)
    if select is not None and not state.options.number_select:
        return error_response(400, "Query option '$select' is not allowed on numberAssignments.")
    counted = query.get("$count", "").lower() == "true"
    if counted and not state.options.number_count:
        return error_response(400, "Query option '$count' is not allowed on numberAssignments.")
    page = numbers[skip : skip + top]
    body: dict[str, Any] = {
        "@odata.context": f"{graph_root(request)}/$metadata#admin/teams/telephoneNumberManagement/numberAssignments",
    }
    if counted:
        body["@odata.count"] = len(numbers)  # OData: the whole collection (after $filter), not the page
    include_unknown = include_unknown_enums(request)
    body["value"] = [only(number_json(number, include_unknown_enums=include_unknown), select) for number in page]
    if state.options.number_next_links and skip + top < len(numbers):
        body["@odata.nextLink"] = str(request.url.update_query({"$top": str(top), "$skip": str(skip + top)}))
    return graph_json(body)


def _filter_fields(number: SimNumber) -> dict[str, str | None]:
    return {
        "telephoneNumber": number.telephone_number,
        "assignmentStatus": number.assignment_status,
        "numberType": number.number_type,
        "assignmentTargetId": number.assignment_target_id,
        "activationState": number.activation_state,
        "isoCountryCode": number.iso_country_code,
        "operatorId": number.operator_id,
        "locationId": number.location_id,
    }


async def _get_number(request: web.Request) -> web.StreamResponse:
    number = request.app[STATE].tenant.number_by_id(request.match_info["id"])
    if number is None:
        return error_response(404, f"Number assignment '{request.match_info['id']}' was not found.")
    shown = number_json(number, include_unknown_enums=include_unknown_enums(request))
    return graph_json({"@odata.context": f"{graph_root(request)}/$metadata#numberAssignment", **shown})


def include_unknown_enums(request: web.Request) -> bool:
    """`Prefer: include-unknown-enum-members`, among any other preferences the header lists."""
    preferences = request.headers.get("Prefer", "")
    return any(part.strip().lower() == "include-unknown-enum-members" for part in preferences.split(","))


async def _assign(request: web.Request) -> web.StreamResponse:
    return await _start(request, "assign")


async def _unassign(request: web.Request) -> web.StreamResponse:
    return await _start(request, "unassign")


async def _start(request: web.Request, action: str) -> web.StreamResponse:
    state = request.app[STATE]
    try:
        body = await request.json()
    except ValueError:
        return error_response(400, "The request body is not valid JSON.")
    if not isinstance(body, dict):
        return error_response(400, "The request body must be a JSON object.")
    number, number_type = body.get("telephoneNumber"), body.get("numberType")
    target = body.get("assignmentTargetId")
    if not isinstance(number, str) or _E164_WITH_EXTENSION.match(number) is None:
        return error_response(
            400, "telephoneNumber must be an E.164 number such as +12065550100 (or +12065550100;ext=12)."
        )
    if number_type not in NUMBER_TYPES:
        return error_response(400, f"numberType must be one of {', '.join(NUMBER_TYPES)}.")
    if action == "assign" and (not isinstance(target, str) or not target):
        return error_response(400, "assignmentTargetId is required.")
    refusal = state.tenant.location_refusal(body.get("locationId")) if action == "assign" else None
    if refusal:
        return error_response(400, refusal)
    location = body.get("locationId") if isinstance(body.get("locationId"), str) else None
    operation = state.tenant.start_operation(
        action, number, str(number_type), target_id=target if action == "assign" else None, location_id=location
    )
    headers = {"Location": f"{graph_root(request)}/admin/teams/telephoneNumberManagement/operations('{operation.id}')"}
    if state.tenant.knobs.operation_retry_after is not None:
        headers["Retry-After"] = str(state.tenant.knobs.operation_retry_after)
    return web.Response(status=202, headers=headers)


async def _get_operation(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    key = request.match_info["key"]
    if key.startswith("('") and key.endswith("')"):
        operation_id = key[2:-2]
    elif key.startswith("/") and len(key) > 1:
        operation_id = key[1:]
    else:
        return error_response(400, "Address an operation as operations('{id}') or operations/{id}.")
    operation = state.tenant.operation(operation_id)
    if operation is None:
        return error_response(404, f"Operation '{operation_id}' was not found.")
    numbers_url = f"{graph_root(request)}/admin/teams/telephoneNumberManagement/numberAssignments"
    headers = None
    if state.tenant.knobs.operation_retry_after is not None and not operation.finished:
        headers = {"Retry-After": str(state.tenant.knobs.operation_retry_after)}
    return graph_json(operation_json(operation, numbers_url), headers=headers)
