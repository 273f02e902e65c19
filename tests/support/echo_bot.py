"""A test-only bot, just enough Bot Framework to prove the Playground driver: it echoes text as a card.

- a message -> a card "Echo: <text>" with a "Note" input, an Action.Execute "Flip" and an Action.Submit "Send";
- the Action.Execute "Flip" -> an invoke response that replaces the card with "Flipped: <note>";
- the Action.Execute "Refuse" -> an error invoke response, which the Playground shows as a banner;
- the Action.Submit message (with `value`) -> a text message "Submitted: <note>";
- anything else (installationUpdate, conversationUpdate) -> 200.
It speaks raw HTTP JSON so the driver's test does not depend on the real bot's code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, web

_MENTION = re.compile(r"<at>[^<]*</at>")


def echo_card(text: str) -> dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [
            {"type": "TextBlock", "text": f"Echo: {text}", "wrap": True},
            {"type": "Input.Text", "id": "note", "label": "Note"},
            {
                "type": "Input.ChoiceSet",
                "id": "kind",
                "label": "Kind",
                "choices": [{"title": "Direct Routing", "value": "dr"}, {"title": "Calling Plan", "value": "cp"}],
            },
            {
                "type": "Input.ChoiceSet",
                "id": "user",
                "label": "User",
                "style": "filtered",
                "choices": [{"title": "Adele Vance", "value": "adele"}, {"title": "Megan Bowen", "value": "megan"}],
            },
            {
                "type": "Input.ChoiceSet",
                "id": "pool",
                "label": "Pool",
                "style": "expanded",
                "choices": [{"title": "Seattle", "value": "sea"}, {"title": "Oslo", "value": "osl"}],
            },
        ],
        "actions": [
            {"type": "Action.Execute", "title": "Flip", "verb": "flip", "data": {"flow": "echo"}},
            {"type": "Action.Execute", "title": "Refuse", "verb": "refuse"},
            {"type": "Action.Submit", "title": "Send", "data": {"verb": "send"}},
        ],
    }


def flipped_card(note: str) -> dict[str, Any]:
    return {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": f"Flipped: {note}"}]}


@dataclass
class EchoBot:
    """Handles POST /api/messages; `received` keeps every activity for assertions."""

    received: list[dict[str, Any]] = field(default_factory=list)

    def app(self) -> web.Application:
        application = web.Application()
        application.router.add_post("/api/messages", self.messages)
        return application

    async def messages(self, request: web.Request) -> web.Response:
        activity: dict[str, Any] = await request.json()
        self.received.append(activity)
        if activity.get("type") == "invoke" and activity.get("name") == "adaptiveCard/action":
            action = activity["value"]["action"]
            if action.get("verb") == "refuse":
                error = {"code": "BadRequest", "message": "Refused by the echo bot"}
                return web.json_response({"statusCode": 400, "type": "application/vnd.microsoft.error", "value": error})
            data = action.get("data") or {}
            body = {
                "statusCode": 200,
                "type": "application/vnd.microsoft.card.adaptive",
                "value": flipped_card(str(data.get("note", ""))),
            }
            return web.json_response(body)
        if activity.get("type") == "message":
            if isinstance(activity.get("value"), dict):
                await self._reply(activity, {"type": "message", "text": f"Submitted: {activity['value'].get('note')}"})
            else:
                text = _MENTION.sub("", activity.get("text") or "").strip()
                card = {"contentType": "application/vnd.microsoft.card.adaptive", "content": echo_card(text)}
                await self._reply(activity, {"type": "message", "attachments": [card]})
        return web.Response(status=200)

    @staticmethod
    async def _reply(activity: dict[str, Any], reply: dict[str, Any]) -> None:
        url = f"{activity['serviceUrl'].rstrip('/')}/v3/conversations/{activity['conversation']['id']}/activities"
        async with ClientSession() as session, session.post(url, json=reply) as response:
            response.raise_for_status()
