"""What the bot sends the channel is what msrest would have sent (bot/channel_posts)."""

from __future__ import annotations

import copy
from typing import Any

from botbuilder.core import CardFactory, MessageFactory
from botbuilder.schema import Activity, Attachment, ChannelAccount, ConversationAccount, Mention
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import MicrosoftAppCredentials

from bot.channel_posts import serialized
from cards.common import error_card, message_card

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
