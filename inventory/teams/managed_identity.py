"""Graph tokens without a stored secret: the host's Azure managed identity, through msal.

Two ways, chosen by the tenant's configuration:

- `managed_identity` alone: the identity itself is granted Graph's application permissions in the
  tenant it lives in, and its token is the Graph token. Only the host's home tenant can be reached so.
- `managed_identity` with `client_id`: the identity is a federated credential of an Entra app (a
  multi-tenant app in a service provider's tenant, consented in each customer tenant). Its token for
  `api://AzureADTokenExchange` is the app's client assertion; Entra then issues the app's Graph token
  for the customer tenant. This is how a service provider reaches customers with no secret at all.

msal finds the identity endpoint from the host's environment (App Service and Container Apps set
IDENTITY_ENDPOINT and IDENTITY_HEADER; a VM answers on the instance metadata address). It is
synchronous, so every call runs in a worker thread, and its HTTP client carries a timeout: an
endpoint that never answers costs one bounded wait, not a stuck thread.
"""

from __future__ import annotations

from typing import Any

import requests
from requests import PreparedRequest
from requests.adapters import HTTPAdapter

from inventory.config import SYSTEM_ASSIGNED_IDENTITY as SYSTEM_ASSIGNED
from inventory.errors import TeamsError
from inventory.teams.auth import ThreadedTokenSource
from inventory.teams.graph_errors import quote_safely

GRAPH_RESOURCE = "https://graph.microsoft.com"
TOKEN_EXCHANGE_RESOURCE = "api://AzureADTokenExchange"  # the audience Entra expects of a federated assertion


class _TimeoutAdapter(HTTPAdapter):
    """msal sends no timeout of its own; without one a silent identity endpoint holds the thread forever."""

    def __init__(self, timeout_seconds: float) -> None:
        super().__init__()
        self._timeout_seconds = timeout_seconds

    def send(
        self,
        request: PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: dict[str, str] | None = None,
    ) -> requests.Response:
        chosen = timeout if timeout is not None else self._timeout_seconds
        return super().send(request, stream=stream, timeout=chosen, verify=verify, cert=cert, proxies=proxies)


def session_with_timeout(timeout_seconds: float) -> requests.Session:
    """A requests session for msal whose every request ends after `timeout_seconds` at most."""
    session = requests.Session()
    adapter = _TimeoutAdapter(timeout_seconds)
    session.mount("http://", adapter)  # App Service's and the VM metadata endpoints are plain http on the host
    session.mount("https://", adapter)
    return session


class ManagedIdentity:
    """The host's managed identity as msal sees it; thread-safe, with msal's token cache inside."""

    def __init__(self, identity: str, *, tenant_name: str, timeout_seconds: float = 10.0) -> None:
        import msal  # imported late: only real deployments need it, and it is slow to import

        self.identity = identity  # checked when the configuration was read
        self.tenant_name = tenant_name
        which: Any = (
            msal.SystemAssignedManagedIdentity()
            if self.identity == SYSTEM_ASSIGNED
            else msal.UserAssignedManagedIdentity(client_id=self.identity)
        )
        self._client = msal.ManagedIdentityClient(which, http_client=session_with_timeout(timeout_seconds))

    def __repr__(self) -> str:
        return f"ManagedIdentity({self.identity!r})"

    def acquire(self, resource: str) -> Any:
        """msal's answer: a dictionary with access_token and expires_in, or with error and its description."""
        return self._client.acquire_token_for_client(resource=resource)

    def assertion(self) -> str:
        """The identity's token for the token exchange: an Entra app's client assertion (called by msal)."""
        result = self.acquire(TOKEN_EXCHANGE_RESOURCE)
        if isinstance(result, dict) and isinstance(result.get("access_token"), str):
            return str(result["access_token"])
        raise TeamsError(_refusal(self, _description(result)))


class ManagedIdentityTokenSource(ThreadedTokenSource):
    """Tokens of the host's managed identity for one resource: Graph, or the token exchange."""

    source_name = "managed_identity"

    def __init__(self, identity: ManagedIdentity, *, resource: str = GRAPH_RESOURCE, timeout_seconds: float = 30.0):
        super().__init__(tenant_name=identity.tenant_name, timeout_seconds=timeout_seconds)
        self.identity = identity
        self.resource = resource

    def __repr__(self) -> str:
        return f"ManagedIdentityTokenSource(tenant={self.tenant_name!r}, {self.identity!r}, resource={self.resource!r})"

    def _acquire(self) -> Any:
        return self.identity.acquire(self.resource)

    def _unreachable(self, reason: str) -> str:
        return (
            f"The managed identity endpoint {reason} for tenant '{self.tenant_name}'. "
            "Is Switchboard running on Azure with this identity assigned to the host?"
        )

    def _refusal(self, description: str) -> str:
        return _refusal(self.identity, description)


def _description(result: Any) -> str:
    if isinstance(result, dict):
        return quote_safely(str(result.get("error_description") or result.get("error") or "no details"))
    return "no details"


def _refusal(identity: ManagedIdentity, description: str) -> str:
    which = "the system-assigned identity" if identity.identity == SYSTEM_ASSIGNED else f"identity {identity.identity}"
    return (
        f"Azure would not issue a token to {which} for tenant '{identity.tenant_name}': {description}. "
        "Check that the identity is assigned to the host and granted what docs/teams-setup.md lists."
    )
