"""The composition root: settings in, a running aiohttp application out.

`create_app(settings, ...)` builds the store, the Teams adapters, the services, the Bot Framework
adapter and the handler, and wires their start and stop into the aiohttp application. Tests pass
their own store, phone systems or clock; nothing reads the environment here.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import jwt
from aiohttp import web
from botbuilder.core import serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, AdaptiveCardInvokeResponse
from msrest.universal_http.requests import ClientRetryPolicy
from sqlalchemy import text

from bot.delivery import Background, CardUpdater
from bot.handler import SearchInvokeResponse, SwitchboardBot
from bot.identity import OperatorDirectory
from bot.jobs import Jobs
from bot.notify import NotificationPoster, Notifier, notify_drift
from bot.turn import Services
from inventory.config import Settings
from inventory.ports.clock import Clock, SystemClock
from inventory.ports.phone_system import PhoneSystem
from inventory.services.assignment import AssignmentService
from inventory.services.sync import SyncService
from inventory.store.engine import Store, create_engine
from inventory.store.migrate import upgrade
from inventory.teams.registry import PhoneSystems

log = logging.getLogger(__name__)
SERVICES = web.AppKey("services", Services)
BACKGROUND = web.AppKey("background", Background)
JOBS = web.AppKey("jobs", Jobs)
POSTER = web.AppKey("poster", asyncio.Task[None])
MAX_BODY = 512 * 1024  # no real activity comes near this; a 100 KB card value still fits


@dataclass(frozen=True)
class _BotConfiguration:
    """What ConfigurationBotFrameworkAuthentication reads (the Bot Framework's usual names)."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str


def _speed_up_connector_clients() -> None:
    """msrest rebuilds a 999-item retry list against a 500-item list for every connector client (about
    4 ms, twice a turn). A set makes that membership test cheap; the result is the same."""
    if not isinstance(ClientRetryPolicy.safe_codes, frozenset):
        ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)  # type: ignore[assignment]


def create_app(
    settings: Settings,
    *,
    store: Store | None = None,
    phone_systems: Mapping[str, PhoneSystem] | None = None,
    clock: Clock | None = None,
    inline_seconds: float = 5.0,
    run_jobs: bool = True,
    notify_interval: float = 2.0,
) -> web.Application:
    _speed_up_connector_clients()
    clock = clock or SystemClock()
    owned_store = store is None
    store = store or Store(create_engine(settings.database_url))
    phones = PhoneSystems(settings.tenant, clock=clock, given=phone_systems)
    services = Services(
        settings=settings,
        store=store,
        clock=clock,
        phones=phones,
        sync=SyncService(store, phones, settings.tenant, clock, expiry_minutes=settings.sync_expiry_minutes),
        assignments=AssignmentService(store, phones, settings.tenant, clock),
        notifier=Notifier(store, clock),
        hold_minutes=settings.hold_minutes,
        bulk_concurrency=settings.bulk_concurrency,
    )
    adapter = CloudAdapter(
        ConfigurationBotFrameworkAuthentication(
            _BotConfiguration(settings.app_id, settings.app_password, settings.app_type, settings.app_tenant_id)
        )
    )
    background = Background()
    bot = SwitchboardBot(
        services,
        OperatorDirectory(settings),
        CardUpdater(adapter, settings.app_id),
        background,
        inline_seconds=inline_seconds,
    )
    poster = NotificationPoster(store, adapter, settings.app_id, clock, retry_base_seconds=notify_interval * 2.5)
    jobs = Jobs(services, on_drift=lambda tenant, preview: notify_drift(services.notifier, tenant, preview))

    app = web.Application(client_max_size=MAX_BODY)
    app[SERVICES] = services
    app[BACKGROUND] = background
    app[JOBS] = jobs
    app.router.add_post("/api/messages", _messages(adapter, bot, authenticated=bool(settings.app_id)))
    app.router.add_get("/api/messages", _post_only)  # GET and HEAD
    app.router.add_get("/healthz", _health(store))

    async def on_startup(_: web.Application) -> None:
        await upgrade(store.engine)
        # Everything built so far lives as long as the process: keep the collector from walking it
        # again and again (its full passes showed up as the slowest turns under load).
        gc.collect()
        gc.freeze()
        if run_jobs:
            jobs.start()
        app[POSTER] = asyncio.create_task(poster.run(interval=notify_interval), name="notification poster")
        log.info("switchboard bot ready tenants=%s", ",".join(t.name for t in settings.tenants))

    async def on_cleanup(_: web.Application) -> None:
        posting = app.get(POSTER)
        if posting is not None:
            posting.cancel()
            await asyncio.gather(posting, return_exceptions=True)
        await jobs.stop()
        await background.close(grace_seconds=5.0)
        await phones.aclose()
        if owned_store:
            await store.close()

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return app


