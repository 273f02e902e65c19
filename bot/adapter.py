"""The Bot Framework adapter the bot speaks through, configured from Switchboard's settings.

Three things are ours rather than botbuilder's defaults: the bot's outbound token (acquired off the
event loop, see bot_credentials), the signing keys of inbound tokens (fetched asynchronously, see
signing_keys), and the guard in front of botbuilder's validation (request_auth).
"""

from __future__ import annotations

from dataclasses import dataclass

from botbuilder.integration.aiohttp import CloudAdapter
from botframework.connector.auth import AuthenticationConstants
from msrest.universal_http.requests import ClientRetryPolicy

from bot.bot_credentials import Acquire, BotCredentialFactory, BotTokens, msal_acquire
from bot.bot_identity import app_type_of, check_bot_identity
from bot.channel_posts import ChannelSession
from bot.connector_reuse import ReusingAuthentication
from bot.request_auth import RequestAuthenticator
from bot.signing_keys import KeyRing, KeyTiming
from inventory.config import DEFAULT_AUTHORITY_HOST, Settings


@dataclass(frozen=True)
class _BotConfiguration:
    """What ConfigurationBotFrameworkAuthentication reads (the Bot Framework's usual names)."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str


@dataclass(frozen=True)
class BotConnection:
    adapter: CloudAdapter
    authenticator: RequestAuthenticator
    keys: KeyRing | None  # None in development mode: no token is checked
    channel: ChannelSession  # the HTTP session of the bot's replies and card updates, closed with the app


def bot_connection(
    settings: Settings, *, acquire: Acquire | None = None, key_timing: KeyTiming | None = None
) -> BotConnection:
    """The adapter for `settings`' bot identity; `acquire` replaces msal (tests, a local channel)."""
    check_bot_identity(settings)
    _speed_up_connector_clients()
    app_type = app_type_of(settings)
    configuration = _BotConfiguration(settings.app_id, settings.app_password, app_type, settings.app_tenant_id)
    tokens = None
    if settings.app_id:
        tokens = BotTokens(
            acquire
            or msal_acquire(
                app_type, settings.app_id, settings.app_password, settings.app_tenant_id, DEFAULT_AUTHORITY_HOST
            )
        )
    authentication = ReusingAuthentication(
        configuration, credentials_factory=BotCredentialFactory(settings.app_id, tokens)
    )
    keys = None
    if settings.app_id:
        keys = KeyRing(
            {
                AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL: settings.bot_openid_metadata_url
                or AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL,
                AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL: settings.entra_openid_metadata_url
                or AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL,
            },
            timing=key_timing,
            allow_loopback_http=bool(settings.bot_openid_metadata_url or settings.entra_openid_metadata_url),
        )
    return BotConnection(
        CloudAdapter(authentication),
        RequestAuthenticator(authentication, settings.app_id),
        keys,
        authentication.channel,
    )


def _speed_up_connector_clients() -> None:
    """msrest rebuilds a 999-item retry list against a 500-item list for every connector client (about
    4 ms, twice a turn). A set makes that membership test cheap; the result is the same."""
    if not isinstance(ClientRetryPolicy.safe_codes, frozenset):
        ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)  # type: ignore[assignment]
