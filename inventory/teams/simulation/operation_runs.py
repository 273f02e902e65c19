"""How the simulated tenant runs assign/unassign operations: timing, Teams' checks, the effect.

An operation is `notStarted`, then `running`, then final once `operation_delay_seconds` have passed on
the tenant's clock. Scripted and random failures are decided when the operation is created (as if
Teams had already rejected it internally); everything else is checked against the records when it
settles, so an assignment that became impossible meanwhile fails the way it would in Teams.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from inventory.teams.simulation.faults import random_operation_failure
from inventory.teams.simulation.records import (
    FAILED,
    NOT_STARTED,
    RESOURCE_ACCOUNT,
    RUNNING,
    SKIPPED,
    SUCCEEDED,
    UNASSIGNED,
    USER,
    SimNumber,
    SimOperation,
)

if TYPE_CHECKING:
    from inventory.teams.simulation.tenant import SimulatedTenant

STALLED = "stalled"
_RUNNING_AFTER_SHARE = 0.3  # of the delay: when notStarted turns into running


def create(
    tenant: SimulatedTenant,
    action: str,
    telephone_number: str,
    number_type: str,
    target_id: str | None,
    location_id: str | None,
) -> SimOperation:
    tenant.operation_counter += 1
    label = f"{action.capitalize()}-{tenant.seed}-{tenant.operation_counter:08d}"
    operation = SimOperation(
        id=base64.urlsafe_b64encode(label.encode("ascii")).decode("ascii").rstrip("="),
        action=action,
        telephone_number=telephone_number,
        number_type=number_type,
        target_id=target_id,
        location_id=location_id,
        created_at=tenant.clock.now(),
    )
    scripted = tenant.faults.take_operation(action, telephone_number)
    if scripted is not None:
        operation.planned, operation.planned_detail = scripted
    else:
        detail = random_operation_failure(tenant.knobs, tenant.rng)
        if detail is not None:
            operation.planned, operation.planned_detail = FAILED, detail
    settle(tenant, [operation])  # with no delay configured the result is there at the first look
    return operation


def settle(tenant: SimulatedTenant, operations: list[SimOperation]) -> None:
    if not operations:
        return
    now = tenant.clock.now()
    delay = max(0.0, tenant.knobs.operation_delay_seconds)
    for operation in operations:
        elapsed = (now - operation.created_at).total_seconds()
        if operation.planned == STALLED:
            operation.status = RUNNING if elapsed > 0 else NOT_STARTED
            continue
        if elapsed < delay:
            operation.status = RUNNING if elapsed >= delay * _RUNNING_AFTER_SHARE else NOT_STARTED
            continue
        if operation.planned == FAILED:
            operation.status, operation.status_detail = FAILED, operation.planned_detail
        elif operation.action == "assign":
            operation.status, operation.status_detail = _assign(tenant, operation)
        else:
            operation.status, operation.status_detail = _unassign(tenant, operation)
        tenant.revision += 1


def _assign(tenant: SimulatedTenant, operation: SimOperation) -> tuple[str, str | None]:
    number_text, wanted = operation.telephone_number, operation.number_type
    account = tenant.account(operation.target_id)
    if account is None or not account.teams_enabled:
        return FAILED, f"The assignment target {operation.target_id} was not found in the tenant."
    if account.account_type not in (USER, RESOURCE_ACCOUNT):
        return FAILED, f"An account of type {account.account_type} cannot be assigned a phone number."
    number = tenant.number(number_text)
    if number is None:
        if wanted != "directRouting":
            return (
                FAILED,
                f"The telephone number {number_text} is not one of the tenant's {operation.number_type} numbers.",
            )
        # Teams knows a Direct Routing number only once it is assigned (or uploaded): the first assign creates it.
        tenant.add_number(SimNumber(number_text, "directRouting", capabilities=["userAssignment"]))
    elif number.number_type != operation.number_type:
        return (
            FAILED,
            f"The telephone number {number_text} is a {number.number_type} number, not {operation.number_type}.",
        )
    elif number.assignment_status != UNASSIGNED and number.assignment_target_id not in (None, account.id):
        return FAILED, "The telephone number is already assigned to another user or resource account."
    for previous in tenant.numbers_of(account.id):
        held = tenant.number(previous)
        # A new primary number replaces the holder's primary number, as Teams swaps a line URI; a private
        # (or alternate) number stays. See docs/teams-behaviour.md.
        if previous != number_text and held is not None and held.assignment_category in (None, "primary"):
            tenant.unassign_directly(previous)
    tenant.assign_directly(
        number_text, account.id, number_type=operation.number_type, location_id=operation.location_id
    )
    if account.account_type == USER:
        account.enterprise_voice = True
    return SUCCEEDED, None


def _unassign(tenant: SimulatedTenant, operation: SimOperation) -> tuple[str, str | None]:
    number = tenant.number(operation.telephone_number)
    if number is None:
        return FAILED, f"The telephone number {operation.telephone_number} was not found in the tenant."
    if number.number_type != operation.number_type:
        return FAILED, (
            f"The telephone number {operation.telephone_number} is a {number.number_type} number, "
            f"not {operation.number_type}."
        )
    if number.assignment_status == UNASSIGNED or number.assignment_target_id is None:
        return SKIPPED, f"The telephone number {operation.telephone_number} is not assigned."
    tenant.unassign_directly(operation.telephone_number)
    return SUCCEEDED, None
