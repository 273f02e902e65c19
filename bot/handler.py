"""The Teams activity handler. It only translates: activity -> command or card action -> flow -> card.

Every turn gets a correlation id; a failure shows the operator a sentence and that id, and the stack
trace goes to the log under the same id. Nothing here trusts card data for who the operator is.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from botbuilder.core import InvokeResponse, MessageFactory, TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.schema import AdaptiveCardInvokeResponse, ChannelAccount
from msrest.serialization import Model

from bot.delivery import Background, CardUpdater, deliver, refusal_card
from bot.dispatch import run_action, run_command
from bot.files import consent_attachment, file_info_attachment, sent_files, upload_info
from bot.flows import csv_export, csv_import
from bot.identity import OperatorDirectory, TeamsTeammates
from bot.local_time import local_time_of
from bot.notify import conversation_of
from bot.outgoing import card_attachment
from bot.proactive import PersonalMessenger
from bot.turn import Reply, Turn
from bot.turn_metrics import action_name, command_name, timed
from bot.untrusted import mapping
from cards.common import error_card, message_card
from cards.elements import Card
from cards.welcome import welcome_card
from inventory import log_context
from inventory.audit import new_correlation_id
from inventory.errors import SwitchboardError
from inventory.services.container import Services

log = logging.getLogger(__name__)
CARD_TYPE = "application/vnd.microsoft.card.adaptive"
SEARCH_TYPE = "application/vnd.microsoft.search.searchResponse"


class SearchInvokeResponse(Model):
    """botbuilder-python has no model for a typeahead answer, and its adapter cannot serialise a dict."""

    _attribute_map = {"type": {"key": "type", "type": "str"}, "value": {"key": "value", "type": "object"}}

    def __init__(self, *, type: str, value: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)  # type: ignore[no-untyped-call]
        self.type = type
        self.value = value


class SwitchboardBot(TeamsActivityHandler):  # type: ignore[misc]
    def __init__(
        self,
        services: Services,
        directory: OperatorDirectory,
        updater: CardUpdater,
        background: Background,
        *,
        inline_seconds: float = 5.0,
        messenger: Callable[[str, str | None], PersonalMessenger] | None = None,
    ) -> None:
        """`messenger(service_url, teams_tenant_id)` reaches people of the operator's Teams tenant."""
        super().__init__()
        self._messenger = messenger
        self._services = services
        self._directory = directory
        self._updater = updater
        self._background = background
        self._inline_seconds = inline_seconds

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        correlation_id = _start_turn_log(activity)
        is_submit = isinstance(activity.value, dict) and not (activity.text or "").strip()
        if is_submit:
            label = ("action", action_name(mapping(activity.value).get("verb")))
        else:
            label = ("command", command_name(TurnContext.remove_recipient_mention(activity) or activity.text or ""))
        with timed(*label):
            await self._message(turn_context, correlation_id, is_submit=is_submit)

    async def _message(self, turn_context: TurnContext, correlation_id: str, *, is_submit: bool) -> None:
        activity = turn_context.activity
        try:
            turn = await self._turn(turn_context, correlation_id)
            if is_submit:
                # Action.Submit (message-based cards): the same actions, answered by replacing the card.
                data: dict[str, Any] = activity.value
                reply = await run_action(turn, data.get("verb"), data)
            elif files := sent_files(activity.attachments):
                reply = await csv_import.start_from_file(turn, files[0])  # Teams sends one file per message
            else:
                await self._remember(turn_context)
                text = TurnContext.remove_recipient_mention(activity) or activity.text or ""
                reply = await run_command(turn, text)
        except SwitchboardError as error:
            reply = Reply(refusal_card(error, correlation_id))
        except Exception:
            log.exception("message turn failed correlation=%s", correlation_id)
            reply = Reply(_unexpected(correlation_id))
        replaced = activity.reply_to_id if is_submit else None
        if is_submit and reply.for_everyone is not None:
            # A message-based click replaces the message for everyone anyway: show what everyone should see.
            reply = Reply(
                reply.for_everyone,
                follow_up=reply.follow_up,
                thread_note=reply.thread_note,
                also_update=reply.also_update,
            )
            await self._tell_thread(turn_context, dataclasses.replace(reply, for_everyone=None))
        await self._send(turn_context, reply, correlation_id, replace=replaced)

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        name = turn_context.activity.name
        if name == "adaptiveCard/action":
            correlation_id = _start_turn_log(turn_context.activity)
            verb = mapping(mapping(turn_context.activity.value).get("action")).get("verb")
            with timed("action", action_name(verb)):
                return await self._card_action(turn_context, correlation_id)
        if name == "application/search":
            _start_turn_log(turn_context.activity)
            with timed("search", "accounts"):
                return await self._search(turn_context)
        if name == "fileConsent/invoke":
            correlation_id = _start_turn_log(turn_context.activity)
            with timed("action", "file.consent"):
                return await self._file_consent(turn_context, correlation_id)
        if name == "healthCheck":
            return await super().on_invoke_activity(turn_context)
        return unsupported_invoke(name if isinstance(name, str) else "")

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        """Installed in a personal chat, a group chat or a team: say once what Switchboard does.

        Teams announces an install twice, with this `installationUpdate` and a `conversationUpdate`
        whose `membersAdded` holds the bot; answering only this one (and not an upgrade, `add-upgrade`)
        makes the welcome once per install, never once per member added."""
        if turn_context.activity.action != "add":
            return
        await self._remember(turn_context)
        try:
            await turn_context.send_activity(MessageFactory.attachment(card_attachment(welcome_card())))
        except Exception:
            log.exception(
                "could not send the welcome conversation=%s", getattr(turn_context.activity.conversation, "id", "")
            )

    async def on_teams_members_added(
        self, members_added: list[ChannelAccount], team_info: Any, turn_context: TurnContext
    ) -> None:
        """When the bot joins a team, remember the team so `notify here` and notifications can use it."""
        bot_id = turn_context.activity.recipient.id if turn_context.activity.recipient else None
        if not any(member.id == bot_id for member in members_added):
            return
        await self._remember(turn_context)

    async def _remember(self, turn_context: TurnContext) -> None:
        conversation = conversation_of(turn_context.activity)
        if conversation is None or conversation.kind != "channel":
            return
        try:
            await self._services.notifications.remember(conversation)
        except Exception:
            log.exception("could not remember conversation=%s", conversation.id)

    async def _card_action(self, turn_context: TurnContext, correlation_id: str) -> InvokeResponse:
        activity = turn_context.activity
        action = mapping(mapping(activity.value).get("action"))
        data = mapping(action.get("data"))
        card: Card | None
        try:
            turn = await self._turn(turn_context, correlation_id)
            reply = await run_action(turn, action.get("verb"), data)
            await self._tell_thread(turn_context, reply)
            card = await deliver(
                reply,
                background=self._background,
                updater=self._updater,
                reference=TurnContext.get_conversation_reference(activity),
                correlation_id=correlation_id,
                inline_seconds=self._inline_seconds,
                card_id=activity.reply_to_id,
            )
        except SwitchboardError as error:
            card = refusal_card(error, correlation_id)
        except Exception:
            log.exception("card action failed correlation=%s", correlation_id)
            card = _unexpected(correlation_id)
        assert card is not None
        body = AdaptiveCardInvokeResponse(status_code=200, type=CARD_TYPE, value=card)
        return InvokeResponse(status=200, body=body)

    async def _tell_thread(self, turn_context: TurnContext, reply: Reply) -> None:
        """A decision everyone should see: the clicked message replaced for all, a note in the thread, the
        request's own card elsewhere. None of it may fail the click."""
        activity = turn_context.activity
        reference = TurnContext.get_conversation_reference(activity)
        await self._updater.thread(reference, activity.reply_to_id or "").tell(reply)

    async def _file_consent(self, turn_context: TurnContext, correlation_id: str) -> InvokeResponse:
        """The answer to an export's consent card: Allow uploads the file, Decline says so."""
        value = mapping(turn_context.activity.value)
        context = mapping(value.get("context"))
        info = upload_info(value)
        try:
            turn = await self._turn(turn_context, correlation_id)
            if value.get("action") != "accept" or info is None:
                card = message_card("Export", "Not saved: you declined the file.")
            else:
                card = await csv_export.accepted(turn, context, info)
                await turn_context.send_activity(MessageFactory.attachment(file_info_attachment(info)))
        except SwitchboardError as error:
            card = refusal_card(error, correlation_id)
        except Exception:
            log.exception("file consent failed correlation=%s", correlation_id)
            card = _unexpected(correlation_id)
        await turn_context.send_activity(MessageFactory.attachment(card_attachment(card)))
        return InvokeResponse(status=200)

    async def _search(self, turn_context: TurnContext) -> InvokeResponse:
        value = mapping(turn_context.activity.value)
        query = value.get("queryText") if isinstance(value.get("queryText"), str) else ""
        assert isinstance(query, str)
        results: list[dict[str, str]] = []
        try:
            turn = await self._turn(turn_context, log_context.current().correlation_id or new_correlation_id())
            if value.get("dataset") == "accounts" and query.strip():
                tenant = await turn.tenant()
                accounts = await self._services.views.find_accounts(tenant, query[:100], limit=15)
                results = [
                    {"title": f"{a.label} ({a.upn})" if a.upn else a.label, "value": a.id}
                    for a in accounts
                    if a.account_type is not None
                ]
        except SwitchboardError as error:
            log.info("typeahead refused: %s", error)
        body = SearchInvokeResponse(type=SEARCH_TYPE, value={"results": results})
        return InvokeResponse(status=200, body=body)

    async def _turn(self, turn_context: TurnContext, correlation_id: str) -> Turn:
        operator = await self._directory.resolve(turn_context)
        activity = turn_context.activity
        tell_person = None
        if self._messenger is not None and activity.service_url:
            teams_tenant = mapping(mapping(activity.channel_data).get("tenant")).get("id")
            tell_person = self._messenger(activity.service_url, str(teams_tenant) if teams_tenant else None).tell
        return Turn(
            tell_person=tell_person,
            services=self._services,
            operator=operator,
            correlation_id=correlation_id,
            conversation_type=(activity.conversation.conversation_type if activity.conversation else None)
            or "personal",
            conversation=conversation_of(activity),
            card_id=activity.reply_to_id,
            local_time=local_time_of(activity.local_timezone, activity.local_timestamp),
            sender_id=(activity.from_property.id if activity.from_property else None) or "",
            teammates=TeamsTeammates(turn_context),
            thread=self._updater.thread(TurnContext.get_conversation_reference(activity), activity.reply_to_id or ""),
        )

    async def _send(self, turn_context: TurnContext, reply: Reply, correlation_id: str, *, replace: str | None) -> None:
        async def send(card: Card) -> str | None:
            message = MessageFactory.attachment(card_attachment(card))
            if replace:
                message.id = replace
                await turn_context.update_activity(message)
                return replace
            response = await turn_context.send_activity(message)
            sent_id = response.id if response else None
            if sent_id and reply.on_sent is not None:
                await reply.on_sent(sent_id)
            return sent_id

        try:
            await deliver(
                reply,
                background=self._background,
                updater=self._updater,
                reference=TurnContext.get_conversation_reference(turn_context.activity),
                correlation_id=correlation_id,
                inline_seconds=self._inline_seconds,
                card_id=replace,
                send_first=send,
            )
        except SwitchboardError as error:
            await send(refusal_card(error, correlation_id))
        if reply.file_offer is not None:
            offer = reply.file_offer
            consent = consent_attachment(
                offer.name, description=offer.description, size=offer.size, context=offer.context
            )
            await turn_context.send_activity(MessageFactory.attachment(consent))


