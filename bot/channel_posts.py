"""The Bot Connector calls of every turn (reply, send, update a card) over the bot's own aiohttp session.

msrest sends each of them through `requests` in a worker thread: a thread hand-off, urllib3's
connection pool and http.client's parsing, about an eighth of a turn's CPU (bench.turns, py-spy).
Here the same request (URL, headers, the body msrest's serializer builds) goes out on the event loop
through one keep-alive session. Every other Bot Connector call (members, create conversation, ...)
still goes through msrest: they are rare.

What msrest + urllib3 2.x did and is kept: a PUT (a card update) is tried again up to three times when
the channel answers 408 or 5xx (but 501 and 505), after 0, 1.6 and 3.2 s; a POST is never repeated
(the channel may have posted it), unless no connection could be made at all; 200, 201 and 202 are
success, anything else raises.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import ssl
from typing import Any
from urllib.parse import quote

import aiohttp
import certifi
from aiohttp import web
from botbuilder.schema import ResourceResponse
from botframework.connector.auth import AppCredentials, AuthenticationConstants

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 100.0  # msrest's default connection timeout
ATTEMPTS = 4  # the first try and urllib3's three retries (msrest's ClientRetryPolicy)
BACKOFF_SECONDS = (0.0, 1.6, 3.2)  # urllib3's backoff at msrest's factor of 0.8
_OK = frozenset({200, 201, 202})
CARD_TYPE = "application/vnd.microsoft.card.adaptive"
_NOT_RETRIED = frozenset({501, 505})


class ChannelRefused(Exception):
    """The channel answered a Bot Connector call with an error status."""

    def __init__(self, method: str, status: int, text: str) -> None:
        super().__init__(f"the channel answered {method} with {status}: {text[:200]}")
        self.status = status


def _retried(method: str, status: int) -> bool:
    return method == "PUT" and (status == 408 or (status >= 500 and status not in _NOT_RETRIED))


class ChannelSession:
    """One aiohttp session for the bot's calls to the channel, opened on first use, closed with the app."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            # trust_env: a proxy set for requests (HTTPS_PROXY, ...) still applies; and the CAs requests
            # trusted (REQUESTS_CA_BUNDLE, else certifi's) are the ones trusted here, not the system's.
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS),
                trust_env=True,
                connector=aiohttp.TCPConnector(ssl=_trusted_cas()),
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def close_on_cleanup(self, _: web.Application) -> None:
        await self.close()


def _trusted_cas() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=os.environ.get("REQUESTS_CA_BUNDLE") or certifi.where())


def authorization_of(credentials: AppCredentials) -> str | None:
    """The Authorization header msrest would sign with (none in the unauthenticated development mode)."""
    app_id = credentials.microsoft_app_id
    if not app_id or app_id == AuthenticationConstants.ANONYMOUS_SKILL_APP_ID:
        return None
    return f"Bearer {credentials.get_access_token()}"


class ChannelConversations:
    """botbuilder's `ConversationsOperations` with reply, send and update over aiohttp; the rest delegated."""

    def __init__(
        self, inner: Any, *, base_url: str, authorization: str | None, user_agent: str, channel: ChannelSession
    ) -> None:
        self._inner = inner
        self._base = base_url.rstrip("/")
        self._headers = {"Accept": "application/json", "Content-Type": "application/json; charset=utf-8"}
        self._headers["User-Agent"] = user_agent
        if authorization is not None:
            self._headers["Authorization"] = authorization
        self._channel = channel

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def reply_to_activity(
        self, conversation_id: str, activity_id: str, activity: Any, **_: Any
    ) -> ResourceResponse:
        url = (
            f"{self._base}/v3/conversations/{quote(conversation_id, safe='')}/activities/{quote(activity_id, safe='')}"
        )
        return await self._send("POST", url, activity, {"x-ms-conversation-id": conversation_id})

    async def send_to_conversation(self, conversation_id: str, activity: Any, **_: Any) -> ResourceResponse:
        url = f"{self._base}/v3/conversations/{quote(conversation_id, safe='')}/activities"
        return await self._send("POST", url, activity, {})

    async def update_activity(
        self, conversation_id: str, activity_id: str, activity: Any, **_: Any
    ) -> ResourceResponse:
        url = (
            f"{self._base}/v3/conversations/{quote(conversation_id, safe='')}/activities/{quote(activity_id, safe='')}"
        )
        return await self._send("PUT", url, activity, {})

    async def _send(self, method: str, url: str, activity: Any, extra: dict[str, str]) -> ResourceResponse:
        body = json.dumps(serialized(self._inner._serialize, activity))
        headers = {**self._headers, **extra}
        for attempt in range(ATTEMPTS):
            if attempt:
                await asyncio.sleep(BACKOFF_SECONDS[attempt - 1])
            try:
                async with self._channel.session().request(method, url, data=body, headers=headers) as response:
                    text = await response.text()
                    status = response.status
            except aiohttp.ClientConnectorError:
                if attempt + 1 == ATTEMPTS:
                    raise
                log.warning("channel unreachable method=%s attempt=%d", method, attempt + 1)
                continue
            if status in _OK:
                return ResourceResponse(id=_id_in(text))
            if not _retried(method, status) or attempt + 1 == ATTEMPTS:
                raise ChannelRefused(method, status, text)
            log.warning("channel refused method=%s status=%d attempt=%d", method, status, attempt + 1)
        raise AssertionError("unreachable: the last attempt returns or raises")


def serialized(serializer: Any, activity: Any) -> dict[str, Any]:
    """The activity as msrest serialises it, but for its Adaptive Cards, which are put in as they are.

    msrest copies a card element by element (0.5 ms of a 30-line card's 0.8 ms, bench figures in
    performance.md) into what it already is: our cards are plain JSON built by cards/, and msrest's copy of
    JSON (str keys; str, int, float, bool, None, list, dict values) is the identity.
    """
    cards = [a for a in activity.attachments or [] if a.content_type == CARD_TYPE and isinstance(a.content, dict)]
    contents = [a.content for a in cards]
    for attachment in cards:
        attachment.content = None  # no await until they are put back: nobody else sees the activity so
    try:
        body: dict[str, Any] = serializer.body(activity, "Activity")
    finally:
        for attachment, content in zip(cards, contents, strict=True):
            attachment.content = content
    if cards:
        by_identity = {id(a): c for a, c in zip(cards, contents, strict=True)}
        for attachment, out in zip(activity.attachments, body.get("attachments", []), strict=True):
            if id(attachment) in by_identity:
                out["content"] = by_identity[id(attachment)]
    return body


def _id_in(text: str) -> str | None:
    if not text:
        return None
    try:
        answer = json.loads(text)
    except ValueError:
        return None
    found = answer.get("id") if isinstance(answer, dict) else None
    return found if isinstance(found, str) else None
