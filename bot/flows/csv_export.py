"""`export [SEARCH]` in the personal chat: the inventory (or what the search finds) as the CSV that
`switchboard import` and a CSV sent to the bot read back, saved to the operator's OneDrive.

The command offers the file (Teams' consent card); the file is written only when the operator allows it,
straight from the database into the upload session, so an export of a million numbers keeps memory flat
(spooled to disk past a few megabytes) and any replica can answer the consent.
"""

from __future__ import annotations

import io
import tempfile
from typing import Any

from bot.files import UploadInfo, upload
from bot.turn import FileOffer, Reply, Turn
from cards.csv_chat import export_done_card, export_offer_card
from cards.elements import Card
from inventory.config import Role
from inventory.errors import AccessDenied, SwitchboardError
from inventory.number_query import NumberQuery
from inventory.search_terms import parse_search
from inventory.services.exports import export_csv

_IN_MEMORY = 8 * 1024 * 1024
_BYTES_PER_ROW = 90  # about what a row of the export takes; the consent card only shows the size


async def start(turn: Turn, args: str) -> Reply:
    turn.operator.require(Role.VIEWER, "exporting the inventory")
    if turn.conversation_type != "personal":
        raise SwitchboardError("Ask me for the export in a personal chat: Teams lets bots send files only there.")
    tenant = await turn.tenant()
    search = args.strip()[:100]
    count = await turn.services.views.count(_query(tenant, search))
    stamp = f"{turn.services.context.clock.now():%Y%m%d-%H%M}"
    name = f"switchboard-{tenant}-{stamp}.csv"
    description = f"{count:,} numbers of {tenant}" + (f" matching '{search}'" if search else "")
    context = {"tenant": tenant, "search": search, "operator": turn.operator.actor.id}
    offer = FileOffer(name, description, (count + 1) * _BYTES_PER_ROW, context)
    return Reply(export_offer_card(tenant=tenant, search=search, count=count), file_offer=offer)


def _query(tenant: str, search: str) -> NumberQuery:
    return parse_search(search, NumberQuery(tenant=tenant)) if search else NumberQuery(tenant=tenant)


async def accepted(turn: Turn, context: dict[str, Any], info: UploadInfo) -> Card:
    """The operator allowed the file: write it into Teams' upload session. The context came back from the
    client, so it is checked again as if typed: the same operator, a tenant they may use, a valid search."""
    if context.get("operator") != turn.operator.actor.id:
        raise AccessDenied("That export was offered to someone else; type export to get your own.")
    turn.operator.require(Role.VIEWER, "exporting the inventory")
    tenant, search = context.get("tenant"), context.get("search", "")
    if not isinstance(tenant, str) or not isinstance(search, str):
        raise SwitchboardError("That export card is damaged; type export again.")
    turn.operator.require_tenant(tenant)
    with tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY, mode="w+b") as spool:
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
        count = await export_csv(turn.services.context.storage, tenant, text, query=_query(tenant, search[:100]))
        text.flush()
        size = spool.tell()
        spool.seek(0)
        await upload(info, spool, size, hosts=turn.services.context.settings.file_hosts)
        text.detach()
    return export_done_card(file_name=info.name, count=count)
