"""Commands and card actions to flows. The only place that knows which flow handles what."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import Any

from bot.flows import admin, assign, browse, bulk, history, remove, sync_flow
from bot.flows.common import CardProblem, StaleCard, load_flow, reload, text_input
from bot.router import COMMANDS, Command, parse_command
from bot.turn import Reply, Turn
from cards.common import help_card, message_card, tenant_card
from cards.elements import Card, notice
from inventory.errors import SwitchboardError
from inventory.store.prefs import OperatorPrefs

FLOWS: dict[str, ModuleType] = {
    assign.KIND: assign,
    remove.KIND: remove,
    sync_flow.KIND: sync_flow,
    browse.KIND: browse,
    bulk.KIND: bulk,
    history.KIND: history,
    admin.DELETE_KIND: admin,
}
STARTERS: dict[str, Callable[[Turn, str], Awaitable[Reply]]] = {
    "assign": assign.start,
    "remove": remove.start,
    "sync": sync_flow.start,
    "numbers": browse.start,
    "bulk assign": bulk.start,
    "history": history.start,
    "notify here": admin.notify_here,
    "import range": admin.import_range_command,
    "delete inventory": admin.start_delete,
}
# Buttons on the help card may start these (with no arguments).
BUTTON_COMMANDS = frozenset({"assign", "sync", "numbers"})
_VERB = re.compile(r"^[a-z][a-z_.]{0,39}$")


async def run_command(turn: Turn, text: str) -> Reply:
    command = parse_command(text)
    return await _run(turn, command)


async def _run(turn: Turn, command: Command) -> Reply:
    if command.name in STARTERS:
        return await STARTERS[command.name](turn, command.args)
    if command.name == "tenant":
        return await _tenant(turn, command.args)
    if command.name in ("help", "unknown"):
        current = await _current_tenant_or_none(turn)
        unknown = command.word if command.name == "unknown" else None
        return Reply(help_card(tenant=current, suggestion=command.suggestion, unknown=unknown))
    raise CardProblem(f"'{command.name}' is not something I can do.")


async def run_action(turn: Turn, verb: Any, data: dict[str, Any]) -> Reply:
    """A click on one of our cards. Stale clicks are answered with the flow's current card."""
    if not isinstance(verb, str) or not _VERB.match(verb):
        raise CardProblem("That card sent an action I do not know. Start again with a command (type help).")
    if verb == "command":
        name = data.get("command")
        if name not in BUTTON_COMMANDS:
            raise CardProblem("That card sent an action I do not know. Start again with a command (type help).")
        return await _run(turn, Command(str(name), ""))
    if verb == "tenant.choose":
        return await _tenant(turn, text_input(data, "tenant", limit=64))
    try:
        flow = await load_flow(turn, data)
        module = FLOWS.get(flow.kind)
        if module is None:
            raise CardProblem("That card belongs to something I no longer do; start again (type help).")
        try:
            reply: Reply = await module.act(turn, flow, verb, data)
        except SwitchboardError as error:
            if isinstance(error, CardProblem):
                raise
            # Keep the card where it was and say what went wrong on it.
            current = await reload(turn, flow.id)
            return Reply(_with_notice(await module.render(turn, current), str(error)))
        return reply
    except StaleCard as stale:
        card: Card = await FLOWS[stale.flow.kind].render(turn, stale.flow)
        return Reply(card)


def _with_notice(card: Card, message: str) -> Card:
    return {**card, "body": [notice(message), *card.get("body", [])]}


async def _tenant(turn: Turn, name: str) -> Reply:
    allowed = turn.operator.tenants
    choices = [(turn.services.tenant_config(t).display_name + f" ({t})", t) for t in allowed]
    current = await _current_tenant_or_none(turn)
    name = name.strip().lower()
    if not name:
        return Reply(tenant_card(current, choices))
    if name not in allowed:
        return Reply(tenant_card(current, choices, message=f"You cannot work on '{name[:40]}'. Choose one of these."))
    async with turn.services.store.write() as connection:
        await OperatorPrefs(connection).choose_tenant(
            turn.operator.actor.id, name, upn=turn.operator.actor.name, at=turn.services.clock.now()
        )
    return Reply(message_card("Customer tenant", f"You now work on {turn.services.tenant_config(name).display_name}."))


async def _current_tenant_or_none(turn: Turn) -> str | None:
    try:
        return await turn.tenant()
    except SwitchboardError:
        return None


__all__ = ["COMMANDS", "run_action", "run_command"]
