"""What the bot sends the channel is what msrest would have sent (bot/channel_posts)."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from typing import Any

import certifi
import pytest
from aiohttp import web
from botbuilder.core import CardFactory, MessageFactory
from botbuilder.schema import Activity, Attachment, ChannelAccount, ConversationAccount, Mention
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import MicrosoftAppCredentials

from bot.channel_posts import ChannelConversations, ChannelRefused, ChannelSession, _trusted_cas, serialized
from cards.common import error_card, message_card
from tests.support.local_site import serve_locally

SERIALIZER = ConnectorClient(MicrosoftAppCredentials.empty(), base_url="http://127.0.0.1/").conversations._serialize


def addressed(activity: Activity) -> Activity:
    activity.conversation = ConversationAccount(id="a:conversation", tenant_id="tenant")
    activity.from_property = ChannelAccount(id="28:bot", name="Switchboard")
    activity.reply_to_id = "1000"
    return activity


def as_msrest_sends(activity: Activity) -> Any:
    return SERIALIZER.body(copy.deepcopy(activity), "Activity")


def test_a_card_reply_is_serialised_as_msrest_serialises_it() -> None:
    card = error_card("Teams refused: try again.", correlation_id="1234")
    card["actions"] = [{"type": "Action.Execute", "title": "Retry", "data": {"flow": "f" * 36, "v": 3, "ok": True}}]
    activity = addressed(MessageFactory.attachment(CardFactory.adaptive_card(card)))

    assert serialized(SERIALIZER, activity) == as_msrest_sends(activity)


def test_a_mention_and_a_card_beside_another_attachment_are_serialised_as_msrest_serialises_them() -> None:
    card = message_card("Title", "Text")
    activity = addressed(MessageFactory.text("<at>Ada</at> has it"))
    activity.entities = [
        Mention(mentioned=ChannelAccount(id="29:ada", name="Ada"), text="<at>Ada</at>", type="mention")
    ]
    activity.attachments = [
        Attachment(content_type="text/plain", content={"not": "a card"}),
        CardFactory.adaptive_card(card),
    ]

    assert serialized(SERIALIZER, activity) == as_msrest_sends(activity)


def test_serialising_leaves_the_activity_as_it_was() -> None:
    card = message_card("Title", "Text")
    activity = addressed(MessageFactory.attachment(CardFactory.adaptive_card(card)))

    serialized(SERIALIZER, activity)

    assert activity.attachments[0].content is card


class FlakyChannel:
    """A channel that refuses the first `refusals` requests with `status`, then takes them; records each."""

    def __init__(self, status: int, refusals: int) -> None:
        self.status, self.refusals = status, refusals
        self.seen: list[tuple[str, str, str]] = []  # method, path, Authorization

    async def handle(self, request: web.Request) -> web.Response:
        self.seen.append((request.method, request.path, request.headers.get("Authorization", "")))
        await request.json()
        if self.refusals:
            self.refusals -= 1
            return web.json_response({"error": {"code": "ServiceError"}}, status=self.status)
        return web.json_response({"id": "1001"}, status=201 if request.method == "POST" else 200)


@pytest.fixture
async def channel_session() -> AsyncIterator[ChannelSession]:
    session = ChannelSession()
    yield session
    await session.close()


async def conversations_of(channel: FlakyChannel, session: ChannelSession) -> tuple[ChannelConversations, Any]:
    app = web.Application()
    app.router.add_route("*", "/v3/conversations/{conversation}/activities/{activity}", channel.handle)
    runner, url = await serve_locally(app)
    client = ConnectorClient(MicrosoftAppCredentials.empty(), base_url=url)
    conversations = ChannelConversations(
        client.conversations, base_url=url, authorization="Bearer t0k3n", user_agent="test", channel=session
    )
    return conversations, runner


async def test_a_card_update_the_channel_refused_once_with_503_is_sent_again(channel_session: ChannelSession) -> None:
    channel = FlakyChannel(503, refusals=1)
    conversations, runner = await conversations_of(channel, channel_session)
    try:
        activity = addressed(MessageFactory.attachment(CardFactory.adaptive_card(message_card("Title", "Text"))))
        answer = await conversations.update_activity("a:conversation", "1000", activity)
    finally:
        await runner.cleanup()
    assert answer.id == "1001"
    assert channel.seen == [("PUT", "/v3/conversations/a:conversation/activities/1000", "Bearer t0k3n")] * 2


async def test_a_reply_the_channel_refused_is_not_posted_twice_and_says_how_it_was_refused(
    channel_session: ChannelSession,
) -> None:
    channel = FlakyChannel(503, refusals=1)
    conversations, runner = await conversations_of(channel, channel_session)
    try:
        with pytest.raises(ChannelRefused, match="answered POST with 503") as refused:
            await conversations.reply_to_activity("a:conversation", "1000", addressed(MessageFactory.text("hi")))
    finally:
        await runner.cleanup()
    assert refused.value.status == 503
    assert len(channel.seen) == 1  # the channel may have posted it: a second POST could show it twice


def test_replies_trust_the_certificate_authorities_requests_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    assert _trusted_cas().cert_store_stats()["x509_ca"] > 0  # certifi's bundle, as requests used

    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())
    assert _trusted_cas().cert_store_stats()["x509_ca"] > 0

    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent/ca-bundle.pem")
    with pytest.raises(FileNotFoundError):  # a bundle that is not there is said at once, not trusted silently
        _trusted_cas()
