"""GraphPhoneSystem: the PhoneSystem port over Microsoft Graph (production and demo path).

Reads page through numberAssignments, userConfigurations and /users (display names are not in
userConfigurations, and one /users request per account would take hours on a large tenant). Writes
go through operations that are polled to a final status. Voice routing policies are granted through
Graph's policy assignment; where that fails the operator gets the PowerShell command to run instead.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any
from urllib.parse import quote, urljoin

from inventory.errors import TeamsError
from inventory.model import NumberType
from inventory.ports.phone_system import (
    DirectoryEntry,
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
from inventory.teams import permissions, policies
from inventory.teams.concurrency import all_of, both
from inventory.teams.graph_errors import TeamsNotFound
from inventory.teams.http import GraphClient, GraphResponse, GraphStats
from inventory.teams.listing import (
    NAME_FIELDS,
    NUMBERS_PATH,
    USER_CONFIGURATIONS_PATH,
    Optimisations,
    read_configurations,
    read_names,
    read_numbers,
)
from inventory.teams.mapping import (
    GROUP_FIELDS,
    PERSON_FIELDS,
    DirectoryName,
    OperationReading,
    account_from_parts,
    directory_name_from_graph,
    numbers_from_graph,
    operation_from_graph,
    person_attributes_from_graph,
    user_configuration_from_graph,
)
from inventory.teams.odata import name_search_filter
from inventory.teams.operations import wait_for_operation
from inventory.teams.paging import fetch_link_paged
from inventory.teams.retry import retry_after_seconds

logger = logging.getLogger(__name__)


class GraphPhoneSystem:
    """One tenant's Teams Phone through Graph. Close it (or use `async with`) to release its HTTP session."""

    def __init__(self, client: GraphClient, *, allowed_policies: tuple[str, ...] = ()) -> None:
        self._client = client
        self._allowed = allowed_policies
        self._optimisations = Optimisations()  # lean-page requests this tenant's Graph refused
        self.tenant_name = client.tenant_name

    def __repr__(self) -> str:
        return f"GraphPhoneSystem(tenant={self.tenant_name!r}, base_url={self._client.base_url!r})"

    @property
    def client(self) -> GraphClient:
        """The tenant's HTTP client (for probes such as `checks.check_tenant`)."""
        return self._client

    @property
    def stats(self) -> GraphStats:
        """Requests sent, retries and time waited so far."""
        return self._client.stats

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> GraphPhoneSystem:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.aclose()

    async def list_numbers(self, progress: ProgressCallback | None = None) -> list[TeamsNumber]:
        """Every number Teams knows, across all pages; a number reported twice is kept once."""
        raw = await read_numbers(self._client, progress, self._optimisations)
        numbers, dropped, repeats = numbers_from_graph(raw)
        if dropped or repeats:
            logger.warning("numbers_cleaned tenant=%s dropped=%d repeats=%d", self.tenant_name, dropped, repeats)
        return numbers

    async def list_accounts(self, progress: ProgressCallback | None = None) -> list[TeamsAccount]:
        """Every account with Teams settings, named from Entra; configurations and names are read in parallel."""
        configs_raw, names_raw = await both(
            read_configurations(self._client, progress, self._optimisations), read_names(self._client, progress)
        )
        names = {name.id: name for item in names_raw if (name := directory_name_from_graph(item)) is not None}
        accounts: dict[str, TeamsAccount] = {}
        for item in configs_raw:
            config = user_configuration_from_graph(item)
            if config is not None and config.id not in accounts:
                accounts[config.id] = account_from_parts(config, names.get(config.id))
        return list(accounts.values())

    async def fetch_snapshot(self, progress: ProgressCallback | None = None) -> TeamsSnapshot:
        """Numbers and accounts, fetched concurrently."""
        numbers, accounts = await both(self.list_numbers(progress), self.list_accounts(progress))
        by_id = {account.id: account for account in accounts}
        return TeamsSnapshot(numbers, by_id, fetched_at=self._client.clock.now())

    async def stream_snapshot(self, sink: SnapshotSink, progress: ProgressCallback | None = None) -> None:
        """The three listings concurrently, each page mapped and handed to `sink` as it arrives."""

        async def numbers(items: list[Any]) -> None:
            batch, dropped, _ = numbers_from_graph(items)
            if dropped:
                logger.warning("numbers_cleaned tenant=%s dropped=%d", self.tenant_name, dropped)
            await sink.numbers(batch)

        async def accounts(items: list[Any]) -> None:
            configs = [config for item in items if (config := user_configuration_from_graph(item)) is not None]
            await sink.accounts([account_from_parts(config, None) for config in configs])

        async def names(items: list[Any]) -> None:
            entries = [name for item in items if (name := directory_name_from_graph(item)) is not None]
            await sink.names([DirectoryEntry(name.id, name.display_name, name.upn) for name in entries])

        await all_of(
            [
                read_numbers(self._client, progress, self._optimisations, numbers),
                read_configurations(self._client, progress, self._optimisations, accounts),
                read_names(self._client, progress, names),
            ]
        )

    async def search_accounts(self, query: str, limit: int = 25) -> list[TeamsAccount]:
        """Accounts whose display name or UPN starts with `query`, with their Teams settings."""
        query = query.strip()
        if not query or limit <= 0:
            return []
        params: dict[str, str | int] = {"$filter": name_search_filter(query), "$select": NAME_FIELDS}
        params["$top"] = min(limit, 999)
        document = await self._client.get_json(
            self._client.url("users", params), what="search accounts", permission=permissions.USERS_READ
        )
        raw = document.get("value")
        names = [name for item in (raw if isinstance(raw, list) else []) if (name := directory_name_from_graph(item))]
        # The tenant's semaphore bounds how many of these are on the wire at once.
        accounts = await all_of(self._account(name.id, name) for name in names[:limit])
        found = [account for account in accounts if account is not None]
        return sorted(found, key=lambda account: account.label.lower())

    async def person_attributes(self, account_id: str) -> PersonAttributes | None:
        """The user's rule attributes (`$select`-ed from /users) and groups (transitiveMemberOf, every page)."""
        encoded = quote(account_id, safe="")
        url = self._client.url(f"users/{encoded}", {"$select": PERSON_FIELDS})
        user = await self._optional(url, "read a user's attributes", permissions.USERS_READ)
        if user is None:
            return None
        groups_url = self._client.url(f"users/{encoded}/transitiveMemberOf", {"$select": GROUP_FIELDS})
        groups = await fetch_link_paged(
            self._client, groups_url, what="read a user's groups", permission=permissions.USERS_READ, label="groups"
        )
        return person_attributes_from_graph(user, groups)

    async def get_account(self, account_id: str) -> TeamsAccount | None:
        """One account by Entra object id; None when Teams has no settings for it."""
        return await self._account(account_id, None)

    async def _account(self, account_id: str, name: DirectoryName | None) -> TeamsAccount | None:
        encoded = quote(account_id, safe="")

        async def read_config() -> dict[str, Any] | None:
            url = self._client.url(f"{USER_CONFIGURATIONS_PATH}/{encoded}")
            return await self._optional(url, "read Teams user settings", permissions.USER_CONFIG_READ)

        async def read_name() -> dict[str, Any] | None:
            if name is not None:
                return None
            url = self._client.url(f"users/{encoded}", {"$select": NAME_FIELDS})
            return await self._optional(url, "read a user's name", permissions.USERS_READ)

        config_doc, name_doc = await both(read_config(), read_name())
        config = user_configuration_from_graph(config_doc) if config_doc is not None else None
        if config is None:
            return None
        return account_from_parts(config, name or directory_name_from_graph(name_doc))

    async def _optional(self, url: str, what: str, permission: str) -> dict[str, Any] | None:
        try:
            return await self._client.get_json(url, what=what, permission=permission)
        except TeamsNotFound:
            return None

    async def assign_number(
        self,
        number: str,
        account_id: str,
        number_type: NumberType,
        location_id: str | None = None,
        on_started: OperationStarted | None = None,
    ) -> OperationOutcome:
        """Start the assignment and wait for its operation; a 202 alone is not success."""
        body: dict[str, str] = {
            "telephoneNumber": number,
            "assignmentTargetId": account_id,
            "numberType": number_type.value,
            "assignmentCategory": "primary",
        }
        if location_id:
            body["locationId"] = location_id
        return await self._run_operation("assignNumber", body, f"assign {number} to account {account_id}", on_started)

    async def unassign_number(
        self, number: str, number_type: NumberType, on_started: OperationStarted | None = None
    ) -> OperationOutcome:
        """Start the removal and wait for its operation."""
        body = {"telephoneNumber": number, "numberType": number_type.value}
        return await self._run_operation("unassignNumber", body, f"remove {number}", on_started)

    async def operation_outcome(self, location: str) -> OperationOutcome | None:
        """One GET of the operation (a Location kept in the journal)."""
        client, what = self._client, "check on an earlier request"
        try:
            polled = await client.request("GET", location, what=what, permission=permissions.NUMBERS_READ)
        except TeamsNotFound:
            return None
        reading = operation_from_graph(client.parse_json(polled, what=what))
        return OperationOutcome(reading.final or OperationStatus.RUNNING, reading.detail, reading.operation_id)

    async def _run_operation(
        self, action: str, body: dict[str, str], what: str, on_started: OperationStarted | None
    ) -> OperationOutcome:
        client = self._client
        response = await client.request(
            "POST",
            client.url(f"{NUMBERS_PATH}/{action}"),
            what=what,
            permission=permissions.NUMBERS_WRITE,
            json_body=body,
        )
        location = response.headers.get("Location")
        if response.status != 202 or not location:
            raise TeamsError(
                f"Teams answered HTTP {response.status} without an operation to follow when asked to {what} in "
                f"tenant '{self.tenant_name}'. Run a sync to see whether the change happened."
            )
        operation_url = urljoin(client.base_url + "/", location)
        logger.info("operation_started tenant=%s action=%s", self.tenant_name, action)
        if on_started is not None:
            await on_started(operation_url)

        async def read() -> tuple[OperationReading, float | None]:
            polled: GraphResponse = await client.request(
                "GET", operation_url, what=f"check on the request to {what}", permission=permissions.NUMBERS_READ
            )
            reading = operation_from_graph(client.parse_json(polled, what=f"check on the request to {what}"))
            return reading, retry_after_seconds(polled.headers, client.clock.now())

        return await wait_for_operation(
            read,
            clock=client.clock,
            tuning=client.tuning,
            operation_id=_operation_id(location),
            first_retry_after=retry_after_seconds(response.headers, client.clock.now()),
        )

    async def resolve_policy_id(self, policy_name: str) -> str:
        """getPolicyId for a voice routing policy name; TeamsError when Teams does not know it."""
        return await policies.resolve_policy_id(self._client, policy_name)

    async def grant_voice_routing_policy(self, account_id: str, policy_name: str | None) -> None:
        """Grant (None: back to Global); a failure's message carries the PowerShell fallback."""
        await policies.grant_voice_routing_policy(self._client, account_id, policy_name, upn_of=self._upn_of)

    async def _upn_of(self, account_id: str) -> str | None:
        account = await self.get_account(account_id)
        return account.upn if account else None

    def allowed_policies(self) -> tuple[str, ...]:
        return self._allowed


def _operation_id(location: str) -> str | None:
    tail = location.rstrip("/").rsplit("/", 1)[-1]
    if tail.startswith("operations(") and tail.endswith(")"):
        return tail[len("operations(") : -1].strip("'")
    return tail or None
