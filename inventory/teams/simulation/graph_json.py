"""The simulated tenant's records rendered as Graph v1.0 JSON: numberAssignment, userConfiguration, user, operation.

The Graph server sends these; SimulatedPhoneSystem reads them back through the same `mapping`
functions as GraphPhoneSystem, so the two adapters cannot disagree about what a record means.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from inventory.teams.simulation.records import (
    RESOURCE_ACCOUNT,
    SimAccount,
    SimGroup,
    SimNumber,
    SimOperation,
    number_id,
)

if TYPE_CHECKING:
    from inventory.teams.simulation.tenant import SimulatedTenant

VOICE_ROUTING_POLICY_TYPE = "OnlineVoiceRoutingPolicy"
_CREATED = "2024-01-15T09:00:00Z"


# Graph v1.0's members of the evolvable enums; later ones are sent only to clients that ask for them.
V1_NUMBER_TYPES = frozenset({"internalError", "directRouting", "callingPlan", "operatorConnect", "unknownFutureValue"})
V1_ACTIVATION_STATES = frozenset(
    {"activated", "assignmentPending", "assignmentFailed", "updatePending", "updateFailed", "unknownFutureValue"}
)


def evolvable(value: str | None, v1_members: frozenset[str], *, include_unknown: bool) -> str | None:
    """What Graph sends for an evolvable enum: a member added after v1.0 reads "unknownFutureValue" unless
    the client sent `Prefer: include-unknown-enum-members`."""
    if value is None or include_unknown or value in v1_members:
        return value
    return "unknownFutureValue"


def number_json(number: SimNumber, *, include_unknown_enums: bool = True) -> dict[str, Any]:
    """A numberAssignment."""
    direct = number.number_type == "directRouting"
    return {
        "id": number.id,
        "telephoneNumber": number.telephone_number,
        "operatorId": number.operator_id,
        "numberType": evolvable(number.number_type, V1_NUMBER_TYPES, include_unknown=include_unknown_enums),
        "activationState": evolvable(
            number.activation_state, V1_ACTIVATION_STATES, include_unknown=include_unknown_enums
        ),
        "capabilities": list(number.capabilities),
        "locationId": number.location_id,
        "civicAddressId": number.civic_address_id,
        "networkSiteId": None,
        "assignmentTargetId": number.assignment_target_id,
        "assignmentCategory": number.assignment_category,
        "portInStatus": "completed",
        "assignmentStatus": number.assignment_status,
        "isoCountryCode": number.iso_country_code,
        "city": number.city,
        "numberSource": "onPremises" if direct else "online",
        "supportedCustomerActions": [] if direct else ["releaseNumber", "updateEmergencyAddress"],
        "reverseNumberLookupOptions": [],
    }


def user_configuration_json(tenant: SimulatedTenant, account: SimAccount) -> dict[str, Any]:
    """A userConfiguration: Teams settings, numbers and the effective voice routing policy."""
    policy = account.voice_routing_policy
    features = ["Teams", "AudioConferencing"]
    if account.enterprise_voice or account.account_type == RESOURCE_ACCOUNT:
        features.append("PhoneSystem")
    return {
        "id": account.id,
        "userPrincipalName": account.upn,
        "tenantId": tenant.tenant_id,
        "accountType": account.account_type,
        "isEnterpriseVoiceEnabled": account.enterprise_voice,
        "featureTypes": features,
        "telephoneNumbers": [
            {"telephoneNumber": number, "assignmentCategory": "primary"} for number in tenant.numbers_of(account.id)
        ],
        "effectivePolicyAssignments": [
            {
                "policyType": VOICE_ROUTING_POLICY_TYPE,
                "policyAssignment": {
                    "displayName": f"Tag:{policy}" if policy else "Global",
                    "assignmentType": "direct" if policy else "default",
                    "policyId": (tenant.policy_id(policy) if policy else None) or "Global",
                    "groupId": None,
                },
            }
        ],
        "createdDateTime": _CREATED,
        "modifiedDateTime": _CREATED,
    }


def user_json(account: SimAccount, select: frozenset[str] | None = None) -> dict[str, Any]:
    """An Entra user (only the $select-ed fields, and always the id)."""
    full: dict[str, Any] = {
        "id": account.id,
        "displayName": account.display_name,
        "userPrincipalName": account.upn,
        "mail": account.upn,
        "department": account.department,
        "usageLocation": account.usage_location,
        "city": account.city,
        "officeLocation": account.office_location,
        "companyName": account.company_name,
        "accountEnabled": True,
    }
    if select is None:
        return full
    return {key: value for key, value in full.items() if key in select or key == "id"}


def operation_json(operation: SimOperation, numbers_url: str) -> dict[str, Any]:
    """A telephoneNumberLongRunningOperation with its one number."""
    return {
        "id": operation.id,
        "createdDateTime": operation.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "status": operation.status,
        "numbers": [
            {
                "resourceLocation": f"{numbers_url}/{number_id(operation.telephone_number)}",
                "status": operation.status,
                "statusDetail": operation.status_detail,
            }
        ],
    }


def graph_error(code: str, message: str) -> dict[str, Any]:
    """Graph's error envelope."""
    return {"error": {"code": code, "message": message, "innerError": {"date": _CREATED}}}


def group_json(group: SimGroup) -> dict[str, Any]:
    """A group as transitiveMemberOf lists it (a directoryObject of type group)."""
    return {"@odata.type": "#microsoft.graph.group", "id": group.id, "displayName": group.display_name}
