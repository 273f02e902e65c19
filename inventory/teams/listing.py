"""The three big reads of a sync (numbers, Teams settings, names), each asking Graph for lean pages.

A 100,000-number tenant is ~70 MB of JSON with every field; asking only for the fields Switchboard
maps (`$select`) and for the largest pages halves that. Whether numberAssignments accepts `$select`, and
the maximum `$top` of userConfigurations, are not documented: when Graph answers such a request with 400,
the read is repeated with Graph's defaults and that tenant's `Optimisations` remembers not to ask again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from inventory.errors import TeamsError
from inventory.ports.phone_system import ProgressCallback
from inventory.teams import permissions
from inventory.teams.http import GraphClient
from inventory.teams.paging import OnPage, fetch_link_paged, fetch_skip_paged

logger = logging.getLogger(__name__)
Read = Callable[[], Awaitable[list[Any]]]

NUMBERS_PATH = "admin/teams/telephoneNumberManagement/numberAssignments"
USER_CONFIGURATIONS_PATH = "admin/teams/userConfigurations"
NAME_FIELDS = "id,displayName,userPrincipalName"
NUMBER_FIELDS = (
    "id,telephoneNumber,numberType,assignmentStatus,assignmentTargetId,locationId,city,isoCountryCode,operatorId,"
    "activationState,assignmentCategory"
)
CONFIGURATION_FIELDS = (
    "id,userPrincipalName,accountType,isEnterpriseVoiceEnabled,telephoneNumbers,effectivePolicyAssignments"
)


@dataclass
class Optimisations:
    """Which lean-page requests Graph refused for this tenant (so they are not tried again)."""

    refused: set[str] = field(default_factory=set)

    async def attempt(
        self,
        name: str,
        client: GraphClient,
        lean: Callable[[], Awaitable[list[Any]]],
        plain: Callable[[], Awaitable[list[Any]]],
    ) -> list[Any]:
        if name not in self.refused:
            try:
                return await lean()
            except TeamsError as error:
                if error.status != 400:
                    raise
                self.refused.add(name)
                logger.warning("graph_optimisation_refused tenant=%s what=%s", client.tenant_name, name)
        return await plain()


async def read_numbers(
    client: GraphClient, progress: ProgressCallback | None, tried: Optimisations, on_page: OnPage | None = None
) -> list[Any]:
    """Every numberAssignment (raw JSON items), $top=1000 pages with only the fields we map (with
    `on_page`: handed over a page at a time, nothing returned)."""

    def read(extra: dict[str, str] | None) -> Awaitable[list[Any]]:
        return fetch_skip_paged(
            client,
            NUMBERS_PATH,
            what="list phone numbers",
            permission=permissions.NUMBERS_READ,
            label="numbers",
            progress=progress,
            extra_params=extra,
            refused=tried.refused,
            on_page=on_page,
        )

    return await tried.attempt("numbers-select", client, lambda: read({"$select": NUMBER_FIELDS}), lambda: read(None))


async def read_configurations(
    client: GraphClient, progress: ProgressCallback | None, tried: Optimisations, on_page: OnPage | None = None
) -> list[Any]:
    """Every userConfiguration (raw JSON items): big pages of the fields we map, else Graph's defaults."""

    def read(params: dict[str, str | int] | None) -> Awaitable[list[Any]]:
        url = client.url(USER_CONFIGURATIONS_PATH, params)
        return fetch_link_paged(
            client,
            url,
            what="list Teams user settings",
            permission=permissions.USER_CONFIG_READ,
            label="accounts",
            progress=progress,
            on_page=on_page,
        )

    size = client.tuning.user_configuration_page_size
    if not size:
        return await read(None)
    lean: dict[str, str | int] = {"$select": CONFIGURATION_FIELDS, "$top": size}
    return await tried.attempt("configurations-top", client, lambda: read(lean), lambda: read(None))


async def read_names(
    client: GraphClient, progress: ProgressCallback | None, on_page: OnPage | None = None
) -> list[Any]:
    """Every Entra user's id, display name and UPN (raw JSON items), 999 a page (documented maximum)."""
    url = client.url("users", {"$select": NAME_FIELDS, "$top": client.tuning.user_page_size})
    return await fetch_link_paged(
        client,
        url,
        what="list user names",
        permission=permissions.USERS_READ,
        label="names",
        progress=progress,
        on_page=on_page,
    )
