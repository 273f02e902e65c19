"""Getting cards to Teams: answer now, or show a first card and replace it when the follow-up is done.

A follow-up (a sync, a Teams operation) gets a few seconds to finish within the turn (none when the
reply says `at_once`: the operator's click on Assign or Remove is answered with "Working in Teams..."
at once); if it does, its card is the answer and nothing is updated later, so a late update can never
overwrite a newer card.
If it does not, the first card is the answer and the follow-up replaces it by `update_activity` when
it finishes (and may redraw it for progress meanwhile).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import ChannelAccount, ConversationReference, Mention

from bot.outgoing import card_attachment
from bot.turn import Reply, ThreadNote
from cards.common import error_card
from cards.elements import Card
from inventory.errors import SwitchboardError, TeamsError

log = logging.getLogger(__name__)


class Background:
    """Tasks that outlive a turn; the app waits for them (briefly) when it stops."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, work: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def close(self, grace_seconds: float = 10.0) -> None:
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=grace_seconds)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


class CardUpdater:
    """Replaces a card already in the conversation (proactively, from any replica)."""

    def __init__(self, adapter: CloudAdapter, app_id: str) -> None:
        self._adapter = adapter
        self._app_id = app_id

    def thread(self, reference: ConversationReference, card_id: str) -> ThreadTeller:
        """What a click on the card `card_id` in `reference`'s conversation tells the rest of it."""
        return ThreadTeller(self._adapter, self._app_id, self, reference, card_id)

    def posted_thread(self, reference: dict[str, Any], card_id: str) -> ThreadTeller:
        """`thread` for a card posted in an earlier turn (its reference stored as JSON): the jobs tell it."""
        return self.thread(ConversationReference().deserialize(reference), card_id)

    async def update(self, reference: ConversationReference, activity_id: str, card: Card) -> None:
        await self._update(reference, activity_id, card)

    async def update_posted(self, reference: dict[str, Any], activity_id: str, card: Card) -> None:
        """`update` for a reference stored as JSON (a card posted in an earlier turn)."""
        await self._update(ConversationReference().deserialize(reference), activity_id, card)

    async def _update(self, reference: ConversationReference, activity_id: str, card: Card) -> None:
        async def replace(context: TurnContext) -> None:
            activity = MessageFactory.attachment(card_attachment(card))
            activity.id = activity_id
            await context.update_activity(activity)

        for attempt in (1, 2):
            try:
                await self._adapter.continue_conversation(reference, replace, self._app_id)
                return
            except Exception as error:
                log.warning("card update failed attempt=%d activity=%s error=%s", attempt, activity_id, error)
                await asyncio.sleep(1.0)


class ThreadTeller:
    """`bot.turn.Thread` for one clicked card: its conversation (the thread, in a channel) and its message id.
    Works through the adapter, so a follow-up that ends after the turn can still tell everyone."""

    def __init__(
        self, adapter: CloudAdapter, app_id: str, updater: CardUpdater, reference: ConversationReference, card_id: str
    ) -> None:
        self._adapter, self._app_id, self._updater = adapter, app_id, updater
        self._reference, self._card_id = reference, card_id

    async def tell(self, reply: Reply) -> None:
        """Never raises: the click's own answer stands whatever happens to these posts."""
        try:
            if reply.for_everyone is not None and self._card_id:
                await self._updater.update(self._reference, self._card_id, reply.for_everyone)
            if reply.thread_note is not None:
                note = reply.thread_note

                async def send(context: TurnContext) -> None:
                    await context.send_activity(mentioning(note))

                await self._adapter.continue_conversation(self._reference, send, self._app_id)
            for other in reply.also_update:
                if other.activity_id != self._card_id:
                    await self._updater.update_posted(other.reference, other.activity_id, other.card)
        except Exception as error:
            log.warning("thread update failed activity=%s error=%s", self._card_id, error.__class__.__name__)


def mentioning(note: ThreadNote) -> Any:
    """A text message that @mentions one person (Teams renders `<at>name</at>` with the mention entity)."""
    tag = f"<at>{note.mention_name}</at>"
    message = MessageFactory.text(f"{tag} {note.text}")
    mentioned = ChannelAccount(id=note.mention_id, name=note.mention_name)
    message.entities = [Mention(mentioned=mentioned, text=tag, type="mention")]
    return message


async def deliver(
    reply: Reply,
    *,
    background: Background,
    updater: CardUpdater,
    reference: ConversationReference,
    correlation_id: str,
    inline_seconds: float,
    card_id: str | None,
    send_first: Callable[[Card], Awaitable[str | None]] | None = None,
) -> Card | None:
    """Returns the card to answer with now. With `send_first` (a message turn), sends it and returns None.

    `card_id` is the id of the card being replaced (an invoke's replyToId); a message turn learns it
    from `send_first`.
    """
    if reply.follow_up is None:
        return await _answer(reply.card, send_first)
    target: dict[str, str | None] = {"id": card_id}
    ready = asyncio.Event()

    async def sink(card: Card) -> None:
        if ready.is_set() and target["id"]:
            await updater.update(reference, target["id"], card)

    task = background.spawn(_guarded(reply.follow_up(sink), correlation_id), name=f"follow-up {correlation_id}")
    done, _ = await asyncio.wait({task}, timeout=0 if reply.at_once else inline_seconds)
    if task in done:
        return await _answer(task.result(), send_first)
    first = reply.card
    if send_first is not None:
        target["id"] = await send_first(first)
        first = None  # type: ignore[assignment]
    ready.set()

    async def replace_when_done() -> None:
        final = await task
        if target["id"]:
            await asyncio.sleep(0.5)  # let Teams draw the first card before it is replaced
            await updater.update(reference, target["id"], final)

    background.spawn(replace_when_done(), name=f"replace {correlation_id}")
    return first


async def _answer(card: Card, send_first: Callable[[Card], Awaitable[str | None]] | None) -> Card | None:
    if send_first is None:
        return card
    await send_first(card)
    return None


async def _guarded(work: Awaitable[Card], correlation_id: str) -> Card:
    """A follow-up that fails still ends in a card: the operator's words, or a reference for the log."""
    try:
        return await work
    except SwitchboardError as error:
        return refusal_card(error, correlation_id)
    except Exception:
        log.exception("follow-up failed correlation=%s", correlation_id)
        return error_card("Something went wrong on our side; nothing more was changed.", correlation_id=correlation_id)


def refusal_card(error: SwitchboardError, correlation_id: str) -> Card:
    """A rule or a refusal is an answer, not an incident; a Teams failure is, and carries a reference that
    support finds in the log."""
    if not isinstance(error, TeamsError):
        return error_card(str(error))
    log.warning("teams refused correlation=%s status=%s error=%s", correlation_id, error.status, error)
    return error_card(str(error), correlation_id=correlation_id)
