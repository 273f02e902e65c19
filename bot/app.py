"""The composition root: settings in, a running aiohttp application out.

`create_app(settings, ...)` builds the store, each tenant's Teams, the services, the Bot Framework adapter
and the handler, and hangs their start and stop on the application. Tests pass their own store, phone
systems or clock; nothing reads the environment here.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from aiohttp import web

from bot.activity_checks import ServiceUrlRule
from bot.adapter import BotConnection, bot_connection
from bot.delivery import Background, CardUpdater
from bot.endpoint import MAX_BODY, add_routes
from bot.handler import SwitchboardBot
from bot.identity import OperatorDirectory
from bot.jobs import Jobs
from bot.notify import NotificationPoster, notify_drift
from bot.proactive import PersonalMessenger, TenantMessenger
from bot.probes import add_probe_routes
from bot.requests import remember_channel_copy
from bot.runtime import Runtime
from inventory.config import Settings
from inventory.ports.clock import Clock, SystemClock
from inventory.ports.phone_system import PhoneSystem
from inventory.redaction import REDACTOR, install_log_redaction
from inventory.services.container import Services
from inventory.services.context import ServiceContext
from inventory.store.engine import Store, create_engine
from inventory.store.leadership import DatabaseJobLeadership
from inventory.teams.registry import PhoneSystems

SERVICES = web.AppKey("services", Services)
BACKGROUND = web.AppKey("background", Background)
JOBS = web.AppKey("jobs", Jobs)


def create_app(
    settings: Settings,
    *,
    store: Store | None = None,
    phone_systems: Mapping[str, PhoneSystem] | None = None,
    clock: Clock | None = None,
    inline_seconds: float = 5.0,
    run_jobs: bool = True,
    notify_interval: float = 2.0,
    connection: BotConnection | None = None,
) -> web.Application:
    """Raises ConfigurationError when the bot has no credentials outside the insecure development mode."""
    REDACTOR.learn(settings.secrets())
    install_log_redaction()
    connection = connection or bot_connection(settings)
    clock = clock or SystemClock()
    storage = store or Store(create_engine(settings.database_url))
    phones = PhoneSystems(settings.tenant, clock=clock, given=phone_systems)
    services = Services.build(ServiceContext(storage, clock, phones, settings))
    adapter = connection.adapter
    background = Background()
    updater = CardUpdater(adapter, settings.app_id)
    bot = SwitchboardBot(
        services,
        OperatorDirectory(settings, services.switches.who_may_request),
        updater,
        background,
        inline_seconds=inline_seconds,
        messenger=lambda url, teams_tenant: PersonalMessenger(
            adapter, settings.app_id, service_url=url, teams_tenant_id=teams_tenant
        ),
    )
    poster = NotificationPoster(
        services.notifications,
        adapter,
        settings.app_id,
        retry_base_seconds=notify_interval * 2.5,
        on_posted=functools.partial(remember_channel_copy, services.requests, updater.update_posted),
    )
    jobs = Jobs(
        services,
        leadership=DatabaseJobLeadership(storage.engine),
        on_drift=lambda tenant, preview: notify_drift(services.notifications, tenant, preview),
        update_card=updater.update_posted,
        thread_of=updater.posted_thread,
        tell_person=TenantMessenger(adapter, settings.app_id, services.notifications).tell,
    )
    runtime = Runtime(
        settings, storage, store is None, phones, jobs, poster, background, run_jobs, notify_interval, connection.keys
    )

    app = web.Application(client_max_size=MAX_BODY)
    app[SERVICES], app[BACKGROUND], app[JOBS] = services, background, jobs
    service_urls = ServiceUrlRule(settings.insecure_development, settings.test_channel_url)
    add_routes(app, adapter, connection.authenticator, bot, storage, service_urls)
    add_probe_routes(app, storage, tuple(t.name for t in settings.tenants))
    app.on_startup.append(runtime.start)
    app.on_cleanup.append(runtime.stop)
    app.on_cleanup.append(connection.channel.close_on_cleanup)  # after runtime.stop: follow-ups still post
    return app
