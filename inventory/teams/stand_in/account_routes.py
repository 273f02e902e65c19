"""Stand-in routes for /users, /admin/teams/userConfigurations and /admin/teams/policy.

Collections page by `$top` and an opaque `$skiptoken`, announced in `@odata.nextLink` as Graph does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from aiohttp import web

from inventory.teams.odata import FilterNotSupported, parse_filter, parse_function_call
from inventory.teams.simulation.graph_json import (
    VOICE_ROUTING_POLICY_TYPE,
    group_json,
    user_configuration_json,
    user_json,
)
from inventory.teams.simulation.records import SimAccount
from inventory.teams.stand_in.app import (
    GRAPH_VERSION,
    STATE,
    error_response,
    graph_json,
    graph_root,
    only,
    selected_fields,
)

T = TypeVar("T")
_USER_FILTER_FIELDS = frozenset({"id", "displayName", "userPrincipalName", "mail"})


def add_routes(app: web.Application) -> None:
    app.router.add_get(f"{GRAPH_VERSION}/users", _list_users)
    app.router.add_get(GRAPH_VERSION + "/users/{id}", _get_user)
    app.router.add_get(GRAPH_VERSION + "/users/{id}/transitiveMemberOf", _member_of)
    app.router.add_get(GRAPH_VERSION + "/users/{id}/transitiveMemberOf/microsoft.graph.group", _member_of)
    app.router.add_get(f"{GRAPH_VERSION}/admin/teams/userConfigurations", _list_configurations)
    app.router.add_get(GRAPH_VERSION + "/admin/teams/userConfigurations/{id}", _get_configuration)
    app.router.add_post(f"{GRAPH_VERSION}/admin/teams/policy/userAssignments/assign", _assign_policy)
    app.router.add_post(f"{GRAPH_VERSION}/admin/teams/policy/userAssignments/unassign", _unassign_policy)
    app.router.add_get(GRAPH_VERSION + "/admin/teams/policy/{call}", _policy_function)


def _page(
    request: web.Request, items: Sequence[T], default_top: int, maximum: int
) -> tuple[list[T], str | None] | web.Response:
    """The requested page and the next link, or a 400 response for a bad $top/$skiptoken."""
    try:
        top = int(request.query.get("$top", default_top))
        offset = int(request.query.get("$skiptoken", "0"))
    except ValueError:
        return error_response(400, "Invalid $top or $skiptoken.")
    if not 1 <= top <= maximum or offset < 0:
        return error_response(400, f"Invalid $top value {top}: use 1 to {maximum}.")
    page = list(items[offset : offset + top])
    next_link = None
    if offset + top < len(items):
        next_link = str(request.url.update_query({"$skiptoken": str(offset + top)}))
    return page, next_link


async def _list_users(request: web.Request) -> web.StreamResponse:
    tenant = request.app[STATE].tenant
    accounts: Sequence[SimAccount] = tenant.accounts()
    if "$filter" in request.query:
        try:
            parsed = parse_filter(request.query["$filter"])
        except FilterNotSupported as error:
            return error_response(400, str(error))
        if any(clause.field not in _USER_FILTER_FIELDS for clause in parsed.clauses):
            return error_response(400, "Unsupported property in $filter.")
        accounts = [account for account in accounts if parsed.matches(_user_fields(account))]
    paged = _page(request, accounts, 100, request.app[STATE].options.user_max_top)
    if isinstance(paged, web.Response):
        return paged
    page, next_link = paged
    select = selected_fields(request)
    body: dict[str, Any] = {
        "@odata.context": f"{graph_root(request)}/$metadata#users",
        "value": [user_json(account, select) for account in page],
    }
    if next_link:
        body["@odata.nextLink"] = next_link
    return graph_json(body)


def _user_fields(account: SimAccount) -> dict[str, str | None]:
    return {
        "id": account.id,
        "displayName": account.display_name,
        "userPrincipalName": account.upn,
        "mail": account.upn,
    }


async def _get_user(request: web.Request) -> web.StreamResponse:
    account = request.app[STATE].tenant.account(request.match_info["id"])
    if account is None:
        return error_response(404, f"Resource '{request.match_info['id']}' does not exist.")
    return graph_json(user_json(account, selected_fields(request)))


async def _member_of(request: web.Request) -> web.StreamResponse:
    """The groups a user is in, directly or not, paged like Graph's directoryObject collections (100 a page)."""
    account = request.app[STATE].tenant.account(request.match_info["id"])
    if account is None:
        return error_response(404, f"Resource '{request.match_info['id']}' does not exist.")
    paged = _page(request, account.member_of, 100, 999)
    if isinstance(paged, web.Response):
        return paged
    page, next_link = paged
    select = selected_fields(request)
    items = [group_json(group) for group in page]
    if select is not None:  # @odata.type is always sent, as Graph does for a collection of mixed types
        items = [{k: v for k, v in item.items() if k in select or k in ("id", "@odata.type")} for item in items]
    body: dict[str, Any] = {"@odata.context": f"{graph_root(request)}/$metadata#directoryObjects", "value": items}
    if next_link:
        body["@odata.nextLink"] = next_link
    return graph_json(body)


