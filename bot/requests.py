"""`request number [for PERSON] [in POOL|LOCATION] [note TEXT]` and the request card's buttons.

Not a per-operator flow: the request lives in `number_requests`, and one card in the thread serves the
requester and every approver. Each click names the request and its version; who the viewer is comes from
the activity, what the request is from the database. Only approvers (operators and admins) of the request's
tenant approve, reject or change its number; anyone else's click changes nothing and says why on the card.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any

from bot.flows.card_data import CardProblem, id_input, text_input
from bot.lifecycle_words import UsageError
from bot.turn import CardSink, PostedCard, Reply, ThreadNote, Turn
from cards.elements import Card
from cards.requests import MAX_REFRESH_USERS, RequestView, Viewer, request_card
from inventory.config import REQUESTS_OFF
from inventory.e164 import display_number
from inventory.errors import AccessDenied, NotFound, SwitchboardError
from inventory.notifications import Notification
from inventory.requests import NumberRequest, Person, RequestStatus, request_note_subject, request_of_note_subject
from inventory.services.requests import Decision, NewRequest, RequestService

if TYPE_CHECKING:  # bot.flows.resume imports this module
    from bot.flows.resume import CardUpdate

VERBS = ("request.refresh", "request.approve", "request.change", "request.reject", "request.retry")
USAGE = "Write it as: request number [for PERSON] [in POOL or LOCATION] [note TEXT]."
_KEYWORDS = ("for", "in", "note")
_REQUEST_ID = re.compile(r"^[0-9a-f]{32}$")


def request_view(request: NumberRequest) -> RequestView:
    asked = f"pool {request.pool}" if request.pool else f"location {request.location}" if request.location else ""
    return RequestView(
        id=request.id,
        version=request.version,
        status=request.status.value,
        requester=request.requester_name,
        for_name=request.person.name,
        for_upn=request.person.upn,
        number=display_number(request.number, request.extension) if request.number else "",
        asked=asked,
        note=request.note,
        expires=f"{request.expires_at:%Y-%m-%d %H:%M} UTC",
        decided_by=request.decided_by,
        reason=request.reason,
    )


def shared_card(request: NumberRequest) -> Card:
    """The card everyone sees in the thread; while pending, each listed viewer's client fetches their own."""
    refresh_for = (*request.approver_mris, request.requester_mri) if request.requester_mri else request.approver_mris
    return request_card(request_view(request), viewer=Viewer.OTHER, refresh_for=refresh_for)


def channel_card(request: NumberRequest) -> Card:
    """The card the tenant's channel gets for a request made in a personal chat. The bot cannot know who of
    the channel may decide before anyone clicks, so everyone sees the buttons; a click by someone who is not
    an approver is refused on the card and changes nothing."""
    said = f"Asked in a personal chat by {request.requester_name}."
    return request_card(request_view(request), viewer=Viewer.APPROVER, message=said)


async def start(turn: Turn, args: str) -> Reply:
    tenant = await turn.tenant()
    config = turn.tenant_config(tenant)
    switches = turn.services.switches
    if await switches.who_may_request(tenant) == REQUESTS_OFF:
        raise AccessDenied(f"Number requests are switched off for {config.display_name}; ask its voice team.")
    words = _split(args)
    actor = turn.operator.actor
    if words.get("for"):
        person = await _find_person(turn, tenant, words["for"])
    else:
        # Asked before any number is held, so a request Teams could never assign is not made at all.
        account = await turn.services.views.account(tenant, actor.id)
        if account is None or account.account_type is None:
            raise NotFound(
                f"Teams does not know you as a user in {config.display_name}, so no number can be assigned to you. "
                "Ask for someone else with: request number for PERSON."
            )
        person = Person(actor.id, account.label, account.upn or "")
    listed = await switches.approver_list(tenant)
    approvers = [
        o.aad_object_id for o in turn.services.context.settings.approvers(tenant, listed) if o.aad_object_id != actor.id
    ]
    in_chat_with_others = turn.teammates is not None and turn.conversation_type != "personal"
    found = (
        await turn.teammates.teams_ids(approvers[: MAX_REFRESH_USERS - 1])
        if turn.teammates and in_chat_with_others
        else []
    )
    new = NewRequest(
        tenant=tenant,
        requester=actor,
        requester_mri=turn.sender_id,
        person=person,
        place=words.get("in") or None,
        note=words.get("note", ""),
        conversation=turn.conversation.reference if turn.conversation else None,
        approver_mris=tuple(found),
    )
    request = await turn.services.requests.create(new, correlation_id=turn.correlation_id)
    services = turn.services
    if turn.conversation_type == "personal":
        # The approvers are not in this chat: the tenant's channel gets a card they can decide on.
        await services.notifications.enqueue(
            tenant, "request", channel_card(request), subject=request_note_subject(request.id)
        )

    async def remember_card(activity_id: str) -> None:
        await services.requests.attach_card(request.id, activity_id)

    # In a personal chat only the requester sees the message: it can be their own view straight away.
    personal = turn.conversation_type == "personal"
    first = _view(request, await _viewer(turn, request)) if personal else shared_card(request)
    return Reply(first, on_sent=remember_card)


