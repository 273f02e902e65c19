"""Commands and card actions to flows. The only place that knows which flow handles what."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

from bot import requests
from bot.command_table import help_rows, requester_help_rows
from bot.flows import (
    admin,
    assign,
    browse,
    bulk,
    bulk_approval,
    capacity,
    csv_export,
    csv_import,
    history,
    onboarding,
    pools,
    quarantine,
    remove,
    reservations,
    revert,
    rules,
    saved_searches,
    sync_flow,
)
from bot.flows.card_data import CardProblem, text_input
from bot.flows.stale import answer_click
from bot.router import MAX_TEXT, Command, parse_command
from bot.turn import Reply, Turn
from cards.common import help_card, message_card, tenant_card
from cards.elements import Card
from cards.words import greeting_card, suggestion_card
from inventory.config import Role
from inventory.errors import AccessDenied, SwitchboardError
from inventory.flows import Flow


class CardFlow(Protocol):
    """A kind of card flow: what its clicks do and how it looks (a `bot.flows.table.FlowTable`)."""

    @property
    def kind(self) -> str: ...

    async def act(self, turn: Turn, flow: Flow, verb: str, data: dict[str, Any]) -> Reply: ...

    async def render(self, turn: Turn, flow: Flow) -> Card: ...


_TABLES = (
    assign.FLOW,
    remove.FLOW,
    sync_flow.FLOW,
    browse.FLOW,
    bulk.FLOW,
    history.FLOW,
    admin.FLOW,
    reservations.FLOW,
    revert.FLOW,
    csv_import.FLOW,
    quarantine.FLOW,  # issue 16
)
FLOWS: Mapping[str, CardFlow] = {table.kind: table for table in _TABLES}
STARTERS: Mapping[str, Callable[[Turn, str], Awaitable[Reply]]] = {
    "assign": assign.start,
    "remove": remove.start,
    "sync": sync_flow.start,
    "numbers": browse.start,
    "bulk assign": bulk.start,
    "history": history.start,
    "notify here": admin.notify_here,
    "import range": admin.import_range_command,
    "delete inventory": admin.start_delete,
    "four eyes": admin.four_eyes_command,
    "requests": admin.requests_command,
    "approvers": admin.approvers_command,
    "reserve": reservations.reserve,
    "reservations": reservations.start_list,
    "pools": pools.start,
    "export": csv_export.start,
    "end quarantine": quarantine.start,  # issue 16
    "capacity": capacity.start,  # issue 16
    "save search": saved_searches.save,  # issue 16
    "searches": saved_searches.listing,  # issue 16
    "forget search": saved_searches.forget,  # issue 16
    "assign next": rules.assign_next,  # issue 16
    "rules": rules.start_list,  # issue 16
    "rule add": rules.add,  # issue 16
    "rule move": rules.move,  # issue 16
    "rule delete": rules.delete,  # issue 16
    "request": requests.start,
}
# Buttons may start these: the help card's (with no words), and "did you mean" (with the words typed). Each
# only shows a card to go on from, so a click does no more than typing the same words would.
BUTTON_COMMANDS = frozenset(
    {"help", "assign", "sync", "numbers", "remove", "history", "tenant", "bulk assign", "reservations", "pools"}
)
# Every verb a card of ours can send: the metrics label a click by these, and anything else as "other".
KNOWN_VERBS = frozenset(
    {"command", "tenant.choose", *requests.VERBS}
    | capacity.BUTTONS
    | onboarding.BUTTONS
    | rules.BUTTONS
    | {verb for table in _TABLES for _, verb in table.actions}
)
# What someone not on the list of operators may do where the tenant lets anyone request a number.
REQUESTER_COMMANDS = frozenset({"help", "request", "greeting", "unknown"})
_REQUESTER_ONLY = (
    "Sorry, you are not on Switchboard's list of operators, so here you may only ask for a number: "
    "request number [for PERSON] [in POOL or LOCATION] [note TEXT]."
)
_VERB = re.compile(r"^[a-z][a-z_.]{0,39}$")
_UNKNOWN_ACTION = "That card sent an action I do not know. Start again with a command (type help)."


async def run_command(turn: Turn, text: str) -> Reply:
    return await _run(turn, parse_command(text))


async def _run(turn: Turn, command: Command) -> Reply:
    if turn.operator.role is Role.REQUESTER and command.name not in REQUESTER_COMMANDS:
        raise AccessDenied(_REQUESTER_ONLY)
    if command.name in STARTERS:
        return await STARTERS[command.name](turn, command.args)
    if command.name == "tenant":
        return await _tenant(turn, command.args)
    if command.name == "greeting":
        return Reply(greeting_card(thanks=command.args == "thanks"))
    if command.name == "unknown" and command.suggestion:
        runnable = command.suggestion in BUTTON_COMMANDS
        return Reply(suggestion_card(command.word, command.suggestion, command.args, runnable=runnable))
    if command.name in ("help", "unknown"):
        current = await _current_tenant_or_none(turn)
        unknown = command.word if command.name == "unknown" else None
        rows = requester_help_rows() if turn.operator.role is Role.REQUESTER else help_rows()
        return Reply(help_card(tenant=current, commands=rows, suggestion=command.suggestion, unknown=unknown))
    raise CardProblem(f"'{command.name}' is not something I can do.")


async def run_action(turn: Turn, verb: Any, data: dict[str, Any]) -> Reply:
    """A click on one of our cards. Stale clicks are answered with the flow's current card."""
    if not isinstance(verb, str) or not _VERB.match(verb):
        raise CardProblem(_UNKNOWN_ACTION)
    if verb == "command":
        name = data.get("command")
        if name not in BUTTON_COMMANDS:
            raise CardProblem(_UNKNOWN_ACTION)
        return await _run(turn, Command(str(name), text_input(data, "args", limit=MAX_TEXT)))
    if verb in requests.VERBS:  # not a per-operator flow: the request's own handlers check who may decide
        return await requests.act(turn, verb, data)
    if turn.operator.role is Role.REQUESTER:
        raise AccessDenied(_REQUESTER_ONLY)
    if verb == "tenant.choose":
        return await _tenant(turn, text_input(data, "tenant", limit=64))
    if verb in capacity.BUTTONS:  # issue 16: the channel's capacity notes carry no flow
        return await capacity.button(turn, verb, data)
    if verb in bulk_approval.VERBS:  # four eyes for bulk: not the asker's flow click; it checks who decides
        return await bulk_approval.act(turn, verb, data)
    if verb in onboarding.BUTTONS:  # the channel's onboarding card carries no flow, only its post's id
        return await onboarding.button(turn, verb, data)
    if verb in rules.BUTTONS:  # issue 16: the rules card carries the rule and where it showed it, no flow
        return await rules.button(turn, verb, data)
    return await answer_click(turn, FLOWS, verb, data)


async def _tenant(turn: Turn, name: str) -> Reply:
    allowed = turn.operator.tenants
    choices = [(turn.tenant_config(t).display_name + f" ({t})", t) for t in allowed]
    current = await _current_tenant_or_none(turn)
    name = name.strip().lower()
    if not name:
        return Reply(tenant_card(current, choices))
    if name not in allowed:
        return Reply(tenant_card(current, choices, message=f"You cannot work on '{name[:40]}'. Choose one of these."))
    await turn.services.operators.choose_tenant(turn.operator.actor, name)
    return Reply(message_card("Customer tenant", f"You now work on {turn.tenant_config(name).display_name}."))


async def _current_tenant_or_none(turn: Turn) -> str | None:
    try:
        return await turn.tenant()
    except SwitchboardError:
        return None
