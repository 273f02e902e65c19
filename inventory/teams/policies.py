"""Voice routing policies through Graph's Teams policy assignment (/admin/teams/policy).

Graph has no endpoint that lists voice routing policies, and whether `OnlineVoiceRoutingPolicy` is an
accepted policyType is not documented (the reference shows meeting policies only). So names come from
configuration, ids from getPolicyId, and any
failure tells the operator the PowerShell command that does the same thing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from inventory.errors import TeamsError
from inventory.teams import permissions
from inventory.teams.graph_errors import TeamsNotFound
from inventory.teams.http import GraphClient
from inventory.teams.mapping import VOICE_ROUTING_POLICY_TYPE
from inventory.teams.odata import function_path

POLICY_PATH = "admin/teams/policy"
POLICY_ASSIGNMENT_TYPE = "#microsoft.graph.teamsAdministration.teamsPolicyUserAssignment"


async def resolve_policy_id(client: GraphClient, policy_name: str) -> str:
    """getPolicyId(type='OnlineVoiceRoutingPolicy', name=...) -> policyId; TeamsNotFound when unknown.

    Graph answers with names such as `Tag:AllOn`, so both the plain and the tagged form match. An
    empty list and a 404 both mean "no such policy" (which of the two Graph uses is not documented).
    """
    path = f"{POLICY_PATH}/" + function_path("getPolicyId", type=VOICE_ROUTING_POLICY_TYPE, name=policy_name)
    what = f"look up the voice routing policy '{policy_name}'"
    try:
        document: dict[str, Any] = await client.get_json(
            client.url(path), what=what, permission=permissions.POLICY_ASSIGN
        )
    except TeamsNotFound:
        document = {}
    entries = document.get("value")
    candidates = [entry for entry in (entries if isinstance(entries, list) else []) if isinstance(entry, dict)]
    wanted = {policy_name.lower(), f"tag:{policy_name.lower()}"}
    exact = [entry for entry in candidates if str(entry.get("name", "")).lower() in wanted]
    chosen = exact or (candidates if len(candidates) == 1 else [])
    policy_id = chosen[0].get("policyId") if chosen else None
    if not isinstance(policy_id, str) or not policy_id:
        raise policy_not_found(policy_name, client.tenant_name)
    return policy_id


def policy_not_found(policy_name: str, tenant_name: str) -> TeamsNotFound:
    return TeamsNotFound(
        f"Teams has no voice routing policy called '{policy_name}' in tenant '{tenant_name}'. "
        "Check the name with Get-CsOnlineVoiceRoutingPolicy and the tenant's allowed_policies."
    )


def with_powershell_fallback(error: TeamsError, identity: str, policy_name: str | None) -> TeamsError:
    """The same error (same class, status, retryable) with the command an admin can run instead."""
    fallback = f"Grant-CsOnlineVoiceRoutingPolicy -Identity {identity} -PolicyName {policy_name or '$null'}"
    return type(error)(
        f"{error} An administrator can grant it with PowerShell instead: {fallback}",
        status=error.status,
        retryable=error.retryable,
    )


async def grant_voice_routing_policy(
    client: GraphClient,
    account_id: str,
    policy_name: str | None,
    *,
    upn_of: Callable[[str], Awaitable[str | None]],
) -> None:
    """Assign a policy (None: unassign, so the global default applies); failures name the PowerShell fallback.

    `upn_of` is only consulted on failure, to write the fallback command with the account's UPN.
    """
    assignment: dict[str, str] = {
        "@odata.type": POLICY_ASSIGNMENT_TYPE,
        "userId": account_id,
        "policyType": VOICE_ROUTING_POLICY_TYPE,
    }
    action = "unassign" if policy_name is None else "assign"
    what = f"grant the voice routing policy '{policy_name or 'Global'}'"
    try:
        if policy_name is not None:
            assignment["policyId"] = await resolve_policy_id(client, policy_name)
        await client.request(
            "POST",
            client.url(f"{POLICY_PATH}/userAssignments/{action}"),
            what=what,
            permission=permissions.POLICY_ASSIGN,
            json_body={"value": [assignment]},
        )
    except TeamsError as error:
        raise with_powershell_fallback(error, await _identity(account_id, upn_of), policy_name) from None


async def _identity(account_id: str, upn_of: Callable[[str], Awaitable[str | None]]) -> str:
    try:
        upn = await upn_of(account_id)
    except TeamsError:
        upn = None
    return upn or account_id  # -Identity also accepts the Entra object id