async def act(turn: Turn, verb: str, data: dict[str, Any]) -> Reply:
    """A click on (or a refresh of) a request card."""
    request_id = text_input(data, "request", limit=40)
    if not _REQUEST_ID.match(request_id):
        raise CardProblem("That request card is not one of ours. Start again with: request number.")
    request = await turn.services.requests.get(request_id)
    if request.tenant not in turn.operator.tenants:
        raise AccessDenied("Sorry, that request belongs to a tenant you may not work on.")
    viewer = await _viewer(turn, request)
    if verb == "request.refresh":
        return Reply(_view(request, viewer))
    if viewer is not Viewer.APPROVER:
        return Reply(_view(request, viewer, f"Only an approver of {_tenant_name(turn, request)} may decide this."))
    version = id_input(data, "v")
    approver = turn.operator.actor
    requests = turn.services.requests
    if verb == "request.approve":
        return await _approve(turn, request, version, viewer)
    if verb == "request.retry":
        return await _retry(turn, request, version, viewer)
    if verb == "request.reject":
        reason = text_input(data, "reason", limit=300)
        if not reason:
            return Reply(_view(request, viewer, "Write why in Reason, then click Reject."))
        return _decided(await requests.reject(request.id, version, approver, reason), "rejected", viewer)
    if verb == "request.change":
        number = text_input(data, "number", limit=40)
        if not number:
            return Reply(_view(request, viewer, "Write the number to hold instead, then click Change number."))
        try:
            decision = await requests.change_number(
                request.id, version, approver, number, correlation_id=turn.correlation_id
            )
        except SwitchboardError as refusal:
            return Reply(_view(await requests.get(request.id), viewer, str(refusal)))
        now = decision.request
        if now.version == version + 1 and now.status is RequestStatus.PENDING:
            said = f"The request now holds {request_view(now).number}."
            personal = _asked_in_personal_chat(now)
            here = channel_card(now) if personal else shared_card(now)
            return Reply(
                _view(now, viewer, said), for_everyone=here, also_update=posted_copies(now, shared_card(now), here)
            )
        return _decided(decision, "changed", viewer)
    raise CardProblem("That card sent an action I do not know. Start again with a command (type help).")


async def _approve(turn: Turn, request: NumberRequest, version: int, viewer: Viewer) -> Reply:
    """Claim the request at once (everyone sees "approved, Teams is assigning"), then ask Teams in a follow-up:
    Teams may take longer than a click may wait, and the follow-up tells the thread when it is done."""
    claim = await turn.services.requests.claim_approval(request.id, version, turn.operator.actor)
    return _assign_claimed(turn, claim, viewer)


async def _retry(turn: Turn, request: NumberRequest, version: int, viewer: Viewer) -> Reply:
    """A failed request asked of Teams again, with its number held afresh (or the next free one)."""
    requests = turn.services.requests
    try:
        claim = await requests.claim_retry(request.id, version, turn.operator.actor, correlation_id=turn.correlation_id)
    except SwitchboardError as refusal:
        return Reply(_view(await requests.get(request.id), viewer, str(refusal)))
    return _assign_claimed(turn, claim, viewer)


def _assign_claimed(turn: Turn, claim: Decision, viewer: Viewer) -> Reply:
    requests, approver, thread = turn.services.requests, turn.operator.actor, turn.thread
    if not claim.decided:
        return _decided(claim, "approved", viewer)

    async def settle(_: CardSink) -> Card:
        told = _decided(await requests.settle_approval(claim.request, approver), "approved", viewer)
        if thread is not None:
            await thread.tell(told)
        return told.card

    return Reply(_view(claim.request, viewer), follow_up=settle, for_everyone=shared_card(claim.request))


def _decided(decision: Decision, what: str, viewer: Viewer) -> Reply:
    request = decision.request
    card = _view(request, viewer, None if decision.decided else _already(request))
    if not decision.decided:
        return Reply(card)
    return dataclasses.replace(told_everyone(request, what), card=card)


def told_everyone(request: NumberRequest, what: str = "approved") -> Reply:
    """What the thread hears of a decision: the posted card replaced with the outcome for everyone, and the
    requester @mentioned (in a personal chat their own card, which follows the decision, tells them).
    For a click and for the reconciler, which records what Teams finished after the click stopped waiting."""
    outcome = shared_card(request)
    view = request_view(request)
    if request.status is RequestStatus.ASSIGNED:
        said = f"your number request was approved by {request.decided_by}: {view.number} is now {view.for_name}'s."
    elif request.status is RequestStatus.REJECTED:
        said = f"your number request was rejected by {request.decided_by}: {request.reason}"
    elif request.status is RequestStatus.APPROVING:
        said = f"your number request was approved by {request.decided_by}; Teams is still assigning {view.number}."
    else:
        said = f"your number request was {what} by {request.decided_by}, but Teams said: {request.reason}"
    personal = _asked_in_personal_chat(request)
    note = ThreadNote(said, request.requester_mri, request.requester_name)
    posted = posted_copies(request, outcome)
    return Reply(
        outcome,
        for_everyone=outcome,
        thread_note=note if request.requester_mri and not personal else None,
        also_update=posted,
    )


