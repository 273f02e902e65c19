"""Holds: picking a number holds it for the flow (reserved, 10 minutes); assigning turns the hold into
`used`; cancelling or going back frees it; so does expiry, after which someone else may take it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiohttp

from bot.app import JOBS
from cards.reading import card_text
from inventory.model import NumberStatus
from inventory.store.engine import Store
from inventory.teams.simulation import SimulatedPhoneSystem
from tests.support import db
from tests.support.bot_harness import RecordingConnector, TeamsClient, flow_of, offered
from tests.support.bot_world import MEGAN, OLIVIA, BotStarter, client_for
from tests.support.clicks import picker_for, teams_assignments
from tests.support.clock import FakeClock


async def test_picking_a_number_holds_it_for_this_flow_for_ten_minutes(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    picker = await picker_for(megan, connector, "adele")
    before = datetime.now(UTC)
    policy = await megan.click(picker, "Pick")
    after = datetime.now(UTC)
    assert "held for you for 10 minutes" in card_text(policy)
    number = await db.number(inventory, "+12065550100")
    assert number.status is NumberStatus.RESERVED
    assert number.hold is not None
    assert number.hold.expires_at is not None
    assert number.hold.owner == f"flow:{flow_of(picker)}"
    assert MEGAN.upn in number.hold.note
    assert before + timedelta(minutes=10) <= number.hold.expires_at <= after + timedelta(minutes=10)
    (hold,) = [e for e in await db.history(inventory, "+12065550100") if e.action == "hold"]
    assert hold.operator_name == MEGAN.upn


async def test_cancelling_frees_the_held_number(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    policy = await megan.click(await picker_for(megan, connector, "adele"), "Pick")
    cancelled = await megan.click(policy, "Cancel")
    assert "any number held for you is free again" in card_text(cancelled)
    number = await db.number(inventory, "+12065550100")
    assert number.status is NumberStatus.AVAILABLE
    assert number.hold is None
    assert [e.action for e in await db.history(inventory, "+12065550100")][-2:] == ["hold", "release-hold"]


async def test_going_back_to_the_picker_frees_the_held_number_and_offers_it_again(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    policy = await megan.click(await picker_for(megan, connector, "adele"), "Pick")
    picker = await megan.click(policy, "Back")
    assert offered(picker)[0] == "+1 206 555 0100"
    assert (await db.number(inventory, "+12065550100")).status is NumberStatus.AVAILABLE


async def test_picking_another_number_after_going_back_moves_the_hold(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    policy = await megan.click(await picker_for(megan, connector, "adele"), "Pick")
    picker = await megan.click(policy, "Back")
    searched = await megan.click(picker, "Search", inputs={"search": "0142"})
    assert offered(searched) == ["+1 206 555 0142"]
    await megan.click(searched, "Pick")
    assert (await db.number(inventory, "+12065550100")).status is NumberStatus.AVAILABLE
    assert (await db.number(inventory, "+12065550142")).status is NumberStatus.RESERVED


async def test_an_expired_hold_goes_back_to_the_pool_and_the_old_flow_cannot_take_it_from_the_next_picker(
    start_bot: BotStarter,
    http: aiohttp.ClientSession,
    connector: RecordingConnector,
    inventory: Store,
    phone: SimulatedPhoneSystem,
) -> None:
    clock = FakeClock(datetime.now(UTC))
    bot = await start_bot(clock=clock)
    megan, olivia = (client_for(member, http, bot.url, connector) for member in (MEGAN, OLIVIA))
    policy = await megan.click(await picker_for(megan, connector, "adele"), "Pick")
    confirm = await megan.click(policy, "Next", inputs={"policy": "US-Local"})

    clock.advance(minutes=9)
    assert await bot.app[JOBS].free_expired() == 0
    clock.advance(minutes=2)
    assert await bot.app[JOBS].free_expired() == 1
    assert (await db.number(inventory, "+12065550100")).status is NumberStatus.AVAILABLE
    assert [e.operator_name for e in await db.history(inventory, "+12065550100")][-1] == "Switchboard"

    await olivia.say("tenant contoso")
    olivias_picker = await picker_for(olivia, connector, "alex")
    assert offered(olivias_picker)[0] == "+1 206 555 0100"
    await olivia.click(olivias_picker, "Pick")

    refused = await megan.click(confirm, "Assign")
    text = card_text(refused)
    assert "+1 206 555 0100 is reserved by olivia@contoso.test" in text
    assert "Pick another number" in text
    assert "+1 206 555 0100" not in offered(refused)
    assert teams_assignments(phone) == 0
    held = await db.number(inventory, "+12065550100")
    assert held.status is NumberStatus.RESERVED
    assert held.hold is not None
    assert held.hold.owner == f"flow:{flow_of(olivias_picker)}"
