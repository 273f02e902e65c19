"""SimulatedPhoneSystem: the PhoneSystem port over a SimulatedTenant, in process (for other layers' tests).

It behaves like GraphPhoneSystem over HTTP, minus the HTTP: every call counts as the Graph requests it
would make, each request consults the tenant's fault knobs and scripted faults, throttling and 503s
are waited out on the injected clock with the same rules, and records go through the same JSON
mapping. So `tenant.faults.fail_next_operations(count=3)` makes the next three assigns fail here
exactly as it does through the Graph server. The contract suite keeps the two honest.
"""

from __future__ import annotations

from urllib.parse import quote

from inventory.errors import TeamsError
from inventory.model import NumberType
from inventory.pacing import lane
from inventory.ports.clock import Clock
from inventory.ports.phone_system import (
    FetchProgress,
    OperationOutcome,
    OperationStarted,
    OperationStatus,
    ProgressCallback,
    SnapshotSink,
    TeamsAccount,
    TeamsNumber,
    TeamsSnapshot,
)
from inventory.rules import PersonAttributes
from inventory.teams import permissions
from inventory.teams.graph_errors import error_for_status, unreadable_response
from inventory.teams.listing import NUMBERS_PATH, USER_CONFIGURATIONS_PATH
from inventory.teams.mapping import (
    DirectoryName,
    OperationReading,
    account_from_parts,
    numbers_from_graph,
    operation_from_graph,
    person_attributes_from_graph,
    user_configuration_from_graph,
)
from inventory.teams.operations import wait_for_operation
from inventory.teams.policies import POLICY_PATH, policy_not_found, with_powershell_fallback
from inventory.teams.retry import RETRYABLE_READ_STATUSES, RETRYABLE_STATUSES, GraphTuning, backoff_seconds
from inventory.teams.simulation.graph_json import (
    group_json,
    number_json,
    operation_json,
    user_configuration_json,
    user_json,
)
from inventory.teams.simulation.records import SimAccount
from inventory.teams.simulation.tenant import SimulatedTenant

_CONFIG_PAGE = 100  # what the Graph server pages userConfigurations by
_USER_PAGE = 999


