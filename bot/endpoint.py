"""The bot's HTTP endpoint: POST /api/messages (activities in, invoke answers out), GET /healthz.

An activity is checked for the shapes botbuilder trusts (bot/activity_checks) and its token by the
guard and botbuilder (bot/request_auth) before any turn runs; every refusal is a 4xx (503 while the
issuer's keys cannot be fetched) with one log line, never a traceback.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web
from botbuilder.core import serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, AdaptiveCardInvokeResponse

from bot.activity_checks import ServiceUrlRule, activity_problem
from bot.handler import SearchInvokeResponse, SwitchboardBot
from bot.outgoing import redacted_json
from bot.request_auth import Refusal, RequestAuthenticator
from inventory.ports.storage import Storage

log = logging.getLogger(__name__)
MAX_BODY = 512 * 1024  # no real activity comes near this; a 100 KB card value still fits
RETRY_AFTER_SECONDS = "5"


def add_routes(
    app: web.Application,
    adapter: CloudAdapter,
    authenticator: RequestAuthenticator,
    bot: SwitchboardBot,
    storage: Storage,
    service_urls: ServiceUrlRule,
) -> None:
    app.router.add_post("/api/messages", _messages(adapter, authenticator, bot, service_urls))
    app.router.add_get("/api/messages", _post_only)  # GET and HEAD
    app.router.add_get("/healthz", _health(storage, authenticated=authenticator.enabled))


def _messages(
    adapter: CloudAdapter, authenticator: RequestAuthenticator, bot: SwitchboardBot, service_urls: ServiceUrlRule
) -> Callable[[web.Request], Any]:
    async def handle(request: web.Request) -> web.StreamResponse:
        if "application/json" not in request.headers.get("Content-Type", ""):
            raise web.HTTPUnsupportedMediaType(text="Send the activity as application/json.")
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            raise web.HTTPBadRequest(text="The body is not valid JSON.") from None
        problem = activity_problem(body)
        if problem:
            log.info("refused an activity: %s", problem)
            raise web.HTTPBadRequest(text=problem)
        activity = Activity().deserialize(body)
        try:
            authenticated = await authenticator.authenticate(activity, request.headers.get("Authorization", ""))
        except Refusal as refusal:
            if refusal.status == 503:
                retry = {"Retry-After": RETRY_AFTER_SECONDS}
                raise web.HTTPServiceUnavailable(text=refusal.reason, headers=retry) from None
            raise web.HTTPUnauthorized(text=refusal.reason) from None
        problem = service_urls.problem(body["serviceUrl"])
        if problem:
            log.info("refused an activity: %s", problem)
            raise web.HTTPBadRequest(text=problem)
        # What CloudAdapter.process does, minus msrest walking every card element to write the answer.
        try:
            answer = await adapter.process_activity(authenticated, activity, bot.on_turn)
        except PermissionError as error:
            # The bot's own token for answering could not be had (Entra refused or did not answer).
            log.warning("could not answer an activity: %s", error)
            raise web.HTTPServiceUnavailable(
                text="The bot cannot reach Entra for its token; retry shortly.",
                headers={"Retry-After": RETRY_AFTER_SECONDS},
            ) from None
        if answer is None:
            return web.Response(status=201)
        if answer.body is None:
            return web.Response(status=answer.status)
        return web.json_response(invoke_body(answer.body), status=answer.status, dumps=redacted_json)

    return handle


def invoke_body(body: Any) -> Any:
    """The JSON of an invoke answer. Our two kinds are written directly (a card is already JSON);
    anything botbuilder answers itself goes through its serializer."""
    if isinstance(body, AdaptiveCardInvokeResponse):
        return {"statusCode": body.status_code, "type": body.type, "value": body.value}
    if isinstance(body, SearchInvokeResponse):
        return {"type": body.type, "value": body.value}
    if isinstance(body, dict):
        return body
    return None if body is None else serializer_helper(body)


async def _post_only(_: web.Request) -> web.Response:
    # The Agents Playground probes the endpoint with HEAD; a 405 tells it the bot is there.
    return web.Response(status=405, headers={"Allow": "POST"})


def _health(storage: Storage, *, authenticated: bool) -> Callable[[web.Request], Any]:
    # Said on every probe, so a development server that ends up somewhere real is noticed.
    mode = "authenticated" if authenticated else "insecure-development"

    async def handle(_: web.Request) -> web.Response:
        try:
            await storage.ping()
        except Exception as error:
            log.warning("health check: database unreachable: %s", error.__class__.__name__)
            return web.json_response({"status": "degraded", "database": "unreachable", "mode": mode}, status=503)
        document = {"status": "ok", "database": "ok", "mode": mode}
        return web.Response(text=json.dumps(document), content_type="application/json")

    return handle
