"""What a flow step gets from the current turn, and how it answers.

`Reply` is a card now and, optionally, follow-up work (a sync, a Teams operation) whose result replaces
the card later. The handler decides whether the follow-up finished quickly enough to answer with its
result directly, or whether the first card shows while it runs. Nothing here depends on the Bot
Framework: flows speak only in cards, services and the operator.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.local_time import UTC_TIME, LocalTime
from bot.operator import Operator
from cards.elements import Card
from inventory import log_context
from inventory.config import TenantConfig
from inventory.notifications import Conversation
from inventory.services.container import Services

CardSink = Callable[[Card], Awaitable[None]]
# Sends a card to a person (by Entra object id) in their personal chat with the bot; False if Teams refused.
TellPerson = Callable[[str, Card], Awaitable[bool]]
FollowUp = Callable[[CardSink], Awaitable[Card]]


@dataclass(frozen=True)
class FileOffer:
    """A file the bot offers after the card: Teams asks the user to allow it (personal chats only)."""

    name: str
    description: str
    size: int  # what the consent card says; the upload sends the real size
    context: dict[str, str]  # comes back with the user's answer (and may be tampered with)


class Teammates(Protocol):
    """Teams' own user ids (29:...) of people in this turn's conversation, by Entra object id; those Teams
    does not find there are left out. (botbuilder's member lookup, behind `bot/identity.py`.)"""

    async def teams_ids(self, aad_object_ids: Sequence[str]) -> list[str]: ...


@dataclass(frozen=True)
class ThreadNote:
    """A message in the thread after the card, @mentioning one person (their Teams id and name)."""

    text: str
    mention_id: str
    mention_name: str


@dataclass(frozen=True)
class PostedCard:
    """A card the bot posted in an earlier turn, to replace: where (a ConversationReference as JSON) and its id."""

    reference: dict[str, Any]
    activity_id: str
    card: Card


@dataclass(frozen=True)
class Reply:
    card: Card
    follow_up: FollowUp | None = None
    file_offer: FileOffer | None = None
    # Show `card` at once rather than waiting a few seconds for the follow-up: a button that asks Teams
    # to change something should answer the click visibly, and the result replaces the card in place.
    at_once: bool = False
    on_sent: Callable[[str], Awaitable[None]] | None = None  # told the sent card's message id (message turns)
    for_everyone: Card | None = None  # replaces the clicked message for everyone, not only the clicker
    thread_note: ThreadNote | None = None
    # Other messages showing the same thing (each skipped when it is the clicked one).
    also_update: tuple[PostedCard, ...] = ()


class Thread(Protocol):
    """Tells the rest of the conversation what a click decided, also after the turn (a follow-up): does what
    `Reply.for_everyone`, `thread_note` and `also_update` of `reply` say (its card and follow-up are ignored)."""

    async def tell(self, reply: Reply) -> None: ...


@dataclass(frozen=True)
class Turn:
    services: Services
    operator: Operator
    correlation_id: str
    conversation_type: str = "personal"
    conversation: Conversation | None = None  # where this turn happens, as a reference to post to later
    card_id: str | None = None  # the activity id of the card clicked, so a run resumed later can redraw it
    tell_person: TellPerson | None = None  # None where the turn has no Bot Connector to reach people through
    local_time: LocalTime = UTC_TIME  # the operator's time zone, as Teams said on this activity
    sender_id: str = ""  # the sender's Teams user id (29:...), for a card's refresh list and @mentions
    teammates: Teammates | None = None
    thread: Thread | None = None

    async def tenant(self) -> str:
        """The operator's current tenant: the one they chose, else the only one they may use."""
        name = await self.services.operators.current_tenant(self.operator.actor, self.operator.tenants)
        log_context.bind(tenant=name)  # the rest of the turn's log lines say which tenant it was about
        return name

    def tenant_config(self, name: str) -> TenantConfig:
        return self.services.context.tenant(name)
