"""The one place that builds a tenant's PhoneSystem; the bot, the CLI and the demo all come here.

Demo mode is not a different adapter: it is the same GraphPhoneSystem pointed (via graph_base_url
and authority_host) at the local Graph-compatible server (`stand_in.server.stand_in_tenant`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import aiohttp

from inventory.config import TenantConfig
from inventory.errors import ConfigurationError
from inventory.ports.clock import Clock, SystemClock
from inventory.teams.auth import TokenSource
from inventory.teams.credentials import token_source_for
from inventory.teams.graph import GraphPhoneSystem
from inventory.teams.http import GraphClient
from inventory.teams.retry import GraphTuning

_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def phone_system_for(
    tenant: TenantConfig,
    *,
    session: aiohttp.ClientSession | None = None,
    clock: Clock | None = None,
    token_source: TokenSource | None = None,
    tuning: GraphTuning | None = None,
) -> GraphPhoneSystem:
    """A GraphPhoneSystem for `tenant`. Without `session` it opens its own; call `aclose()` when done.

    One instance per tenant keeps the tenant's request budget (max_requests_in_flight) in one place.
    """
    _check_graph_url(tenant)
    chosen_tuning = tuning or GraphTuning()
    tokens = token_source or token_source_for(
        tenant, session=session, timeout_seconds=chosen_tuning.token_timeout_seconds
    )
    client = GraphClient(
        tenant_name=tenant.name,
        base_url=tenant.graph_base_url,
        token_source=tokens,
        clock=clock or SystemClock(),
        tuning=chosen_tuning,
        max_in_flight=tenant.max_requests_in_flight,
        session=session,
    )
    return GraphPhoneSystem(client, allowed_policies=tenant.allowed_policies)


def _check_graph_url(tenant: TenantConfig) -> None:
    parts = urlsplit(tenant.graph_base_url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS):
        return
    # The bearer token grants access to the customer's whole phone system: never over clear text.
    raise ConfigurationError(
        f"Tenant '{tenant.name}': graph_base_url must be an https URL (or the local stand-in on 127.0.0.1), "
        f"not '{tenant.graph_base_url}'."
    )
