"""The Bot Framework adapter the bot speaks through, configured from Switchboard's settings."""

from __future__ import annotations

from dataclasses import dataclass

from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from msrest.universal_http.requests import ClientRetryPolicy

from inventory.config import Settings


@dataclass(frozen=True)
class _BotConfiguration:
    """What ConfigurationBotFrameworkAuthentication reads (the Bot Framework's usual names)."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str


def cloud_adapter(settings: Settings) -> CloudAdapter:
    """A CloudAdapter that checks tokens for `settings.app_id` (none when it is empty: the local demo)."""
    _speed_up_connector_clients()
    configuration = _BotConfiguration(settings.app_id, settings.app_password, settings.app_type, settings.app_tenant_id)
    return CloudAdapter(ConfigurationBotFrameworkAuthentication(configuration))


def _speed_up_connector_clients() -> None:
    """msrest rebuilds a 999-item retry list against a 500-item list for every connector client (about
    4 ms, twice a turn). A set makes that membership test cheap; the result is the same."""
    if not isinstance(ClientRetryPolicy.safe_codes, frozenset):
        ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)  # type: ignore[assignment]
