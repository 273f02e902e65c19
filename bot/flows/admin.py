"""Admin commands: `notify here`, `import range ...`, `delete inventory` (with a typed confirmation),
`four eyes on|off`, and who may request a number (`requests operators|anyone|off`) and who approves
(`approvers all|ID ...`)."""

from __future__ import annotations

import re
from enum import StrEnum

from bot.flows.card_data import CardData, text_input
from bot.flows.table import FlowTable
from bot.flows.view_models import ref
from bot.grammar import expand_range
from bot.router import split_options
from bot.turn import CardSink, Reply, Turn
from cards.admin import delete_inventory_card, import_result_card
from cards.assign import waiting_card
from cards.common import message_card
from cards.elements import Card
from inventory.config import REQUESTS_ANYONE, REQUESTS_CHOICES, REQUESTS_OFF, Role
from inventory.e164 import parse_range
from inventory.errors import SwitchboardError
from inventory.flows import Flow
from inventory.model import NumberType
from inventory.number_query import NumberQuery
from inventory.services.deletion import delete_inventory
from inventory.services.flow_steps import Move
from inventory.services.imports import import_range


class Step(StrEnum):
    CONFIRM = "confirm"
    DELETING = "deleting"
    DONE = "done"
    CANCELLED = "cancelled"


_IMPORT_OPTIONS = ("location", "carrier", "pool", "type", "range")
_IMPORT_USAGE = (
    'Write it as: import range +12065550100-0199 location=Seattle carrier="Contoso Telecom" '
    "pool=Sales type=directRouting"
)


async def notify_here(turn: Turn, args: str) -> Reply:
    turn.operator.require(Role.ADMIN, "choosing the notification channel")
    conversation = turn.conversation
    if turn.conversation_type != "channel" or conversation is None:
        raise SwitchboardError("Type notify here in the team channel that should hear about changes.")
    tenant = await turn.tenant()
    await turn.services.notifications.notify_here(conversation, tenant)
    where = conversation.channel_name or "this channel"
    return Reply(
        message_card(
            "Notifications",
            f"From now on {where} hears about changes in {tenant}: syncs, "
            "assignments, removals, bulk results and drift.",
        )
    )


async def import_range_command(turn: Turn, args: str) -> Reply:
    turn.operator.require(Role.ADMIN, "importing ranges")
    tenant = await turn.tenant()
    options = split_options(args)
    if not args.strip():  # the manifest's hint sends the bare words: say how, as an answer, not a refusal
        return Reply(message_card("Import a range", _IMPORT_USAGE))
    unknown = sorted(set(options.options) - set(_IMPORT_OPTIONS))
    if unknown or len(options.positional) < 1:
        raise SwitchboardError(_IMPORT_USAGE + (f" (unknown: {', '.join(unknown)})" if unknown else ""))
    config = turn.tenant_config(tenant)
    written = expand_range(" ".join(options.positional))  # +12065550200-0299: the end's last digits
    number_range = parse_range(written, default_region=config.default_region)
    kind = options.options.get("type")
    number_type = NumberType.parse(kind) if kind else config.default_number_type

    async def work(_: CardSink) -> Card:
        report = await import_range(
            turn.services.context.storage,
            tenant,
            number_range,
            actor=turn.operator.actor,
            clock=turn.services.context.clock,
            number_type=number_type,
            location=options.options.get("location"),
            carrier=options.options.get("carrier"),
            pool=options.options.get("pool"),
            range_label=options.options.get("range"),
        )
        fields = [(k.capitalize(), v) for k, v in options.options.items()]
        return import_result_card(
            tenant=tenant, range_label=number_range.label, added=report.added, existing=report.unchanged, fields=fields
        )

    return Reply(waiting_card("Import a range", f"Importing {number_range.size:,} numbers..."), follow_up=work)


async def start_delete(turn: Turn, args: str) -> Reply:
    turn.operator.require(Role.ADMIN, "deleting the inventory")
    tenant = await turn.tenant()
    return Reply(await FLOW.render(turn, await FLOW.start(turn, tenant, Step.CONFIRM, {})))


async def _cancel(turn: Turn, flow: Flow, data: CardData) -> Move:
    turn.operator.require(Role.ADMIN, "deleting the inventory")
    return Move(Step.CANCELLED)


async def _delete(turn: Turn, flow: Flow, data: CardData) -> Move | Reply:
    turn.operator.require(Role.ADMIN, "deleting the inventory")
    typed = text_input(data, "confirm", limit=64)
    if typed.lower() != flow.tenant:
        return Move(Step.CONFIRM, {"message": f"'{typed[:40]}' is not {flow.tenant}; nothing was deleted."})
    # Deleting first moves the flow on, so a second click of Delete finds it gone from this step.
    flow = await FLOW.advance(turn, flow, Step.DELETING)
    context = turn.services.context
    done = await delete_inventory(context.storage, flow.tenant, actor=turn.operator.actor, clock=context.clock)
    moved = await FLOW.advance(turn, flow, Step.DONE, deleted=done.numbers, closed=done.closed_operations)
    return Reply(await FLOW.render(turn, moved))


async def _confirm_view(turn: Turn, flow: Flow) -> Card:
    count = await turn.services.views.count(NumberQuery(tenant=flow.tenant))
    return delete_inventory_card(ref(flow), tenant=flow.tenant, count=count, message=flow.state.get("message"))


