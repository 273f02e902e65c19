"""Talking to the bot as Teams does: real activities POSTed to /api/messages over HTTP, and a recording
Bot Connector (the `serviceUrl`) that stores every message, reply and card update the bot sends."""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from cards.reading import card_text, execute_actions
from tests.support.cards import assert_valid_card
from tests.support.local_site import serve_locally

ACTIVITIES = Path(__file__).resolve().parent.parent / "data" / "activities"
TENANT_ID = "11111111-1111-4111-8111-111111111111"


@dataclass
class Sent:
    """One call the bot made to the connector."""

    method: str
    conversation_id: str
    activity_id: str | None
    body: dict[str, Any]

    @property
    def card(self) -> dict[str, Any] | None:
        for attachment in self.body.get("attachments") or []:
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                content: dict[str, Any] = attachment["content"]
                return content
        return None


@dataclass
class Member:
    id: str
    aad_object_id: str
    name: str
    upn: str


@dataclass
class RecordingConnector:
    members: dict[str, Member] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)
    refused: int = 0
    url: str = ""
    fail_next_posts: int = 0
    fail_posts_to: dict[str, int] = field(default_factory=dict)  # conversation id -> posts to refuse
    authorizations: list[str] = field(default_factory=list)  # the Authorization header of each post
    created: list[dict[str, Any]] = field(default_factory=list)  # each `create conversation` request body
    # People (by Entra object id) for whom the app is not installed: Teams refuses to open a chat with them.
    not_installed_for: set[str] = field(default_factory=set)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    _runner: web.AppRunner | None = None
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create_conversation)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._post)
        app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", self._post)
        app.router.add_put("/v3/conversations/{conversation}/activities/{activity}", self._put)
        app.router.add_get("/v3/conversations/{conversation}/members/{member}", self._member)
        self._runner, self.url = await serve_locally(app)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _record(self, sent: Sent) -> None:
        card = sent.card
        if card is not None:
            assert_valid_card(card)  # every card the bot produces: schema 1.5 and Teams' 28 KB limit
        self.sent.append(sent)
        self._changed.set()

    async def _post(self, request: web.Request) -> web.Response:
        conversation = request.match_info["conversation"]
        self.authorizations.append(request.headers.get("Authorization", ""))
        if self.fail_posts_to.get(conversation):
            # Teams throttles a busy channel with 429 (which botbuilder's HTTP client does not retry itself).
            self.fail_posts_to[conversation] -= 1
            self.refused += 1
            return web.json_response({"error": {"code": "Throttled", "message": "slow down"}}, status=429)
        if self.fail_next_posts:
            self.fail_next_posts -= 1
            self.refused += 1
            return web.json_response({"error": {"code": "ServiceError", "message": "try later"}}, status=503)
        activity_id = str(next(self._ids))
        body = await request.json()
        self._record(Sent("POST", request.match_info["conversation"], activity_id, body))
        return web.json_response({"id": activity_id}, status=201)

    async def _put(self, request: web.Request) -> web.Response:
        body = await request.json()
        self._record(Sent("PUT", request.match_info["conversation"], request.match_info["activity"], body))
        return web.json_response({"id": request.match_info["activity"]})

    async def _create_conversation(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.created.append(body)
        if any(member.get("id") in self.not_installed_for for member in body.get("members") or []):
            self.refused += 1
            forbidden = {"code": "Forbidden", "message": "The bot is not installed for this user."}
            return web.json_response({"error": forbidden}, status=403)
        channel = ((body.get("channelData") or {}).get("channel") or {}).get("id") or "a:proactive"
        activity_id = str(next(self._ids))
        conversation_id = f"{channel};messageid={activity_id}"
        if body.get("activity"):
            self._record(Sent("POST", conversation_id, activity_id, body["activity"]))
        return web.json_response({"id": conversation_id, "activityId": activity_id}, status=201)

    async def _member(self, request: web.Request) -> web.Response:
        wanted = request.match_info["member"]
        # Teams finds a member by their Teams id or by their Entra object id.
        member = self.members.get(wanted) or next((m for m in self.members.values() if m.aad_object_id == wanted), None)
        if member is None:
            return web.json_response({"error": {"code": "MemberNotFoundInConversation"}}, status=404)
        return web.json_response(
            {
                "id": member.id,
                "aadObjectId": member.aad_object_id,
                "name": member.name,
                "email": member.upn,
                "userPrincipalName": member.upn,
                "tenantId": TENANT_ID,
                "userRole": "user",
            }
        )

    async def wait_for(self, count: int, within_seconds: float = 10.0) -> list[Sent]:
        """Wait until at least `count` calls were recorded (for follow-ups that finish after the turn)."""
        async with asyncio.timeout(within_seconds):
            while len(self.sent) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.sent

    async def wait_for_new(self, seen: int, *, count: int = 1, within_seconds: float = 10.0) -> list[Sent]:
        """The calls recorded after the first `seen`, once there are `count` of them."""
        await self.wait_for(seen + count, within_seconds)
        return self.sent[seen:]

    async def wait_for_card(
        self, matches: Callable[[dict[str, Any]], bool], *, within_seconds: float = 10.0
    ) -> dict[str, Any]:
        """The first card sent or updated that `matches`, waiting for it if it has not come yet."""
        async with asyncio.timeout(within_seconds):
            while True:
                found = next((card for card in self.cards() if matches(card)), None)
                if found is not None:
                    return found
                self._changed.clear()
                await self._changed.wait()

    def attachments(self, content_type: str) -> list[dict[str, Any]]:
        """Every attachment of `content_type` the bot sent (file cards, for example), oldest first."""
        return [a for s in self.sent for a in s.body.get("attachments") or [] if a.get("contentType") == content_type]

    async def wait_for_update(self, activity_id: str, *, after: int, within_seconds: float = 10.0) -> dict[str, Any]:
        """The final card put in place of `activity_id` by an update recorded after the first `after` calls
        (progress redraws that still update themselves are passed over)."""
        async with asyncio.timeout(within_seconds):
            while True:
                for sent in self.sent[after:]:
                    card = sent.card
                    if sent.method == "PUT" and sent.activity_id == activity_id and card and not updates_itself(card):
                        return card
                self._changed.clear()
                await self._changed.wait()

    def cards(self) -> list[dict[str, Any]]:
        return [s.card for s in self.sent if s.card is not None]

    def last_card(self) -> dict[str, Any]:
        cards = self.cards()
        assert cards, "the bot sent no card"
        return cards[-1]


def template(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((ACTIVITIES / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


@dataclass
class TeamsClient:
    """Sends activities the way Teams would, from one user, in one conversation."""

    http: aiohttp.ClientSession
    bot_url: str
    connector: RecordingConnector
    member: Member
    conversation: str = "personal"
    local_timezone: str | None = None  # what the operator's Teams client says (IANA name), e.g. Europe/Paris
    # The message each card a click answered with lives in (it replaced the clicked card there), by id().
    _messages: dict[int, tuple[dict[str, Any], str]] = field(default_factory=dict)

    def message_of(self, card: dict[str, Any]) -> str:
        """The id of the message `card` is shown in, as Teams sends it in a click's `replyToId`: the
        activity the connector posted or updated with it, or the message a click's answer replaced."""
        kept = self._messages.get(id(card))
        if kept is not None and kept[0] is card:
            return kept[1]
        for sent in reversed(self.connector.sent):
            if sent.card is card and sent.activity_id:
                return sent.activity_id
        return "1"

    def _activity(self, kind: str) -> dict[str, Any]:
        names = {"personal": "personal_message", "channel": "channel_message_mention"}
        activity = copy.deepcopy(template(names[self.conversation]))
        activity.update(id=str(uuid.uuid4()), serviceUrl=self.connector.url, type=kind)
        activity["from"] = {"id": self.member.id, "name": self.member.name, "aadObjectId": self.member.aad_object_id}
        activity.pop("entities", None)
        if self.local_timezone:
            activity["localTimezone"] = self.local_timezone
        return activity

    async def post(self, activity: dict[str, Any]) -> tuple[int, Any]:
        async with self.http.post(self.bot_url, json=activity) as response:
            text = await response.text()
            if text and response.content_type == "application/json":
                return response.status, json.loads(text)
            return response.status, text or None

    async def say(self, text: str) -> tuple[int, Any]:
        activity = self._activity("message")
        if self.conversation == "channel":
            activity["text"] = f"<at>Switchboard</at> {text}"
            activity["entities"] = [
                {
                    "type": "mention",
                    "text": "<at>Switchboard</at>",
                    "mentioned": {"id": activity["recipient"]["id"], "name": "Switchboard"},
                }
            ]
        else:
            activity["text"] = text
        return await self.post(activity)

    async def click(
        self,
        card: dict[str, Any],
        title: str,
        *,
        inputs: dict[str, Any] | None = None,
        reply_to: str | None = None,
        settle: bool = True,
    ) -> dict[str, Any]:
        """Click the Action.Execute titled `title` on `card`; returns the card that replaces it.

        When the answer is a self-updating card ("Working in Teams..."), what the operator ends up looking
        at is the card the bot later puts in its place: with `settle`, that final form, as the connector
        received it (a PUT of the clicked card's activity after this click); without, the answer itself."""
        action = find_action(card, title)
        message = reply_to or self.message_of(card)
        seen = len(self.connector.sent)
        status, body = await self.execute(action["verb"], {**action["data"], **(inputs or {})}, reply_to=message)
        assert status == 200, body
        assert body["type"] == "application/vnd.microsoft.card.adaptive", body
        assert_valid_card(body["value"])
        result: dict[str, Any] = body["value"]
        if settle and updates_itself(result):
            result = await self.connector.wait_for_update(message, after=seen)
        self._messages[id(result)] = (result, message)
        return result

    async def execute(self, verb: Any, data: Any, *, reply_to: str = "1") -> tuple[int, Any]:
        return await self.post(self.invoke(verb, data, reply_to=reply_to))

    def invoke(self, verb: Any, data: Any, *, reply_to: str = "1") -> dict[str, Any]:
        """The `adaptiveCard/action` invoke Teams sends for a click (post it twice to play a Teams retry)."""
        activity = self._activity("invoke")
        activity.pop("text", None)
        activity.update(
            name="adaptiveCard/action",
            replyToId=reply_to,
            value={"action": {"type": "Action.Execute", "title": "x", "verb": verb, "data": data}},
        )
        return activity

    def action(self, card: dict[str, Any], title: str, *, inputs: dict[str, Any] | None = None) -> dict[str, Any]:
        """The invoke a click on `title` would send, without sending it."""
        found = find_action(card, title)
        return self.invoke(found["verb"], {**found["data"], **(inputs or {})})

    async def answer(self, activity: dict[str, Any]) -> dict[str, Any]:
        """POST an `adaptiveCard/action` invoke and return the (validated) card it is answered with."""
        status, body = await self.post(activity)
        assert status == 200, body
        assert body["type"] == "application/vnd.microsoft.card.adaptive", body
        assert_valid_card(body["value"])
        result: dict[str, Any] = body["value"]
        return result

    async def submit(
        self, card: dict[str, Any], title: str, *, inputs: dict[str, Any] | None = None, reply_to: str = "1"
    ) -> tuple[int, Any]:
        """Click `title` as an Action.Submit would: a message with the card's data as `value`, and no text."""
        action = find_action(card, title)
        activity = self._activity("message")
        activity.pop("text", None)
        activity.update(replyToId=reply_to, value={**action["data"], **(inputs or {})})
        activity["channelData"] = {**activity.get("channelData", {}), "source": {"name": "message"}}
        return await self.post(activity)

    async def search(self, query: str, *, dataset: str = "accounts") -> tuple[int, Any]:
        """Typing in a typeahead drop-down: the `application/search` invoke."""
        activity = copy.deepcopy(template("personal_invoke_application_search"))
        activity.update(id=str(uuid.uuid4()), serviceUrl=self.connector.url)
        activity["from"] = {"id": self.member.id, "name": self.member.name, "aadObjectId": self.member.aad_object_id}
        activity["value"] = {**activity["value"], "queryText": query, "dataset": dataset}
        return await self.post(activity)

    async def send_file(self, name: str, download_url: str) -> tuple[int, Any]:
        """Send a file in the chat: Teams stores it in the user's OneDrive and tells the bot where."""
        activity = self._activity("message")
        activity.pop("text", None)
        activity["attachments"] = [
            {
                "contentType": "application/vnd.microsoft.teams.file.download.info",
                "contentUrl": f"https://contoso-my.sharepoint.com/personal/Documents/{name}",
                "name": name,
                "content": {"downloadUrl": download_url, "uniqueId": str(uuid.uuid4()), "fileType": "csv"},
            }
        ]
        return await self.post(activity)

    async def answer_file_consent(
        self, consent: dict[str, Any], action: str, *, upload_url: str, context: dict[str, Any] | None = None
    ) -> tuple[int, Any]:
        """Allow (`accept`) or decline the file on a consent card, with the upload session Teams opened."""
        activity = self._activity("invoke")
        activity.pop("text", None)
        content = consent["content"]
        activity.update(
            name="fileConsent/invoke",
            value={
                "type": "fileUpload",
                "action": action,
                "context": context if context is not None else content["acceptContext"],
                "uploadInfo": {
                    "contentUrl": f"https://contoso-my.sharepoint.com/personal/Documents/{consent['name']}",
                    "name": consent["name"],
                    "uploadUrl": upload_url,
                    "uniqueId": str(uuid.uuid4()),
                    "fileType": "csv",
                },
            },
        )
        return await self.post(activity)

    async def installation_update(self, action: str = "add") -> tuple[int, Any]:
        """What Teams sends when the app is installed (`add`), upgraded (`add-upgrade`) or removed, in this
        client's conversation (a personal chat, or a team's channel)."""
        names = {"personal": "personal_installation_update", "channel": "channel_installation_update"}
        activity = copy.deepcopy(template(names[self.conversation]))
        activity.update(id=str(uuid.uuid4()), serviceUrl=self.connector.url, action=action)
        activity["from"] = {"id": self.member.id, "aadObjectId": self.member.aad_object_id}
        return await self.post(activity)

    async def conversation_update(self) -> tuple[int, Any]:
        """What Teams sends when the app is installed or the chat is opened."""
        activity = copy.deepcopy(template("personal_conversation_update"))
        activity.update(id=str(uuid.uuid4()), serviceUrl=self.connector.url)
        activity["from"] = {"id": self.member.id, "aadObjectId": self.member.aad_object_id}
        activity["membersAdded"] = [activity["from"], {"id": activity["recipient"]["id"]}]
        return await self.post(activity)


def updates_itself(card: dict[str, Any]) -> bool:
    """A card the bot replaces by itself when its work is done (a waiting or progress card)."""
    return "This card updates by itself." in card_text(card)


def find_action(card: dict[str, Any], title: str) -> dict[str, Any]:
    """The first Action.Execute titled `title`, wherever it is on the card."""
    for action in execute_actions(card):
        if action.get("title") == title:
            return action
    titles = [a.get("title") for a in execute_actions(card)]
    raise AssertionError(f"no action '{title}' on the card; it has {titles}")


def offered(card: dict[str, Any]) -> list[str]:
    """The numbers a picker (or list) card shows, as labels (`+1 206 555 0100`), top to bottom."""
    return re.findall(r"\*\*(\+[\d ]+?)\*\*", card_text(card))


def flow_of(card: dict[str, Any]) -> str:
    """The flow id every action of a flow card carries."""
    flows = {str(a["data"]["flow"]) for a in execute_actions(card) if "flow" in a.get("data", {})}
    assert len(flows) == 1, f"expected one flow on the card, found {flows}"
    return flows.pop()


def action_titles(card: dict[str, Any]) -> list[str]:
    """The titles of every Action.Execute on the card, in order."""
    return [str(a.get("title")) for a in execute_actions(card)]


def actions_titled(card: dict[str, Any], title: str) -> list[dict[str, Any]]:
    """Every Action.Execute titled `title` (a picker's Pick buttons, top to bottom)."""
    return [a for a in execute_actions(card) if a.get("title") == title]