async def _list_configurations(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    options = state.options
    paged = _page(
        request, state.tenant.teams_accounts(), options.user_configuration_page_size, options.user_configuration_max_top
    )
    if isinstance(paged, web.Response):
        return paged
    page, next_link = paged
    select = selected_fields(request)
    body: dict[str, Any] = {
        "@odata.context": f"{graph_root(request)}/$metadata#admin/teams/userConfigurations",
        "value": [only(user_configuration_json(state.tenant, account), select) for account in page],
    }
    if next_link:
        body["@odata.nextLink"] = next_link
    return graph_json(body)


async def _get_configuration(request: web.Request) -> web.StreamResponse:
    tenant = request.app[STATE].tenant
    account = tenant.account(request.match_info["id"])
    if account is None or not account.teams_enabled:
        return error_response(404, f"User configuration '{request.match_info['id']}' was not found.")
    return graph_json(user_configuration_json(tenant, account))


async def _assign_policy(request: web.Request) -> web.StreamResponse:
    return await _policy_change(request, assign=True)


async def _unassign_policy(request: web.Request) -> web.StreamResponse:
    return await _policy_change(request, assign=False)


async def _policy_change(request: web.Request, *, assign: bool) -> web.StreamResponse:
    tenant = request.app[STATE].tenant
    try:
        body = await request.json()
    except ValueError:
        return error_response(400, "The request body is not valid JSON.")
    entries = body.get("value") if isinstance(body, dict) else None
    if not isinstance(entries, list) or not entries or not all(isinstance(entry, dict) for entry in entries):
        return error_response(400, 'The body must be {"value": [teamsPolicyUserAssignment, ...]}.')
    for entry in entries:
        if entry.get("policyType") != VOICE_ROUTING_POLICY_TYPE:
            return error_response(400, f"policyType '{entry.get('policyType')}' is not supported here.")
        user_id, policy_id = entry.get("userId"), entry.get("policyId") if assign else None
        if not isinstance(user_id, str) or (assign and not isinstance(policy_id, str)):
            return error_response(400, "Each assignment needs userId (and policyId to assign).")
        refusal = tenant.grant_policy(user_id, policy_id if isinstance(policy_id, str) else None)
        if refusal is not None:
            return error_response(refusal[0], refusal[1])
    return web.Response(status=204)


async def _policy_function(request: web.Request) -> web.StreamResponse:
    tenant = request.app[STATE].tenant
    try:
        name, arguments = parse_function_call(request.match_info["call"])
    except FilterNotSupported as error:
        return error_response(400, str(error))
    if name != "getPolicyId" or "type" not in arguments or "name" not in arguments:
        return error_response(400, "Use getPolicyId(type='...',name='...').")
    policy_id = tenant.policy_id(arguments["name"]) if arguments["type"] == VOICE_ROUTING_POLICY_TYPE else None
    value = [{"name": f"Tag:{tenant.policy_name(policy_id)}", "policyId": policy_id}] if policy_id else []
    return graph_json(
        {"@odata.context": f"{graph_root(request)}/$metadata#Collection(policyIdentifierDetail)", "value": value}
    )
