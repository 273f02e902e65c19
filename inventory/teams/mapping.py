"""Graph JSON to Switchboard's value types. Pure and forgiving.

Checks use `dict` rather than `Mapping`: JSON gives dicts, and the ABC check costs a second per
100,000 accounts. Graph adds enum members over time (`unknownFutureValue` and friends), leaves fields null and, in the
wild, reports oddities such as an account without a UPN. None of that may crash a sync: unknown enum
values map to None/UNKNOWN, missing fields to None, and an item too broken to use (no telephone
number, no id) is dropped by the caller with a warning.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from inventory.e164 import number_key, split_teams_number
from inventory.model import AccountType, NumberType, activation_state_of
from inventory.ports.phone_system import OperationStatus, TeamsAccount, TeamsAssignmentStatus, TeamsNumber
from inventory.rules import PersonAttributes

VOICE_ROUTING_POLICY_TYPE = "OnlineVoiceRoutingPolicy"
_GLOBAL_POLICY_NAMES = frozenset({"global", "tag:global"})
_ACCOUNT_TYPES = {"user": AccountType.USER, "resourceAccount": AccountType.RESOURCE_ACCOUNT}
_FINAL_STATUSES = {
    "succeeded": OperationStatus.SUCCEEDED,
    "failed": OperationStatus.FAILED,
    "skipped": OperationStatus.SKIPPED,
}


# Graph's placeholders, not types: "an enum member this client did not ask for" and "Teams failed to say".
_GRAPH_SENTINELS = frozenset({"unknownFutureValue", "internalError"})
# Lookup tables instead of Enum iteration: a sync maps 100,000 numbers, and Enum attribute access is slow.
_NUMBER_TYPES: dict[object, NumberType] = {member.value: member for member in NumberType}
_ASSIGNMENT_STATUSES: dict[object, TeamsAssignmentStatus] = {
    member.value: member for member in TeamsAssignmentStatus if member is not TeamsAssignmentStatus.UNKNOWN
}


def text(value: object) -> str | None:
    """A non-empty string, or None for null, empty or non-string values."""
    return value if type(value) is str and value and not value.isspace() else None


def number_type_from_graph(value: object) -> NumberType | None:
    """The type Teams reported; one we do not list is kept verbatim (None only when Graph sent none)."""
    known = _NUMBER_TYPES.get(value)
    if known is not None or not isinstance(value, str) or value in _GRAPH_SENTINELS:
        return known
    try:
        return NumberType(value)
    except ValueError:  # not even shaped like a Graph enum value
        return None


def assignment_status_from_graph(value: object) -> TeamsAssignmentStatus:
    found = _ASSIGNMENT_STATUSES.get(value) if isinstance(value, str) else None
    return found if found is not None else TeamsAssignmentStatus.UNKNOWN


def account_type_from_graph(value: object) -> AccountType | None:
    return _ACCOUNT_TYPES.get(value) if isinstance(value, str) else None  # guests, SfB users...: None


def number_from_graph(item: object) -> TeamsNumber | None:
    """One `numberAssignment`; None when it has no telephone number at all."""
    if not isinstance(item, dict):
        return None
    number = text(item.get("telephoneNumber"))
    if number is None:
        return None
    if number[0] != "+" or number[-1].isspace():
        number = number.strip()
    if not number.startswith("+") and number.isdigit():
        number = "+" + number  # the facts say Graph always sends the +; tolerate it missing
    number, extension = split_teams_number(number)
    get = item.get
    # One comprehension instead of seven calls to `text`: this runs 100,000 times per sync.
    holder, location, city, country, operator, activation, teams_id, category = [
        value if type(value) is str and value and not value.isspace() else None
        for value in (
            get("assignmentTargetId"),
            get("locationId"),
            get("city"),
            get("isoCountryCode"),
            get("operatorId"),
            get("activationState"),
            get("id"),
            get("assignmentCategory"),
        )
    ]
    return TeamsNumber(
        number=number,
        number_type=number_type_from_graph(get("numberType")),
        assignment_status=assignment_status_from_graph(get("assignmentStatus")),
        holder_id=holder,
        location_id=location,
        city=city,
        iso_country_code=country,
        operator_id=operator,
        activation_state=activation_state_of(activation),
        teams_id=teams_id,
        extension=extension,
        assignment_category=category,
    )


def numbers_from_graph(items: Iterable[object]) -> tuple[list[TeamsNumber], int, int]:
    """Map a listing; returns (numbers, items dropped as unusable, repeats skipped).

    Paging over a list that changes underneath can report a number twice; the first report wins.
    """
    numbers: dict[str, TeamsNumber] = {}
    dropped = repeats = 0
    for item in items:
        number = number_from_graph(item)
        if number is None:
            dropped += 1
        elif number.key in numbers:
            repeats += 1
        else:
            numbers[number.key] = number
    return list(numbers.values()), dropped, repeats


@dataclass(frozen=True)
class UserConfiguration:
    """The parts of a Graph `userConfiguration` Switchboard uses."""

    id: str
    upn: str | None
    account_type: AccountType | None
    enterprise_voice: bool
    voice_routing_policy: str | None
    numbers: tuple[str, ...]


def user_configuration_from_graph(item: object) -> UserConfiguration | None:
    """One `userConfiguration`; None when it has no id."""
    if not isinstance(item, dict):
        return None
    account_id = text(item.get("id"))
    if account_id is None:
        return None
    numbers: list[str] = []
    for entry in _list(item.get("telephoneNumbers")):
        number = text(entry.get("telephoneNumber")) if isinstance(entry, dict) else None
        key = number_key(*split_teams_number(number.strip())) if number is not None else None
        if key is not None and key not in numbers:
            numbers.append(key)
    return UserConfiguration(
        id=account_id,
        upn=text(item.get("userPrincipalName")),
        account_type=account_type_from_graph(item.get("accountType")),
        enterprise_voice=item.get("isEnterpriseVoiceEnabled") is True,
        voice_routing_policy=voice_routing_policy_from(item.get("effectivePolicyAssignments")),
        numbers=tuple(numbers),
    )


def voice_routing_policy_from(assignments: object) -> str | None:
    """The effective voice routing policy's name, or None for the tenant's global default.

    PowerShell shows instances as `Tag:Name`; we store plain names, as operators type them.
    """
    for entry in _list(assignments):
        if not isinstance(entry, dict):
            continue
        policy_type = entry.get("policyType")
        if not isinstance(policy_type, str) or policy_type.lower() != VOICE_ROUTING_POLICY_TYPE.lower():
            continue
        assignment = entry.get("policyAssignment")
        name = text(assignment.get("displayName")) if isinstance(assignment, dict) else None
        if name is None or name.lower() in _GLOBAL_POLICY_NAMES:
            return None
        return name[4:] if name.lower().startswith("tag:") else name
    return None


@dataclass(frozen=True)
class DirectoryName:
    """An Entra user's id, display name and UPN (from /users)."""

    id: str
    display_name: str | None
    upn: str | None


