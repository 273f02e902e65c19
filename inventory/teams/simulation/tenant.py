"""SimulatedTenant: one Teams tenant's numbers, accounts, policies and operations, in memory.

It is the single source of truth for both simulated adapters (the in-process SimulatedPhoneSystem and
the Graph-compatible server). Tests also reach in directly, "behind Switchboard's back", to create the
drift a sync must notice: `assign_directly`, `unassign_directly`, `remove_account` (a holder that no
longer exists) and `show_number_on_account` (a number shown on two accounts).

Listing 100,000 numbers in pages must stay cheap, so the ordered views are cached and only rebuilt
when a record is added or removed; `revision` counts every change so the state file is written only
when something changed.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping

from inventory.ports.clock import Clock, SystemClock
from inventory.teams.simulation import operation_runs
from inventory.teams.simulation.faults import (
    FaultKnobs,
    HttpFault,
    ScriptedFaults,
    busy_fault,
    random_http_fault,
    starts_operation,
)
from inventory.teams.simulation.records import (
    RESOURCE_ACCOUNT,
    UNASSIGNED,
    USER_ASSIGNED,
    VOICE_APPLICATION_ASSIGNED,
    SimAccount,
    SimNumber,
    SimOperation,
    number_from_id,
)


class SimulatedTenant:
    """See the module docstring. Not thread-safe: use it from one event loop."""

    def __init__(
        self,
        *,
        name: str = "simulated",
        tenant_id: str = "00000000-0000-4000-8000-000000000000",
        accounts: Iterable[SimAccount] = (),
        numbers: Iterable[SimNumber] = (),
        policies: Mapping[str, str] | None = None,
        seed: int = 0,
        knobs: FaultKnobs | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.name = name
        self.tenant_id = tenant_id
        self.seed = seed
        self.knobs = knobs or FaultKnobs()
        self.faults = ScriptedFaults()
        self.clock: Clock = clock or SystemClock()
        self.policies: dict[str, str] = dict(policies or {})  # name -> policy id
        self.operations: dict[str, SimOperation] = {}
        self.operation_counter = 0
        self.operations_refused = 0  # assign/unassign answered 429 for `knobs.max_running_operations`
        self.revision = 0
        self.rng = random.Random(seed)
        self._accounts: dict[str, SimAccount] = {account.id: account for account in accounts}
        self._numbers: dict[str, SimNumber] = {number.telephone_number: number for number in numbers}
        self._by_holder: dict[str, list[str]] = {}
        # Emergency locations (LIS) the tenant has: those its numbers carry, and any added with add_location.
        self.locations: set[str] = {n.location_id for n in self._numbers.values() if n.location_id}
        for number in self._numbers.values():
            if number.assignment_target_id:
                self._by_holder.setdefault(number.assignment_target_id, []).append(number.telephone_number)
        self._number_view: list[SimNumber] | None = None
        self._account_view: list[SimAccount] | None = None
        self._teams_view: list[SimAccount] | None = None

    # -- reading ---------------------------------------------------------------------------------

    def accounts(self) -> list[SimAccount]:
        """Every Entra user (what /users lists), in a stable order."""
        if self._account_view is None:
            self._account_view = list(self._accounts.values())
        return self._account_view

    def teams_accounts(self) -> list[SimAccount]:
        """Accounts with Teams settings (what userConfigurations lists)."""
        if self._teams_view is None:
            self._teams_view = [account for account in self._accounts.values() if account.teams_enabled]
        return self._teams_view

    def account(self, account_id: str | None) -> SimAccount | None:
        return self._accounts.get(account_id) if account_id else None

    def number(self, telephone_number: str) -> SimNumber | None:
        return self._numbers.get(telephone_number)

    def number_by_id(self, identifier: str) -> SimNumber | None:
        telephone_number = number_from_id(identifier)
        return self._numbers.get(telephone_number) if telephone_number else None

    def all_numbers(self) -> list[SimNumber]:
        """Every number record once, in a stable order (do not modify the list)."""
        self.settle()
        if self._number_view is None:
            self._number_view = list(self._numbers.values())
        return self._number_view

    def listed_numbers(self) -> list[SimNumber]:
        """numberAssignments in listing order, with scripted repeats appended (as a page shift would)."""
        numbers = self.all_numbers()
        if not self.faults.reported_twice:
            return numbers
        repeats = [self._numbers[n] for n in sorted(self.faults.reported_twice) if n in self._numbers]
        return numbers + repeats

    def numbers_of(self, account_id: str) -> list[str]:
        """The numbers userConfigurations shows for an account (held ones, then any drift extras)."""
        held = list(self._by_holder.get(account_id, ()))
        account = self._accounts.get(account_id)
        extras = [number for number in account.extra_numbers if number not in held] if account else []
        return held + extras

    def policy_id(self, name: str) -> str | None:
        lowered = name.lower().removeprefix("tag:")
        return next((pid for known, pid in self.policies.items() if known.lower() == lowered), None)

    def policy_name(self, policy_id: str) -> str | None:
        return next((name for name, pid in self.policies.items() if pid == policy_id), None)

    # -- through the API ---------------------------------------------------------------------------

    def http_fault(self, method: str, path: str) -> HttpFault | None:
        """The fault (scripted first, then Teams' bound on running operations, then random), or None."""
        return (
            self.faults.take_http(method, path) or self._busy(method, path) or random_http_fault(self.knobs, self.rng)
        )

    def running_operations(self) -> int:
        """Operations accepted and not finished yet on the tenant's clock (stalled ones run forever)."""
        self.settle()
        return sum(1 for operation in self.operations.values() if not operation.finished)

    def _busy(self, method: str, path: str) -> HttpFault | None:
        limit = self.knobs.max_running_operations
        if limit is None or not starts_operation(method, path):
            return None
        running = self.running_operations()
        if running < limit:
            return None
        self.operations_refused += 1
        return busy_fault(self.knobs, running)

    def start_operation(
        self,
        action: str,
        telephone_number: str,
        number_type: str,
        *,
        target_id: str | None = None,
        location_id: str | None = None,
    ) -> SimOperation:
        """Accept an assignNumber/unassignNumber; it settles later (see operation_runs)."""
        operation = operation_runs.create(self, action, telephone_number, number_type, target_id, location_id)
        self.operations[operation.id] = operation
        self.revision += 1
        return operation

    def operation(self, operation_id: str) -> SimOperation | None:
        self.settle()
        return self.operations.get(operation_id)

    def settle(self) -> None:
        """Move unfinished operations along by the clock; finished ones change the records."""
        operation_runs.settle(self, [op for op in self.operations.values() if not op.finished])

    def grant_policy(self, account_id: str, policy_id: str | None) -> tuple[int, str] | None:
        """Set (or with None, clear) an account's voice routing policy; a refusal is (HTTP status, message)."""
        account = self.account(account_id)
        if account is None or not account.teams_enabled:
            return 404, f"User '{account_id}' was not found."
        name = None
        if policy_id is not None:
            name = self.policy_name(policy_id)
            if name is None:
                return 400, f"Policy '{policy_id}' was not found."
        account.voice_routing_policy = name
        self.revision += 1
        return None

    # -- behind Switchboard's back -----------------------------------------------------------------

    def add_account(self, account: SimAccount) -> None:
        self._accounts[account.id] = account
        self._account_view = self._teams_view = None
        self.revision += 1

    def remove_account(self, account_id: str) -> None:
        """Delete an account but leave its numbers pointing at it: a holder that no longer exists."""
        self._accounts.pop(account_id, None)
        self._account_view = self._teams_view = None
        self.revision += 1

    def add_location(self, location_id: str) -> None:
        """An emergency location created in Teams (New-CsOnlineLisLocation) that no number carries yet."""
        self.locations.add(location_id)

    def location_refusal(self, location_id: object) -> str | None:
        """Why assignNumber refuses this `locationId` (Graph answers 400), or None when it may be used."""
        if location_id is None:
            return None
        if not isinstance(location_id, str) or not location_id.strip():
            return "locationId must be the id of an emergency location (a non-empty string)."
        if location_id not in self.locations:
            return f"The emergency location '{location_id}' was not found in this tenant."
        return None

    def add_number(self, number: SimNumber) -> None:
        if number.location_id:
            self.locations.add(number.location_id)
        if number.telephone_number in self._numbers:
            self.remove_number(number.telephone_number)
        self._numbers[number.telephone_number] = number
        if number.assignment_target_id:
            self._by_holder.setdefault(number.assignment_target_id, []).append(number.telephone_number)
        self._number_view = None
        self.revision += 1

    def remove_number(self, telephone_number: str) -> None:
        number = self._numbers.pop(telephone_number, None)
        if number is not None:
            self._forget_holder(number)
        self._number_view = None
        self.revision += 1

    def assign_directly(
        self,
        telephone_number: str,
        account_id: str,
        *,
        number_type: str = "directRouting",
        location_id: str | None = None,
        assignment_status: str | None = None,
    ) -> SimNumber:
        """Assign without checks (the holder need not exist); creates the number record when missing.
        `assignment_status` overrides the one the holder implies (e.g. thirdPartyAppAssigned for an app)."""
        number = self._numbers.get(telephone_number)
        if number is None:
            number = SimNumber(telephone_number, number_type, capabilities=["userAssignment"])
            self.add_number(number)
        self._forget_holder(number)
        account = self._accounts.get(account_id)
        resource = account is not None and account.account_type == RESOURCE_ACCOUNT
        number.assignment_status = assignment_status or (VOICE_APPLICATION_ASSIGNED if resource else USER_ASSIGNED)
        number.assignment_target_id = account_id
        number.assignment_category = "primary"
        if location_id:
            number.location_id = location_id
            self.locations.add(location_id)
        self._by_holder.setdefault(account_id, []).append(telephone_number)
        self.revision += 1
        return number

    def unassign_directly(self, telephone_number: str) -> None:
        number = self._numbers.get(telephone_number)
        if number is None:
            return
        self._forget_holder(number)
        number.assignment_status = UNASSIGNED
        number.assignment_target_id = None
        number.assignment_category = None
        self.revision += 1

    def show_number_on_account(self, telephone_number: str, account_id: str) -> None:
        """Make userConfigurations list `telephone_number` on `account_id` too (a number on two accounts)."""
        account = self._accounts[account_id]
        if telephone_number not in account.extra_numbers:
            account.extra_numbers.append(telephone_number)
            self.revision += 1

    def touch(self) -> None:
        """Call after editing records in place (for example `account.teams_enabled = False`)."""
        self._number_view = None
        self._account_view = self._teams_view = None
        self.revision += 1

    def _forget_holder(self, number: SimNumber) -> None:
        holder = number.assignment_target_id
        if holder is None:
            return
        held = self._by_holder.get(holder)
        if held is not None and number.telephone_number in held:
            held.remove(number.telephone_number)
            if not held:
                del self._by_holder[holder]
