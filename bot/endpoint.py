"""The bot's HTTP endpoint: POST /api/messages (activities in, invoke answers out), GET /healthz.

Activities are checked for the shapes botbuilder trusts before it sees them (it answers malformed bodies
and tokens with a 500), then handed to the adapter, which checks the token when an app id is set.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import jwt
from aiohttp import web
from botbuilder.core import serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, AdaptiveCardInvokeResponse

from bot.handler import SearchInvokeResponse, SwitchboardBot
from inventory.ports.storage import Storage

log = logging.getLogger(__name__)
MAX_BODY = 512 * 1024  # no real activity comes near this; a 100 KB card value still fits


def add_routes(
    app: web.Application, adapter: CloudAdapter, bot: SwitchboardBot, storage: Storage, *, authenticated: bool
) -> None:
    app.router.add_post("/api/messages", _messages(adapter, bot, authenticated=authenticated))
    app.router.add_get("/api/messages", _post_only)  # GET and HEAD
    app.router.add_get("/healthz", _health(storage))


def _messages(adapter: CloudAdapter, bot: SwitchboardBot, *, authenticated: bool) -> Callable[[web.Request], Any]:
    async def handle(request: web.Request) -> web.StreamResponse:
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


def _health(storage: Storage) -> Callable[[web.Request], Any]:
    async def handle(_: web.Request) -> web.Response:
        try:
            await storage.ping()
        except Exception as error:
            log.warning("health check: database unreachable: %s", error.__class__.__name__)
            return web.json_response({"status": "degraded", "database": "unreachable"}, status=503)
        return web.Response(text=json.dumps({"status": "ok", "database": "ok"}), content_type="application/json")

    return handle
