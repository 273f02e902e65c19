"""A CSV sent in the personal chat: preview what it would change, import it on **Import** (admins).

The file is read with the CLI's parser (E.164 with the tenant's region, a `+` Excel dropped, `;ext=`,
duplicates) and dry-run against the inventory, so the preview shows exactly what Import does. The flow
keeps Teams' download link and the file's SHA-256, not the file: Import reads it again and refuses if it
is not the file that was previewed.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from enum import StrEnum

from bot.files import SentFile, download
from bot.flows.capacity_notes import check_capacity
from bot.flows.card_data import CardData
from bot.flows.table import FlowTable
from bot.flows.view_models import ref
from bot.turn import CardSink, Reply, Turn
from cards.assign import waiting_card
from cards.common import message_card
from cards.csv_chat import TITLE, CsvPreviewView, csv_imported_card, csv_preview_card, csv_unreadable_card
from cards.elements import Card
from cards.notify import import_note
from inventory.config import Role
from inventory.errors import ImportRejected, SwitchboardError
from inventory.flows import Flow
from inventory.services.flow_steps import Move
from inventory.services.imports import ImportReport, import_csv, preview_csv

_KEPT_PROBLEMS = 50  # invalid lines the flow keeps to show; the count says how many there were


class Step(StrEnum):
    PREVIEW = "preview"
    IMPORTING = "importing"
    DONE = "done"
    CANCELLED = "cancelled"


async def start_from_file(turn: Turn, file: SentFile) -> Reply:
    turn.operator.require(Role.ADMIN, "importing numbers")
    if not file.name.lower().endswith((".csv", ".txt")):
        raise SwitchboardError(f"'{file.name}' is not a CSV file; send a .csv with a 'number' column.")
    tenant = await turn.tenant()
    content = await _read(turn, file)
    config = turn.tenant_config(tenant)
    context = turn.services.context
    try:
        preview = await preview_csv(
            context.storage,
            tenant,
            content,
            actor=turn.operator.actor,
            clock=context.clock,
            default_number_type=config.default_number_type,
            default_region=config.default_region,
            reservation_length=_reservation_length(turn),
        )
    except ImportRejected as rejected:
        return Reply(csv_unreadable_card(file_name=file.name, reason=str(rejected), problems=rejected.problems))
    report = preview.report
    state = {
        "name": file.name,
        "url": file.download_url,
        "sha256": hashlib.sha256(content).hexdigest(),
        "add": report.added,
        "update": report.updated,
        "unchanged": report.unchanged,
        "invalid": report.skipped[:_KEPT_PROBLEMS],
        "invalid_count": len(report.skipped),
        "new_pools": preview.new_pools[:20],
    }
    flow = await FLOW.start(turn, tenant, Step.PREVIEW, state)
    return Reply(await FLOW.render(turn, flow))


async def _read(turn: Turn, file: SentFile) -> bytes:
    return await download(file, hosts=turn.services.context.settings.file_hosts)


async def _import(turn: Turn, flow: Flow, data: CardData) -> Reply:
    turn.operator.require(Role.ADMIN, "importing numbers")
    flow = await FLOW.advance(turn, flow, Step.IMPORTING)
    state = flow.state

    async def work(_: CardSink) -> Card:
        try:
            report = await _import_file(turn, flow)
        except SwitchboardError:
            await FLOW.advance(turn, flow, Step.CANCELLED)  # all or nothing: nothing was written
            raise
        result = {"added": report.added, "updated": report.updated, "skipped": len(report.skipped)}
        moved = await FLOW.advance(turn, flow, Step.DONE, result={**result, "reference": report.correlation_id})
        if report.changed:
            note = import_note(tenant=flow.tenant, file_name=state["name"], operator=turn.operator.actor.name, **result)
            await turn.services.notifications.enqueue(flow.tenant, "import", note)
            await check_capacity(turn.services, flow.tenant)  # new or re-pooled numbers move pools' counts
        return await FLOW.render(turn, moved)

    return Reply(waiting_card(TITLE, f"Importing {state['name']}..."), work)


async def _import_file(turn: Turn, flow: Flow) -> ImportReport:
    state = flow.state
    content = await _read(turn, SentFile(state["name"], state["url"], "csv"))
    if hashlib.sha256(content).hexdigest() != state["sha256"]:
        raise SwitchboardError(f"'{state['name']}' is not the file that was previewed any more; send it again.")
    config = turn.tenant_config(flow.tenant)
    return await import_csv(
        turn.services.context.storage,
        flow.tenant,
        content,
        actor=turn.operator.actor,
        clock=turn.services.context.clock,
        default_number_type=config.default_number_type,
        default_region=config.default_region,
        skip_invalid=True,
        reservation_length=_reservation_length(turn),
    )


def _reservation_length(turn: Turn) -> timedelta:
    """How long a reservation the file gives no end lasts: as long as one made with `reserve`."""
    return timedelta(days=turn.services.context.settings.reservation_days)


async def _cancel(turn: Turn, flow: Flow, data: CardData) -> Move:
    return Move(Step.CANCELLED)


async def _preview_view(turn: Turn, flow: Flow) -> Card:
    state = flow.state
    invalid = list(state["invalid"])
    if state["invalid_count"] > len(invalid):
        invalid += [f"...and {state['invalid_count'] - len(invalid):,} more"]
    view = CsvPreviewView(
        state["name"], flow.tenant, state["add"], state["update"], state["unchanged"], invalid, state["new_pools"]
    )
    return csv_preview_card(ref(flow), view)


async def _importing_view(turn: Turn, flow: Flow) -> Card:
    return waiting_card(TITLE, f"Importing {flow.state['name']}...")


async def _done_view(turn: Turn, flow: Flow) -> Card:
    result = flow.state["result"]
    return csv_imported_card(
        file_name=flow.state["name"],
        tenant=flow.tenant,
        added=result["added"],
        updated=result["updated"],
        skipped=result["skipped"],
        reference=result["reference"],
    )


async def _cancelled_view(turn: Turn, flow: Flow) -> Card:
    return message_card(TITLE, "Nothing was imported.")


FLOW: FlowTable[Step] = FlowTable(
    kind="csv-import",
    steps=Step,
    actions={(Step.PREVIEW, "csv.import"): _import, (Step.PREVIEW, "cancel"): _cancel},
    views={
        Step.PREVIEW: _preview_view,
        Step.IMPORTING: _importing_view,
        Step.DONE: _done_view,
        Step.CANCELLED: _cancelled_view,
    },
    lost="This card is in a state I no longer know; send the file again.",
)
