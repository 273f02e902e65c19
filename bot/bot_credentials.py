"""The bot's own token for answering Teams (client secret or user-assigned managed identity).

botbuilder builds a new MicrosoftAppCredentials, with a new msal application and an empty token cache,
for every connector it creates (twice a turn), and msal asks Entra synchronously on the event loop:
each turn would wait for Entra, and a silent Entra would freeze the bot. Here one token per scope is
acquired in a worker thread under a deadline, cached until five minutes before it expires, and
handed to botbuilder ready to use.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from typing import Any

from botframework.connector.auth import (
    AppCredentials,
    AuthenticationConstants,
    MicrosoftAppCredentials,
    ServiceClientCredentialsFactory,
)

from inventory.teams.managed_identity import session_with_timeout

IDENTITY_REQUEST_TIMEOUT_SECONDS = 10.0
Acquire = Callable[[str], Mapping[str, Any]]  # scope -> msal's answer ({"access_token", "expires_in"} or error)
_REFRESH_MARGIN_SECONDS = 300.0
APP_TYPES = {"multitenant": "MultiTenant", "singletenant": "SingleTenant", "userassignedmsi": "UserAssignedMSI"}


class BotTokens:
    """Tokens for the bot's identity, one per scope, fetched off the event loop."""

    def __init__(self, acquire: Acquire, *, timeout_seconds: float = 15.0) -> None:
        self._acquire = acquire
        self._timeout = timeout_seconds
        self._cached: dict[str, tuple[str, float]] = {}
        self._lock = asyncio.Lock()

    async def token(self, scope: str) -> str:
        cached = self._usable(scope)
        if cached is not None:
            return cached
        async with self._lock:
            cached = self._usable(scope)
            if cached is not None:
                return cached
            try:
                answer = await asyncio.wait_for(asyncio.to_thread(self._acquire, scope), self._timeout)
            except TimeoutError:
                raise PermissionError(f"Entra did not issue the bot's token within {self._timeout:.0f} s") from None
            token = answer.get("access_token")
            if not isinstance(token, str) or not token:
                said = answer.get("error_description") or answer.get("error") or "no details"
                raise PermissionError(f"Entra refused the bot's token ({said})")
            expires_in = float(answer.get("expires_in", 3599))
            self._cached[scope] = (token, time.monotonic() + max(0.0, expires_in - _REFRESH_MARGIN_SECONDS))
            return token

    def _usable(self, scope: str) -> str | None:
        entry = self._cached.get(scope)
        return entry[0] if entry is not None and time.monotonic() < entry[1] else None


def msal_acquire(app_type: str, app_id: str, password: str, tenant_id: str, authority_host: str) -> Acquire:
    """msal for the bot's registration: a client secret (multi- or single-tenant) or a managed identity.

    msal's application is built on first use, in the worker thread: building it already asks Entra.
    """
    built: list[Any] = []

    def acquire(scope: str) -> Mapping[str, Any]:
        import msal  # late: slow to import, and only a registered bot needs it

        if app_type == "UserAssignedMSI":
            if not built:
                identity = msal.UserAssignedManagedIdentity(client_id=app_id)
                # A timeout on each request: a silent identity endpoint must not hold the worker thread.
                http = session_with_timeout(IDENTITY_REQUEST_TIMEOUT_SECONDS)
                built.append(msal.ManagedIdentityClient(identity, http_client=http))
            answer: Mapping[str, Any] = built[0].acquire_token_for_client(resource=scope.removesuffix("/.default"))
            return answer
        if not built:
            tenant = tenant_id if app_type == "SingleTenant" else AuthenticationConstants.DEFAULT_CHANNEL_AUTH_TENANT
            authority = f"{authority_host.rstrip('/')}/{tenant}"
            built.append(msal.ConfidentialClientApplication(app_id, client_credential=password, authority=authority))
        answer = built[0].acquire_token_for_client(scopes=[scope])
        return answer  # noqa: RET504 - typed here: msal's answer is untyped

    return acquire


class _ReadyCredentials(AppCredentials):  # type: ignore[misc]
    """Credentials whose token was fetched beforehand: msrest signs requests without waiting."""

    def __init__(self, app_id: str, token: str, oauth_scope: str) -> None:
        super().__init__(app_id=app_id, oauth_scope=oauth_scope)
        self._token = token

    def get_access_token(self, force_refresh: bool = False) -> str:
        return self._token


def token_of(credentials: AppCredentials) -> str:
    """The token `credentials` sign with: ours carry it ready; the development mode's empty ones none."""
    return credentials._token if isinstance(credentials, _ReadyCredentials) else ""


class BotCredentialFactory(ServiceClientCredentialsFactory):  # type: ignore[misc]
    """What botbuilder asks for credentials; no app id means the insecure development mode."""

    def __init__(self, app_id: str, tokens: BotTokens | None) -> None:
        self._app_id = app_id
        self._tokens = tokens

    async def is_valid_app_id(self, app_id: str) -> bool:
        return bool(self._app_id) and app_id == self._app_id

    async def is_authentication_disabled(self) -> bool:
        return not self._app_id

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> AppCredentials:
        if not self._app_id or self._tokens is None:
            return MicrosoftAppCredentials.empty()
        if app_id != self._app_id:
            raise PermissionError("credentials were asked for another app id")
        scope = oauth_scope or AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE
        token = await self._tokens.token(scope if scope.endswith("/.default") else f"{scope}/.default")
        return _ReadyCredentials(app_id, token, scope)