def _messages(adapter: CloudAdapter, bot: SwitchboardBot, *, authenticated: bool) -> Callable[[web.Request], Any]:
    async def handle(request: web.Request) -> web.StreamResponse:
        # Check the shape before botbuilder sees it: it answers malformed bodies and tokens with a 500.
        if "application/json" not in request.headers.get("Content-Type", ""):
            raise web.HTTPUnsupportedMediaType(text="Send the activity as application/json.")
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            raise web.HTTPBadRequest(text="The body is not valid JSON.") from None
        problem = activity_problem(body)
        if problem:
            raise web.HTTPBadRequest(text=problem)
        if authenticated and not _looks_like_jwt(request.headers.get("Authorization", "")):
            raise web.HTTPUnauthorized(text="A Bot Framework token is required.")
        try:
            # What CloudAdapter.process does, minus msrest walking every card element to write the answer.
            answer = await adapter.process_activity(
                request.headers.get("Authorization", ""), Activity().deserialize(body), bot.on_turn
            )
        except (PermissionError, KeyError, ValueError, jwt.PyJWTError) as error:
            # botbuilder's token validation raises these for missing or unreadable tokens.
            log.info("refused a request with an unreadable token: %s", error.__class__.__name__)
            raise web.HTTPUnauthorized(text="The Bot Framework token is not valid.") from None
        if answer is None:
            return web.Response(status=201)
        return web.json_response(invoke_body(answer.body), status=answer.status, dumps=_compact_json)

    return handle


def invoke_body(body: Any) -> Any:
    """The JSON of an invoke answer. Our two kinds are written directly (a card is already JSON);
    anything botbuilder answers itself goes through its serializer."""
    if isinstance(body, AdaptiveCardInvokeResponse):
        return {"statusCode": body.status_code, "type": body.type, "value": body.value}
    if isinstance(body, SearchInvokeResponse):
        return {"type": body.type, "value": body.value}
    return None if body is None else serializer_helper(body)


def _compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def activity_problem(body: Any) -> str | None:
    """Why `body` is not an activity we can handle (None when it is): botbuilder trusts these shapes."""
    if not isinstance(body, dict) or not isinstance(body.get("type"), str):
        return "The body is not a Bot Framework activity (no type)."
    conversation = body.get("conversation")
    if not isinstance(conversation, dict) or not isinstance(conversation.get("id"), str):
        return "The activity has no conversation id."
    for field in ("from", "recipient", "channelData"):
        if field in body and not isinstance(body[field], dict):
            return f"The activity's '{field}' must be an object."
    if "entities" in body and not isinstance(body["entities"], list):
        return "The activity's 'entities' must be a list."
    if not isinstance(body.get("serviceUrl", ""), str):
        return "The activity's 'serviceUrl' must be a string."
    return None


def _looks_like_jwt(header: str) -> bool:
    """Bearer <header>.<claims>.<signature> whose claims name an issuer; the signature is botbuilder's job."""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or token.count(".") != 2:
        return False
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return False
    return isinstance(claims, dict) and "iss" in claims


async def _post_only(_: web.Request) -> web.Response:
    # The Agents Playground probes the endpoint with HEAD; a 405 tells it the bot is there.
    return web.Response(status=405, headers={"Allow": "POST"})


def _health(store: Store) -> Callable[[web.Request], Any]:
    async def handle(_: web.Request) -> web.Response:
        try:
            async with store.read() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as error:
            log.warning("health check: database unreachable: %s", error.__class__.__name__)
            return web.json_response({"status": "degraded", "database": "unreachable"}, status=503)
        return web.Response(text=json.dumps({"status": "ok", "database": "ok"}), content_type="application/json")

    return handle