def _start_turn_log(activity: Any) -> str:
    """A new correlation id for this turn, bound (with the operator's object id) to every log line it makes."""
    correlation_id = new_correlation_id()
    log_context.start(correlation_id=correlation_id)
    sender = getattr(activity, "from_property", None)
    aad_object_id = getattr(sender, "aad_object_id", None)
    if isinstance(aad_object_id, str) and aad_object_id:
        log_context.bind(operator_id=aad_object_id[:64])
    return correlation_id


def unsupported_invoke(name: str) -> InvokeResponse:
    """Invokes Switchboard has no feature for, answered so Teams shows a sentence rather than an error.

    botbuilder answers them with 501 (and raises AttributeError inside for some message-extension
    payloads); Teams shows its generic failure for either. A message extension gets a message result,
    a task module a message task, anything else an empty 200, which Teams takes as "done".
    """
    said = "Switchboard has no message extension or dialog here: type 'help' in a chat with the bot."
    if name.startswith("composeExtension/"):
        return InvokeResponse(status=200, body={"composeExtension": {"type": "message", "text": said}})
    if name in {"task/fetch", "task/submit"}:
        return InvokeResponse(status=200, body={"task": {"type": "message", "value": said}})
    log.info("answered an invoke the bot does not handle name=%s", name[:80])
    return InvokeResponse(status=200)


def _unexpected(correlation_id: str) -> Card:
    return error_card("Something went wrong on our side; nothing more was changed.", correlation_id=correlation_id)