class SimulatedPhoneSystem:
    """See the module docstring. `requests` records (method, path) of every simulated Graph request."""

    def __init__(
        self,
        tenant: SimulatedTenant,
        *,
        allowed_policies: tuple[str, ...] | None = None,
        clock: Clock | None = None,
        tuning: GraphTuning | None = None,
    ) -> None:
        self.tenant = tenant
        self.requests: list[tuple[str, str]] = []
        self._allowed = allowed_policies if allowed_policies is not None else tuple(tenant.policies)
        self._clock = clock or tenant.clock
        self._tuning = tuning or GraphTuning()

    def __repr__(self) -> str:
        return f"SimulatedPhoneSystem(tenant={self.tenant.name!r})"

    async def list_numbers(self, progress: ProgressCallback | None = None) -> list[TeamsNumber]:
        """Every number, paged as GraphPhoneSystem pages them with `@odata.count`: 1,000 a request, the
        last one possibly short, none past the end (at least one request, for an empty tenant)."""
        listed = self.tenant.listed_numbers()
        page_size = self._tuning.number_page_size
        for page in range(max(1, -(-len(listed) // page_size))):
            await self._graph("GET", NUMBERS_PATH, "list phone numbers", permissions.NUMBERS_READ)
            if progress is not None:
                items = min(len(listed), (page + 1) * page_size)
                await progress(FetchProgress(pages=page + 1, items=items, what="numbers"))
        numbers, _, _ = numbers_from_graph(number_json(number) for number in self.tenant.listed_numbers())
        return numbers

    async def list_accounts(self, progress: ProgressCallback | None = None) -> list[TeamsAccount]:
        """Every account with Teams settings, with Entra display names."""
        teams_accounts = self.tenant.teams_accounts()
        await self._pages(len(teams_accounts), _CONFIG_PAGE, USER_CONFIGURATIONS_PATH, "accounts", progress)
        await self._pages(len(self.tenant.accounts()), _USER_PAGE, "users", "names", progress)
        return [account for sim in self.tenant.teams_accounts() if (account := self._account_of(sim)) is not None]

    async def fetch_snapshot(self, progress: ProgressCallback | None = None) -> TeamsSnapshot:
        numbers = await self.list_numbers(progress)
        accounts = await self.list_accounts(progress)
        return TeamsSnapshot(numbers, {account.id: account for account in accounts}, fetched_at=self._clock.now())

    async def stream_snapshot(self, sink: SnapshotSink, progress: ProgressCallback | None = None) -> None:
        """The snapshot a page at a time, numbers first (as Graph's pages might arrive); the accounts come
        named already, so no separate names."""
        numbers = await self.list_numbers()
        page_size = self._tuning.number_page_size
        for first in range(0, len(numbers), page_size):
            await sink.numbers(numbers[first : first + page_size])
            if progress is not None:
                items = min(len(numbers), first + page_size)
                await progress(FetchProgress(pages=first // page_size + 1, items=items, what="numbers"))
        accounts = await self.list_accounts(progress)
        for first in range(0, len(accounts), _CONFIG_PAGE):
            await sink.accounts(accounts[first : first + _CONFIG_PAGE])

    async def search_accounts(self, query: str, limit: int = 25) -> list[TeamsAccount]:
        """Same rule as Graph: the first `limit` directory matches, then those with Teams settings."""
        query = query.strip().lower()
        if not query or limit <= 0:
            return []
        await self._graph("GET", "users", "search accounts", permissions.USERS_READ)
        matches = [
            sim
            for sim in self.tenant.accounts()
            if (sim.display_name or "").lower().startswith(query) or (sim.upn or "").lower().startswith(query)
        ][:limit]
        found = []
        for sim in matches:
            account = await self.get_account(sim.id)
            if account is not None:
                found.append(account)
        return sorted(found, key=lambda account: account.label.lower())

    async def person_attributes(self, account_id: str) -> PersonAttributes | None:
        encoded = quote(account_id, safe="")
        await self._graph("GET", f"users/{encoded}", "read a user's attributes", permissions.USERS_READ)
        sim = self.tenant.account(account_id)
        if sim is None:
            return None
        await self._graph("GET", f"users/{encoded}/transitiveMemberOf", "read a user's groups", permissions.USERS_READ)
        # Through the same JSON and the same mapping as the Graph adapter, so both read a user alike.
        return person_attributes_from_graph(user_json(sim), [group_json(g) for g in sim.member_of])

    async def get_account(self, account_id: str) -> TeamsAccount | None:
        path = f"{USER_CONFIGURATIONS_PATH}/{quote(account_id, safe='')}"
        await self._graph("GET", path, "read Teams user settings", permissions.USER_CONFIG_READ)
        sim = self.tenant.account(account_id)
        return self._account_of(sim) if sim is not None and sim.teams_enabled else None

    async def assign_number(
        self,
        number: str,
        account_id: str,
        number_type: NumberType,
        location_id: str | None = None,
        on_started: OperationStarted | None = None,
    ) -> OperationOutcome:
        what = f"assign {number} to account {account_id}"
        await self._graph("POST", f"{NUMBERS_PATH}/assignNumber", what, permissions.NUMBERS_WRITE)
        refusal = self.tenant.location_refusal(location_id)
        if refusal:  # as the Graph adapter reads the stand-in's 400
            raise TeamsError(
                f"Teams rejected the request to {what} in tenant '{self.tenant.name}' (400 Bad Request). "
                f"Teams says: {refusal}",
                status=400,
            )
        operation = self.tenant.start_operation(
            "assign", number, number_type.value, target_id=account_id, location_id=location_id
        )
        if on_started is not None:
            await on_started(_location(operation.id))
        return await self._wait(operation.id, what)

    async def unassign_number(
        self, number: str, number_type: NumberType, on_started: OperationStarted | None = None
    ) -> OperationOutcome:
        what = f"remove {number}"
        await self._graph("POST", f"{NUMBERS_PATH}/unassignNumber", what, permissions.NUMBERS_WRITE)
        operation = self.tenant.start_operation("unassign", number, number_type.value)
        if on_started is not None:
            await on_started(_location(operation.id))
        return await self._wait(operation.id, what)

    async def operation_outcome(self, location: str) -> OperationOutcome | None:
        what = "check on an earlier request"
        await self._graph("GET", "admin/teams/telephoneNumberManagement/operations", what, permissions.NUMBERS_READ)
        operation = self.tenant.operation(location.rsplit("/", 1)[-1])
        if operation is None:
            return None
        reading = operation_from_graph(operation_json(operation, NUMBERS_PATH))
        return OperationOutcome(reading.final or OperationStatus.RUNNING, reading.detail, reading.operation_id)

    async def resolve_policy_id(self, policy_name: str) -> str:
        what = f"look up the voice routing policy '{policy_name}'"
        await self._graph("GET", f"{POLICY_PATH}/getPolicyId", what, permissions.POLICY_ASSIGN)
        policy_id = self.tenant.policy_id(policy_name)
        if policy_id is None:
            raise policy_not_found(policy_name, self.tenant.name)
        return policy_id

    async def grant_voice_routing_policy(self, account_id: str, policy_name: str | None) -> None:
        what = f"grant the voice routing policy '{policy_name or 'Global'}'"
        action = "unassign" if policy_name is None else "assign"
        try:
            policy_id = await self.resolve_policy_id(policy_name) if policy_name is not None else None
            await self._graph("POST", f"{POLICY_PATH}/userAssignments/{action}", what, permissions.POLICY_ASSIGN)
            refusal = self.tenant.grant_policy(account_id, policy_id)
            if refusal is not None:
                status, message = refusal
                raise error_for_status(
                    status,
                    what=what,
                    tenant=self.tenant.name,
                    permission=permissions.POLICY_ASSIGN,
                    graph_message=message,
                )
        except TeamsError as error:
            holder = self.tenant.account(account_id)
            identity = holder.upn if holder is not None and holder.upn else account_id
            raise with_powershell_fallback(error, identity, policy_name) from None

    def allowed_policies(self) -> tuple[str, ...]:
        return self._allowed

    def _account_of(self, sim: SimAccount) -> TeamsAccount | None:
        config = user_configuration_from_graph(user_configuration_json(self.tenant, sim))
        if config is None:
            return None
        return account_from_parts(config, DirectoryName(sim.id, sim.display_name, sim.upn))

    async def _wait(self, operation_id: str, what: str) -> OperationOutcome:
        retry_after = self.tenant.knobs.operation_retry_after

        async def read() -> tuple[OperationReading, float | None]:
            await self._graph("GET", "admin/teams/telephoneNumberManagement/operations", what, permissions.NUMBERS_READ)
            operation = self.tenant.operation(operation_id)
            if operation is None:
                raise error_for_status(
                    404,
                    what=what,
                    tenant=self.tenant.name,
                    permission=permissions.NUMBERS_READ,
                    graph_message="The operation was not found.",
                )
            reading = operation_from_graph(operation_json(operation, NUMBERS_PATH))
            return reading, (float(retry_after) if retry_after is not None and not operation.finished else None)

        first = float(retry_after) if retry_after is not None else None
        return await wait_for_operation(
            read, clock=self._clock, tuning=self._tuning, operation_id=operation_id, first_retry_after=first
        )

    async def _pages(self, count: int, size: int, path: str, label: str, progress: ProgressCallback | None) -> None:
        pages = max(1, -(-count // size))
        for page in range(pages):
            await self._graph("GET", path, f"list {label}", _PERMISSIONS[label])
            if progress is not None:
                await progress(FetchProgress(pages=page + 1, items=min(count, (page + 1) * size), what=label))

    async def _graph(self, method: str, path: str, what: str, permission: str) -> None:
        """One simulated Graph request: apply faults, retrying exactly as GraphClient would."""
        started = self._clock.now()
        attempt = 0
        while True:
            attempt += 1
            self.requests.append((method, path))
            if self.tenant.knobs.latency_ms > 0:
                await self._clock.sleep(self.tenant.knobs.latency_ms / 1000)
            fault = self.tenant.http_fault(method, f"/v1.0/{path}")
            if fault is None or (fault.status < 400 and not fault.truncate):
                return
            if fault.status >= 400:
                lane.report_status(fault.status, float(fault.retry_after) if fault.retry_after is not None else None)
            if fault.truncate:
                raise unreadable_response(what=what, tenant=self.tenant.name, problem="truncated, not valid JSON")
            error = error_for_status(
                fault.status,
                what=what,
                tenant=self.tenant.name,
                permission=permission,
                graph_message=fault.message,
                attempts=attempt,
            )
            retryable = fault.status in (RETRYABLE_READ_STATUSES if method == "GET" else RETRYABLE_STATUSES)
            if not retryable or attempt >= self._tuning.max_attempts:
                raise error
            wait = float(fault.retry_after) if fault.retry_after is not None else backoff_seconds(self._tuning, attempt)
            elapsed = (self._clock.now() - started).total_seconds()
            if wait > self._tuning.max_retry_after_seconds or elapsed + wait > self._tuning.call_deadline_seconds:
                raise error
            await self._clock.sleep(wait)


_PERMISSIONS = {"accounts": permissions.USER_CONFIG_READ, "names": permissions.USERS_READ}


def _location(operation_id: str) -> str:
    # The shape of Graph's Location header, relative: only the id at its end is read back.
    return f"admin/teams/telephoneNumberManagement/operations/{operation_id}"