def posted_copies(request: NumberRequest, card: Card, in_channel: Card | None = None) -> tuple[PostedCard, ...]:
    """The request's own card (where it was asked) and the channel's copy of a personal-chat request, to show
    `card` there too (`in_channel` on the copy, when it differs)."""
    posted = []
    if request.conversation and request.activity_id:
        posted.append(PostedCard(request.conversation, request.activity_id, card))
    if request.channel_conversation and request.channel_activity_id:
        copy = in_channel if in_channel is not None else card
        posted.append(PostedCard(request.channel_conversation, request.channel_activity_id, copy))
    return tuple(posted)


def _asked_in_personal_chat(request: NumberRequest) -> bool:
    """The requester's own card is in their personal chat: it is updated there instead of a note here."""
    conversation = (request.conversation or {}).get("conversation") or {}
    return isinstance(conversation, dict) and conversation.get("conversationType") == "personal"


def _already(request: NumberRequest) -> str | None:
    if request.status is RequestStatus.PENDING:
        return "The request changed meanwhile; this is how it is now."
    return f"Already decided by {request.decided_by or 'Switchboard'}; nothing more was changed."


def _view(request: NumberRequest, viewer: Viewer, message: str | None = None) -> Card:
    refresh_for = (*request.approver_mris, request.requester_mri)
    return request_card(request_view(request), viewer=viewer, refresh_for=refresh_for, message=message)


def requester_view(request: NumberRequest) -> Card:
    """The request as the one who asked sees it: waiting for someone who may approve."""
    return _view(request, Viewer.REQUESTER)


async def _viewer(turn: Turn, request: NumberRequest) -> Viewer:
    operator = turn.operator
    own = operator.actor.id == request.requester_id
    if request.tenant in operator.tenants:
        listed = await turn.services.switches.approver_list(request.tenant)
        may_approve = turn.services.context.settings.may_approve(
            request.tenant, operator.actor.id, operator.role, listed
        )
        # Four eyes: an operator's own request needs a second person. Without it an operator may assign
        # directly anyway, so they may also approve what they asked for.
        if may_approve and not (own and await turn.services.switches.four_eyes(request.tenant)):
            return Viewer.APPROVER
    return Viewer.REQUESTER if own else Viewer.OTHER


def _tenant_name(turn: Turn, request: NumberRequest) -> str:
    return turn.tenant_config(request.tenant).display_name


def _split(args: str) -> dict[str, str]:
    """`number for adele in Sales note new starter` -> {"for": "adele", "in": "Sales", "note": "new starter"}."""
    words = args.split()
    if words and words[0].lower() in ("number", "a"):
        words = words[1:] if words[0].lower() == "number" else words[2:] if words[1:2] == ["number"] else words
    parts: dict[str, list[str]] = {"": []}
    current = ""
    for word in words:
        key = word.lower()
        if key in _KEYWORDS and current != "note" and key not in parts:
            current = key
            parts[key] = []
        else:
            parts[current].append(word)
    if parts[""]:
        raise UsageError(f"I did not understand '{' '.join(parts[''])[:40]}'. {USAGE}")
    for key in _KEYWORDS:
        if key in parts and not parts[key] and key != "note":
            raise UsageError(f"Say what comes after '{key}'. {USAGE}")
    return {key: " ".join(value) for key, value in parts.items() if key}


async def _find_person(turn: Turn, tenant: str, who: str) -> Person:
    accounts = await turn.services.views.find_accounts(tenant, who[:100], limit=6)
    users = [a for a in accounts if a.account_type is not None]
    exact = [a for a in users if who.lower() in (a.label.lower(), (a.upn or "").lower())]
    chosen = exact if len(exact) == 1 else users
    if len(chosen) == 1:
        return Person(chosen[0].id, chosen[0].label, chosen[0].upn or "")
    if not users:
        raise NotFound(f"Nobody in {tenant} starts with '{who[:40]}'. Try another name or their UPN.")
    names = ", ".join(a.label for a in users[:5])
    raise NotFound(f"Several people match '{who[:40]}': {names}. Say more of the name, or their UPN.")


async def remember_channel_copy(
    requests: RequestService,
    update_posted: CardUpdate,
    notification: Notification,
    reference: dict[str, Any],
    activity_id: str,
) -> None:
    """The poster posted a request's copy to the tenant's channel: keep where, so its outcome reaches the copy
    too. A request decided before its copy went out (it waited in the outbox) is shown decided there at once."""
    request_id = request_of_note_subject(notification.subject)
    if request_id is None:
        return
    request = await requests.attach_channel_copy(request_id, reference, activity_id)
    if request is not None and request.status is not RequestStatus.PENDING:
        await update_posted(reference, activity_id, shared_card(request))
