"""Emergency locations on the assign flow: the confirm card proposes the number's own location (as Teams
reported it) or its pool's site, shows it by site name, lets the operator choose another of the tenant's
sites, and the assignment carries the one chosen; a location the card did not offer never reaches Teams."""

from __future__ import annotations

import dataclasses

import aiohttp

from cards.assign import confirm_card
from cards.reading import card_text
from cards.views import AccountView, FlowRef
from inventory.config import Settings
from inventory.model import Actor
from inventory.number_query import NumberQuery
from inventory.ports.clock import SystemClock
from inventory.services.pools import set_pool
from inventory.store.engine import Store
from inventory.teams.simulation import SimulatedPhoneSystem, SimulatedTenant
from tests.support import db
from tests.support.bot_harness import RecordingConnector, TeamsClient
from tests.support.bot_world import MEGAN, BotStarter, bot_settings, client_for
from tests.support.clicks import picker_for, teams_assignments

SEATTLE, REDMOND = "loc-seattle-hq", "loc-redmond-b40"


def site_settings() -> Settings:
    settings = bot_settings()
    contoso = dataclasses.replace(
        settings.tenants[0],
        sites=(("Seattle HQ", SEATTLE), ("Redmond B40", REDMOND)),
        pool_sites=(("Sales", "Seattle HQ"),),
    )
    return dataclasses.replace(settings, tenants=(contoso, *settings.tenants[1:]))


async def sales_pool(inventory: Store) -> None:
    query = NumberQuery(tenant="contoso", range_label="SEA-DR")
    await set_pool(inventory, query, "Sales", actor=Actor("cli:setup", "setup"), clock=SystemClock())


async def megan_on_sites(
    start_bot: BotStarter, http: aiohttp.ClientSession, connector: RecordingConnector
) -> TeamsClient:
    bot = await start_bot(settings=site_settings())
    return client_for(MEGAN, http, bot.url, connector)


async def test_the_confirm_card_proposes_the_pools_site_and_the_assignment_carries_the_one_chosen(
    start_bot: BotStarter,
    http: aiohttp.ClientSession,
    connector: RecordingConnector,
    inventory: Store,
    teams: SimulatedTenant,
) -> None:
    teams.add_location(SEATTLE)
    teams.add_location(REDMOND)
    await sales_pool(inventory)
    megan = await megan_on_sites(start_bot, http, connector)
    picker = await picker_for(megan, connector, "adele")
    policy = await megan.click(picker, "Pick")
    confirm = await megan.click(policy, "Next", inputs={"policy": "US-Local"})

    assert "Emergency location\nSeattle HQ" in card_text(confirm)
    done = await megan.click(confirm, "Assign", inputs={"location": REDMOND})

    assert "is assigned to Adele Vance" in card_text(done)
    assert "Emergency location\nRedmond B40" in card_text(done)
    held = [n for n in teams.all_numbers() if n.assignment_target_id == "obj-adele"]
    assert [n.location_id for n in held] == [REDMOND]


async def test_without_a_choice_the_assignment_carries_the_proposed_location(
    start_bot: BotStarter,
    http: aiohttp.ClientSession,
    connector: RecordingConnector,
    inventory: Store,
    teams: SimulatedTenant,
) -> None:
    teams.add_location(SEATTLE)
    await sales_pool(inventory)
    megan = await megan_on_sites(start_bot, http, connector)
    picker = await picker_for(megan, connector, "adele")
    confirm = await megan.click(await megan.click(picker, "Pick"), "Next", inputs={"policy": "US-Local"})

    await megan.click(confirm, "Assign")

    held = [n for n in teams.all_numbers() if n.assignment_target_id == "obj-adele"]
    assert [n.location_id for n in held] == [SEATTLE]


async def test_a_location_the_card_did_not_offer_is_refused_and_teams_is_not_asked(
    start_bot: BotStarter,
    http: aiohttp.ClientSession,
    connector: RecordingConnector,
    inventory: Store,
    phone: SimulatedPhoneSystem,
) -> None:
    megan = await megan_on_sites(start_bot, http, connector)
    picker = await picker_for(megan, connector, "adele")
    confirm = await megan.click(await megan.click(picker, "Pick"), "Next", inputs={"policy": "US-Local"})
    before = await db.snapshot(inventory)

    refused = await megan.click(confirm, "Assign", inputs={"location": "loc-forged"})

    assert "not one of this tenant's sites" in card_text(refused)
    assert teams_assignments(phone) == 0
    after = await db.snapshot(inventory)
    assert (after.numbers, after.teams_operations) == (before.numbers, before.teams_operations)


async def test_a_tenant_without_sites_shows_no_location_choice() -> None:
    card = confirm_card(
        FlowRef("f", 1), AccountView("a", "Adele", "adele@x", "user", None), "+1 206 555 0100", None, "contoso"
    )

    assert all(element.get("id") != "location" for element in card["body"])
