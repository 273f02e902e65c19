"""`switchboard tenants`: can Switchboard reach each tenant's Teams, and how fast?"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

import aiohttp

from inventory.config import TenantConfig
from inventory.errors import SwitchboardError
from inventory.teams import permissions
from inventory.teams.auth import TokenSource
from inventory.teams.credentials import token_source_for
from inventory.teams.factory import phone_system_for
from inventory.teams.listing import NUMBERS_PATH
from inventory.teams.retry import GraphTuning

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TenantCheck:
    """The outcome of probing one tenant. `error` is an operator-readable sentence when something failed."""

    tenant: str
    token_ok: bool
    numbers_ok: bool
    numbers_on_first_page: int | None
    seconds: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.token_ok and self.numbers_ok


async def check_tenant(
    tenant: TenantConfig,
    *,
    session: aiohttp.ClientSession | None = None,
    token_source: TokenSource | None = None,
    timeout_seconds: float = 20.0,
) -> TenantCheck:
    """Get a token, then read one page (100) of numbers; never raises for Teams or configuration problems."""
    started = time.monotonic()

    def result(token_ok: bool, numbers: int | None, error: str | None) -> TenantCheck:
        seconds = time.monotonic() - started
        return TenantCheck(tenant.name, token_ok, numbers is not None, numbers, seconds, error)

    tuning = GraphTuning(max_attempts=2, call_deadline_seconds=timeout_seconds, token_timeout_seconds=timeout_seconds)
    try:
        tokens = token_source or token_source_for(tenant, session=session, timeout_seconds=timeout_seconds)
        async with asyncio.timeout(timeout_seconds):
            await tokens.access_token()
    except SwitchboardError as error:
        return result(False, None, str(error))
    except TimeoutError:
        return result(False, None, f"No token within {timeout_seconds:.0f} s for tenant '{tenant.name}'.")
    try:
        async with phone_system_for(tenant, session=session, token_source=tokens, tuning=tuning) as phone:
            client = phone.client
            async with asyncio.timeout(timeout_seconds):
                document = await client.get_json(
                    client.url(NUMBERS_PATH, {"$top": 100}),
                    what="list phone numbers",
                    permission=permissions.NUMBERS_READ,
                )
    except SwitchboardError as error:
        return result(True, None, str(error))
    except TimeoutError:
        return result(True, None, f"Teams did not answer within {timeout_seconds:.0f} s for tenant '{tenant.name}'.")
    value = document.get("value")
    count = len(value) if isinstance(value, list) else 0
    logger.info("tenant_checked tenant=%s numbers_on_first_page=%d", tenant.name, count)
    return result(True, count, None)
