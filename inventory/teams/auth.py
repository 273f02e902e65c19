"""App-only access tokens for Graph: msal against Entra, or plain client credentials against the stand-in.

msal refuses any authority that is not https (its `canonicalize` raises before validate_authority or
instance_discovery are consulted), so it cannot talk to the local Graph stand-in. The demo and the
tests therefore use `ClientCredentialsTokenSource`, which speaks the same OAuth2 client-credentials
exchange over aiohttp and is only allowed on https or on a loopback address.

Secrets stay in private attributes and out of every repr, log line and exception message.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import aiohttp
import requests

from inventory.errors import ConfigurationError, TeamsError
from inventory.teams.graph_errors import graph_error_message, quote_safely

logger = logging.getLogger(__name__)

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
JWT_BEARER_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_REFRESH_MARGIN_SECONDS = 300.0  # renew five minutes early so no request leaves with a token about to lapse
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class TokenSource(Protocol):
    """Something that hands out a bearer token for Graph, caching it while it is valid."""

    async def access_token(self) -> str: ...


class StaticTokenSource:
    """A fixed token: for tests and for servers that accept any bearer."""

    def __init__(self, token: str = "static-test-token") -> None:
        self._token = token

    async def access_token(self) -> str:
        return self._token

    def __repr__(self) -> str:
        return "StaticTokenSource(<token hidden>)"


class _CachedToken:
    """A token and when to stop using it (monotonic seconds)."""

    def __init__(self) -> None:
        self.value: str | None = None
        self.refresh_at = 0.0

    def usable(self) -> str | None:
        return self.value if self.value is not None and time.monotonic() < self.refresh_at else None

    def store(self, value: str, expires_in: float) -> None:
        self.value = value
        self.refresh_at = time.monotonic() + max(0.0, expires_in - _REFRESH_MARGIN_SECONDS)


@dataclass(frozen=True)
class _Unreachable:
    """The issuer gave no answer at all (as opposed to a refusal): worth trying again later."""

    reason: str


class ThreadedTokenSource(ABC):
    """Tokens from a synchronous library (msal) that does network I/O: every call runs in a worker thread
    with a deadline, so the event loop never blocks on Entra or on an identity endpoint.

    Subclasses say how to ask (`_acquire`, which returns msal's result dictionary) and what to tell the
    operator when the answer is no (`_refusal`).
    """

    source_name = "msal"

    def __init__(self, *, tenant_name: str, timeout_seconds: float = 30.0) -> None:
        self.tenant_name = tenant_name
        self._timeout = timeout_seconds
        self._cached = _CachedToken()
        self._lock = asyncio.Lock()

    async def access_token(self) -> str:
        """A valid token, from our cache, msal's cache, or the issuer (in that order)."""
        token = self._cached.usable()
        if token is not None:
            return token
        async with self._lock:  # concurrent first requests share one acquisition
            token = self._cached.usable()
            if token is not None:
                return token
            try:
                result = await asyncio.wait_for(asyncio.to_thread(self._guarded_acquire), self._timeout)
            except TimeoutError:
                raise TeamsError(
                    self._unreachable(f"did not answer within {self._timeout:.0f} s"), retryable=True
                ) from None
            if isinstance(result, _Unreachable):
                raise TeamsError(self._unreachable(result.reason), retryable=True)
            return self._accept(result)

    def _guarded_acquire(self) -> Any:
        try:
            return self._acquire()
        except requests.Timeout:
            return _Unreachable("did not answer in time")
        except requests.ConnectionError as error:
            return _Unreachable(f"could not be reached ({type(error).__name__})")
        except Exception as error:  # msal raises ValueError and other requests errors; none may escape unread
            return {"error": type(error).__name__, "error_description": str(error)}

    @abstractmethod
    def _acquire(self) -> Any: ...

    @abstractmethod
    def _unreachable(self, reason: str) -> str:
        """What to tell the operator when the issuer `reason` ("did not answer within 30 s")."""

    @abstractmethod
    def _refusal(self, description: str) -> str: ...

    def _accept(self, result: Any) -> str:
        if isinstance(result, dict) and isinstance(result.get("access_token"), str):
            self._cached.store(result["access_token"], float(result.get("expires_in", 3599)))
            logger.info("token_acquired tenant=%s source=%s", self.tenant_name, self.source_name)
            return str(result["access_token"])
        description = "no details"
        if isinstance(result, dict):
            description = quote_safely(str(result.get("error_description") or result.get("error") or description))
        logger.warning("token_refused tenant=%s source=%s", self.tenant_name, self.source_name)
        raise TeamsError(self._refusal(description))


class MsalTokenSource(ThreadedTokenSource):
    """Client-credentials tokens from Entra through msal (secret, certificate or a federated assertion)."""

    def __init__(
        self,
        *,
        tenant_name: str,
        authority: str,
        client_id: str,
        credential: str | dict[str, Any],
        scope: str = GRAPH_SCOPE,
        timeout_seconds: float = 30.0,
        app_factory: Callable[..., Any] | None = None,
    ) -> None:
        super().__init__(tenant_name=tenant_name, timeout_seconds=timeout_seconds)
        self.authority = authority
        self.client_id = client_id
        self._credential = credential
        self._scope = scope
        self._app_factory = app_factory
        self._app: Any = None

    def __repr__(self) -> str:
        return (
            f"MsalTokenSource(tenant={self.tenant_name!r}, authority={self.authority!r}, client_id={self.client_id!r})"
        )

    def _acquire(self) -> Any:
        if self._app is None:
            factory = self._app_factory or _msal_app_factory()
            self._app = factory(
                self.client_id,
                client_credential=self._credential,
                authority=self.authority,
                timeout=self._timeout,
            )
        return self._app.acquire_token_for_client(scopes=[self._scope])

    def _unreachable(self, reason: str) -> str:
        return (
            f"Entra {reason} when Switchboard asked for a token for tenant '{self.tenant_name}'; "
            f"check the network path to {self.authority}."
        )

    def _refusal(self, description: str) -> str:
        return (
            f"Entra would not issue a Graph token for tenant '{self.tenant_name}': {description}. "
            "Check entra_tenant_id, client_id and the client secret, certificate or managed identity "
            "(see docs/teams-setup.md)."
        )


def _msal_app_factory() -> Callable[..., Any]:
    import msal  # imported late: only real tenants need it, and it is slow to import

    factory: Callable[..., Any] = msal.ConfidentialClientApplication
    return factory


class ClientCredentialsTokenSource:
    """The OAuth2 client-credentials exchange over aiohttp (used with the local Graph stand-in).

    The client proves itself with its secret, or with `assertion`: a federated credential such as a
    managed identity's token, fetched afresh for each exchange (it is short-lived).
    """

    def __init__(
        self,
        *,
        tenant_name: str,
        token_url: str,
        client_id: str,
        client_secret: str,
        scope: str = GRAPH_SCOPE,
        timeout_seconds: float = 30.0,
        session: aiohttp.ClientSession | None = None,
        assertion: Callable[[], Awaitable[str]] | None = None,
    ) -> None:
        parts = urlsplit(token_url)
        if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS):
            # A client secret must never cross a network in clear text.
            raise ConfigurationError(f"Tenant '{tenant_name}': the token endpoint must use https (or be on 127.0.0.1).")
        self.tenant_name = tenant_name
        self.token_url = token_url
        self.client_id = client_id
        self._secret = client_secret
        self._assertion = assertion
        self._scope = scope
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session = session
        self._cached = _CachedToken()
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"ClientCredentialsTokenSource(tenant={self.tenant_name!r}, token_url={self.token_url!r})"

    async def access_token(self) -> str:
        """A valid token, fetched again five minutes before the previous one expires."""
        token = self._cached.usable()
        if token is not None:
            return token
        async with self._lock:
            token = self._cached.usable()
            if token is not None:
                return token
            try:
                if self._session is not None:
                    return await self._fetch(self._session)
                async with aiohttp.ClientSession(timeout=self._timeout) as session:
                    return await self._fetch(session)
            except (aiohttp.ClientError, TimeoutError) as error:
                raise TeamsError(
                    f"Could not reach the token endpoint for tenant '{self.tenant_name}' ({type(error).__name__}).",
                    retryable=True,
                ) from None

    async def _fetch(self, session: aiohttp.ClientSession) -> str:
        form = {"grant_type": "client_credentials", "client_id": self.client_id, "scope": self._scope}
        if self._assertion is not None:
            form["client_assertion_type"] = JWT_BEARER_ASSERTION
            form["client_assertion"] = await self._assertion()
        else:
            form["client_secret"] = self._secret
        async with session.post(self.token_url, data=form, timeout=self._timeout) as response:
            body = await response.read()
            status = response.status
        if status != 200:
            said = graph_error_message(body) or f"HTTP {status}"
            raise TeamsError(f"The token endpoint refused tenant '{self.tenant_name}': {said}.", status=status)
        try:
            document = json.loads(body)
            token = document["access_token"]
            expires_in = float(document.get("expires_in", 3599))
        except (ValueError, KeyError, TypeError):
            raise TeamsError(f"The token endpoint for tenant '{self.tenant_name}' sent an unreadable answer.") from None
        if not isinstance(token, str) or not token:
            raise TeamsError(f"The token endpoint for tenant '{self.tenant_name}' sent no access token.")
        self._cached.store(token, expires_in)
        logger.info("token_acquired tenant=%s source=client_credentials", self.tenant_name)
        return token
