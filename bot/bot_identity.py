"""Which identity the bot runs as, checked before anything listens: never an open door by accident.

Azure Bot registrations made after 2025-07-31 are SingleTenant (an app id, its secret and the home
tenant) or a user-assigned managed identity (its client id and tenant, no secret). Older multi-tenant
registrations still work and are accepted with a warning. Without an app id the bot checks no
tokens at all, which is allowed only in the development mode whose name says so.
"""

from __future__ import annotations

import logging

from bot.bot_credentials import APP_TYPES
from inventory.config import Settings
from inventory.errors import ConfigurationError

log = logging.getLogger(__name__)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
WHAT_TO_SET = (
    "set MicrosoftAppId, MicrosoftAppType (SingleTenant or UserAssignedMSI) and MicrosoftAppTenantId, "
    "and for SingleTenant MicrosoftAppPassword (docs/teams-setup.md walks through it)"
)


def app_type_of(settings: Settings) -> str:
    """The registration type, spelled as Microsoft does; without one, SingleTenant when a tenant is named."""
    if not settings.app_type:
        return "SingleTenant" if settings.app_tenant_id else "MultiTenant"
    try:
        return APP_TYPES[settings.app_type.strip().lower()]
    except KeyError:
        raise ConfigurationError(
            f"MicrosoftAppType '{settings.app_type}' is not SingleTenant, UserAssignedMSI or MultiTenant."
        ) from None


def check_bot_identity(settings: Settings) -> None:
    """Raise ConfigurationError saying what to set when the bot cannot run safely as configured."""
    if settings.insecure_development:
        if settings.app_id:
            raise ConfigurationError(
                "The insecure development mode turns token checks off, but MicrosoftAppId is set: "
                "unset SWITCHBOARD_INSECURE_DEVELOPMENT (and drop --insecure-development) to run as the bot."
            )
        return
    if not settings.app_id:
        raise ConfigurationError(
            f"Switchboard has no bot credentials: {WHAT_TO_SET}. To try it on this machine without Teams, "
            "start it with --insecure-development (or SWITCHBOARD_INSECURE_DEVELOPMENT=1): no authentication, "
            "loopback only."
        )
    app_type = app_type_of(settings)
    if app_type in {"SingleTenant", "UserAssignedMSI"} and not settings.app_tenant_id:
        raise ConfigurationError(f"MicrosoftAppType {app_type} needs MicrosoftAppTenantId (the bot's home tenant).")
    if app_type != "UserAssignedMSI" and not settings.app_password:
        raise ConfigurationError(
            f"MicrosoftAppType {app_type} needs MicrosoftAppPassword (the client secret of MicrosoftAppId); "
            "a managed identity uses MicrosoftAppType=UserAssignedMSI instead."
        )
    if app_type == "MultiTenant":
        log.warning(
            "MicrosoftAppType is MultiTenant: Azure no longer creates such registrations (since 2025-07-31); "
            "new bots are SingleTenant or UserAssignedMSI"
        )


def check_development_host(settings: Settings, host: str) -> None:
    """Development mode answers anyone who reaches the port: it may listen on loopback only."""
    if settings.insecure_development and host not in LOOPBACK_HOSTS:
        raise ConfigurationError(
            f"The insecure development mode listens on loopback only (127.0.0.1), not on '{host}'; "
            f"to serve other machines, {WHAT_TO_SET}."
        )