def directory_name_from_graph(item: object) -> DirectoryName | None:
    if not isinstance(item, dict):
        return None
    user_id = text(item.get("id"))
    if user_id is None:
        return None
    return DirectoryName(user_id, text(item.get("displayName")), text(item.get("userPrincipalName")))


def account_from_parts(config: UserConfiguration, name: DirectoryName | None) -> TeamsAccount:
    """A TeamsAccount from Teams' settings plus Entra's name (either UPN will do)."""
    return TeamsAccount(
        id=config.id,
        upn=config.upn or (name.upn if name else None),
        display_name=name.display_name if name else None,
        account_type=config.account_type,
        enterprise_voice=config.enterprise_voice,
        voice_routing_policy=config.voice_routing_policy,
        numbers=config.numbers,
    )


@dataclass(frozen=True)
class OperationReading:
    """One poll of an operation: final status (None while it runs) and Teams' statusDetail verbatim."""

    final: OperationStatus | None
    detail: str | None
    operation_id: str | None


def operation_from_graph(document: Mapping[str, Any]) -> OperationReading:
    """Read an operation; a failed number anywhere makes the whole outcome failed."""
    numbers = [entry for entry in _list(document.get("numbers")) if isinstance(entry, dict)]
    status = document.get("status")
    final = _FINAL_STATUSES.get(status) if isinstance(status, str) else None
    failed = [entry for entry in numbers if entry.get("status") == "failed"]
    if final is OperationStatus.SUCCEEDED and failed:
        final = OperationStatus.FAILED
    details_from = failed if failed else numbers
    details = [detail for entry in details_from if (detail := text(entry.get("statusDetail"))) is not None]
    detail = "; ".join(details) if details else text(document.get("statusDetail"))
    return OperationReading(final, detail if final is not None else None, text(document.get("id")))


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


# The Graph user properties assignment rules read ($select-ed), and the group fields of transitiveMemberOf.
PERSON_FIELDS = "id,department,usageLocation,city,officeLocation,companyName"
GROUP_FIELDS = "id,displayName"
_GROUP_TYPE = "#microsoft.graph.group"


def person_attributes_from_graph(user: Mapping[str, Any], member_of: Iterable[object]) -> PersonAttributes:
    """A /users object and its transitiveMemberOf items as rule attributes. Directory roles and other
    directory objects in transitiveMemberOf are not groups and are left out; an item without a type
    (the `/microsoft.graph.group` cast leaves it off) counts as a group."""
    groups = tuple(
        (text(item.get("id")) or "", text(item.get("displayName")) or "")
        for item in member_of
        if isinstance(item, dict) and item.get("@odata.type", _GROUP_TYPE) == _GROUP_TYPE and text(item.get("id"))
    )
    return PersonAttributes(
        department=text(user.get("department")),
        usage_location=text(user.get("usageLocation")),
        city=text(user.get("city")),
        office_location=text(user.get("officeLocation")),
        company_name=text(user.get("companyName")),
        groups=groups,
    )