async def _deleting_view(turn: Turn, flow: Flow) -> Card:
    return message_card("Deleting", "Deleting the inventory...")


async def _done_view(turn: Turn, flow: Flow) -> Card:
    closed = int(flow.state.get("closed", 0))
    pending = (
        f" {closed:,} Teams operations still in progress were closed as deleted; sync to see what Teams did."
        if closed
        else ""
    )
    return message_card(
        "Inventory deleted",
        f"Deleted {flow.state.get('deleted', 0):,} numbers of {flow.tenant}. "
        f"Teams was not touched; the audit trail keeps them.{pending}",
    )


async def _cancelled_view(turn: Turn, flow: Flow) -> Card:
    return message_card("Delete the local inventory", "Cancelled. Nothing was deleted.")


FLOW: FlowTable[Step] = FlowTable(
    kind="delete",
    steps=Step,
    actions={(Step.CONFIRM, "cancel"): _cancel, (Step.CONFIRM, "delete.confirm"): _delete},
    views={
        Step.CONFIRM: _confirm_view,
        Step.DELETING: _deleting_view,
        Step.DONE: _done_view,
        Step.CANCELLED: _cancelled_view,
    },
    lost="This card is in a state I no longer know; start again with delete inventory.",
)


_FOUR_EYES_USAGE = "Write it as: four eyes on, or four eyes off (or four eyes to see how it is)."


async def four_eyes_command(turn: Turn, args: str) -> Reply:
    """`four eyes [on|off]`: whether operators' own assignments wait for a second person. Anyone may look;
    only an admin changes it (audited)."""
    tenant = await turn.tenant()
    switches = turn.services.switches
    word = args.strip().lower()
    if word not in ("", "on", "off"):
        raise SwitchboardError(f"I did not understand '{args.strip()[:40]}'. {_FOUR_EYES_USAGE}")
    if word:
        turn.operator.require(Role.ADMIN, "setting four eyes")
        await switches.set_four_eyes(tenant, word == "on", turn.operator.actor, correlation_id=turn.correlation_id)
    on = await switches.four_eyes(tenant)
    name = turn.tenant_config(tenant).display_name
    said = (
        f"Four eyes is on for {name}: an operator's assignment (assign, assign next) becomes a request that "
        "another operator or admin approves; nobody approves their own."
        if on
        else f"Four eyes is off for {name}: operators' assignments go to Teams when they confirm."
    )
    return Reply(message_card("Four eyes", said))


_REQUESTS_USAGE = "Write it as: requests operators, requests anyone or requests off (or requests to see how it is)."
_WHO_MAY_REQUEST = {
    REQUESTS_ANYONE: "anyone in its Microsoft 365 tenant may request a number (request number)",
    REQUESTS_OFF: "number requests are switched off",
}


async def requests_command(turn: Turn, args: str) -> Reply:
    """`requests [operators|anyone|off]`: who may request a number in the tenant. Admins only, to look as
    to set (audited); an admin's setting overrides the configuration file's `requests`."""
    tenant = await turn.tenant()
    turn.operator.require(Role.ADMIN, "the requests setting")
    switches = turn.services.switches
    word = args.strip().lower()
    if word and word not in REQUESTS_CHOICES:
        raise SwitchboardError(f"I did not understand '{args.strip()[:40]}'. {_REQUESTS_USAGE}")
    if word:
        await switches.set_who_may_request(tenant, word, turn.operator.actor, correlation_id=turn.correlation_id)
    who = await switches.who_may_request(tenant)
    said = _WHO_MAY_REQUEST.get(who, "its operators and admins may request a number")
    return Reply(message_card("Requests", f"For {turn.tenant_config(tenant).display_name}, {said}."))


_APPROVERS_USAGE = (
    "Write it as: approvers all, or approvers followed by the Entra object ids of the operators who decide "
    "(approvers ID, ID), or approvers to see who does."
)
_OBJECT_ID = re.compile(r"^[0-9a-fA-F-]{8,64}$")


async def approvers_command(turn: Turn, args: str) -> Reply:
    """`approvers [all|ID ...]`: who decides the tenant's number requests (and four eyes' approvals). Admins
    only, to look as to set (audited); `all` is every operator and admin of the tenant."""
    tenant = await turn.tenant()
    turn.operator.require(Role.ADMIN, "the approvers setting")
    switches = turn.services.switches
    words = [w for w in re.split(r"[\s,;]+", args.strip()) if w]
    if words == ["all"] or words == ["everyone"]:
        await switches.set_approver_list(tenant, (), turn.operator.actor, correlation_id=turn.correlation_id)
    elif words:
        odd = next((w for w in words if not _OBJECT_ID.match(w)), None)
        if odd is not None:
            raise SwitchboardError(f"'{odd[:40]}' is not an Entra object id. {_APPROVERS_USAGE}")
        await switches.set_approver_list(tenant, tuple(words), turn.operator.actor, correlation_id=turn.correlation_id)
    listed = await switches.approver_list(tenant)
    approvers = turn.services.context.settings.approvers(tenant, listed)
    names = ", ".join(o.name or o.aad_object_id for o in approvers) or "nobody"
    name = turn.tenant_config(tenant).display_name
    said = (
        f"Only these decide {name}'s number requests: {names}."
        if listed
        else f"Every operator and admin of {name} decides its number requests: {names}."
    )
    return Reply(message_card("Approvers", said))
