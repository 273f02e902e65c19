"""`pools` over the Bot Framework protocol: counts per pool and status, as a chart with a text fallback; and
the CLI that puts numbers into a pool, audited."""

from __future__ import annotations

from cards.reading import card_text
from inventory.e164 import parse_range
from inventory.model import Actor
from inventory.number_query import NumberQuery
from inventory.ports.clock import SystemClock
from inventory.services.imports import import_range
from inventory.services.pools import set_pool
from inventory.store.engine import Store
from tests.support import db
from tests.support.bot_harness import RecordingConnector, TeamsClient

SETUP = Actor("cli:setup", "setup")


async def test_pools_counts_free_reserved_and_used_numbers_per_pool(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    await import_range(
        inventory, "contoso", parse_range("+14255550100-+14255550103"), actor=SETUP, clock=SystemClock(), pool="Sales"
    )
    await megan.say("sync")
    await megan.click(connector.last_card(), "Commit")
    await megan.say("reserve 1 in sales")
    await megan.say("pools")
    shown = card_text(connector.last_card())
    assert "Tenant contoso: 2 pool(s)" in shown
    assert "**Sales**: 3 free, 1 reserved" in shown
    assert "**(no pool)**: 99 free, 2 used" in shown  # the carrier range and a Calling Plan number


async def test_setting_a_pool_by_location_moves_only_those_numbers_and_audits_each(inventory: Store) -> None:
    await import_range(
        inventory,
        "contoso",
        parse_range("+14255550100-+14255550101"),
        actor=SETUP,
        clock=SystemClock(),
        location="Redmond",
    )
    moved = await set_pool(
        inventory, NumberQuery(tenant="contoso", location="redmond"), "Redmond-Ops", actor=SETUP, clock=SystemClock()
    )
    assert moved == 2
    assert (await db.number(inventory, "+14255550101")).pool == "Redmond-Ops"
    assert (await db.number(inventory, "+12065550100")).pool is None
    assert (await db.history(inventory, "+14255550101"))[-1].action == "set-pool"
