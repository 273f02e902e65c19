"""What every `switchboard` command shares: settings, the database, the tenant, who runs it, the services.

Exit codes: 0 done, 1 refused (bad input, a rule said no: the message says why), 2 usage error
(`UsageError`, which includes "no tenant is configured").
"""

from __future__ import annotations

import argparse
import getpass
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TypeAlias

from rich.console import Console

from inventory.config import Settings, load_settings
from inventory.errors import ConfigurationError
from inventory.model import Actor
from inventory.ports.clock import SystemClock
from inventory.services.container import Services
from inventory.services.context import ServiceContext
from inventory.store.engine import Store, create_engine
from inventory.store.migrate import upgrade
from inventory.teams.registry import PhoneSystems

NO_TENANT = (
    "No customer tenant is configured. Name a settings file with --config or $SWITCHBOARD_CONFIG "
    "that has a [[tenants]] entry (docs/teams-setup.md shows one)."
)
Handler = Callable[[argparse.Namespace, Console], Awaitable[int]]
# argparse's class is generic only to type checkers; at run time the alias is a string.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def command(commands: Commands, name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
    """Add the sub-command `name`, run by `handler`."""
    parser = commands.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(handler=handler)
    return parser


def tenant_command(commands: Commands, name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
    """A sub-command that works on one customer tenant (`--tenant`)."""
    parser = command(commands, name, handler, help_text)
    parser.add_argument("--tenant", help="customer tenant (default: $SWITCHBOARD_TENANT or the only one)")
    return parser


class UsageError(ConfigurationError):
    """The command cannot run as asked (exit 2): what is missing is in the message."""


@dataclass(frozen=True)
class CliContext:
    settings: Settings
    store: Store
    tenant: str
    actor: Actor
    services: Services


def cli_actor() -> Actor:
    """Who runs the CLI: `SWITCHBOARD_OPERATOR` (an e-mail, say) or the login name."""
    login = getpass.getuser()
    return Actor(f"cli:{login}", os.environ.get("SWITCHBOARD_OPERATOR", login))


def resolve_tenant(settings: Settings, given: str | None) -> str:
    name = (given or os.environ.get("SWITCHBOARD_TENANT") or "").strip().lower()
    if name:
        if not settings.tenants:
            raise UsageError(NO_TENANT)
        settings.tenant(name)  # raises with the known names when it is not configured
        return name
    if len(settings.tenants) == 1:
        return settings.tenants[0].name
    if settings.tenants:
        names = ", ".join(t.name for t in settings.tenants)
        raise ConfigurationError(f"Several tenants are configured ({names}); choose one with --tenant.")
    raise UsageError(NO_TENANT)


@asynccontextmanager
async def cli_context(arguments: argparse.Namespace) -> AsyncIterator[CliContext]:
    """The settings, a migrated store and the services for one command; everything is closed after it."""
    settings = load_settings(os.environ, arguments.config)
    # Before any database is opened: without a tenant there is nothing to work on, and no file to create.
    tenant = resolve_tenant(settings, getattr(arguments, "tenant", None))
    store = Store(create_engine(settings.database_url))
    phones = PhoneSystems(settings.tenant)
    try:
        await upgrade(store.engine)
        services = Services.build(ServiceContext(store, SystemClock(), phones, settings))
        yield CliContext(settings, store, tenant, cli_actor(), services)
    finally:
        await phones.aclose()
        await store.close()


async def db_upgrade(arguments: argparse.Namespace, console: Console) -> int:
    settings = load_settings(os.environ, arguments.config)
    store = Store(create_engine(settings.database_url))
    try:
        revision = await upgrade(store.engine)
    finally:
        await store.close()
    console.print(f"Database schema is at revision {revision}.")
    return 0
