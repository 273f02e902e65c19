"""Approvals Teams finishes after the click stopped waiting, over the Bot Framework protocol: the card says
"Teams is assigning" until the reconcile job sees Teams finish, then it shows the outcome to everyone and
the requester is @mentioned, once; an operation Teams never completes fails the request and gives its
number back. Teams, its polls and our deadline all run on the test's clock."""

from __future__ import annotations

import dataclasses
from typing import Any

import aiohttp
import pytest

from bot.app import JOBS
from cards.reading import card_text
from inventory.config import REQUESTS_ANYONE, Settings
from inventory.model import NumberStatus
from inventory.store.engine import Store
from inventory.teams.retry import GraphTuning
from inventory.teams.simulation import SimAccount, SimulatedPhoneSystem, SimulatedTenant
from tests.support import db
from tests.support.bot_harness import TENANT_ID, RecordingConnector, Sent, TeamsClient
from tests.support.bot_world import MEGAN, STRANGER, BotStarter, RunningBot, bot_settings, client_for
from tests.support.clock import FakeClock
from tests.support.request_threads import personal_request_and_its_channel_copy, posted_card


@pytest.fixture
def store(sqlite_store: Store) -> Store:
    return sqlite_store


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def phone(teams: SimulatedTenant, clock: FakeClock) -> SimulatedPhoneSystem:
    """We wait a minute for Teams (polls advance the test's clock); Teams takes its time on the same clock."""
    teams.clock = clock
    return SimulatedPhoneSystem(teams, clock=clock, tuning=GraphTuning(operation_deadline_seconds=60))


@pytest.fixture
async def requests_bot(start_bot: BotStarter, clock: FakeClock) -> RunningBot:
    base = bot_settings()
    tenants = tuple(
        dataclasses.replace(t, entra_tenant_id=TENANT_ID, requests=REQUESTS_ANYONE) if t.name == "contoso" else t
        for t in base.tenants
    )
    settings: Settings = dataclasses.replace(base, tenants=tenants)
    return await start_bot(settings=settings, clock=clock)


@pytest.fixture
def in_channel(
    http: aiohttp.ClientSession, requests_bot: RunningBot, connector: RecordingConnector, teams: SimulatedTenant
) -> dict[str, TeamsClient]:
    teams.add_account(SimAccount(STRANGER.aad_object_id, STRANGER.upn, STRANGER.name, enterprise_voice=True))
    return {
        m.name.split()[0].lower(): client_for(m, http, requests_bot.url, connector, "channel")
        for m in (STRANGER, MEGAN)
    }


async def view_of(client: TeamsClient, posted: Sent) -> dict[str, Any]:
    assert posted.card is not None
    assert posted.activity_id is not None
    action = posted.card["refresh"]["action"]
    return await client.answer(client.invoke(action["verb"], action["data"], reply_to=posted.activity_id))


async def click(client: TeamsClient, card: dict[str, Any], title: str, posted: Sent) -> dict[str, Any]:
    assert posted.activity_id is not None
    return await client.click(card, title, reply_to=posted.activity_id)


async def gave_up(connector: RecordingConnector) -> None:
    """Until the click's follow-up stopped waiting for Teams and told the thread so."""
    while not any("Teams is still assigning" in str(s.body.get("text", "")) for s in connector.sent):
        await connector.wait_for(len(connector.sent) + 1)


async def test_an_approval_teams_finishes_after_the_click_stopped_waiting_is_settled_and_told_once(
    in_channel: dict[str, TeamsClient],
    connector: RecordingConnector,
    inventory: Store,
    teams: SimulatedTenant,
    requests_bot: RunningBot,
    clock: FakeClock,
) -> None:
    sam, megan = in_channel["sam"], in_channel["megan"]
    teams.knobs = dataclasses.replace(teams.knobs, operation_delay_seconds=600)  # longer than a click waits
    await sam.say("request number for adele")
    posted = posted_card(connector)
    answer = await click(megan, await view_of(megan, posted), "Approve", posted)
    assert "Teams is assigning +1 206 555 0100" in card_text(answer)
    jobs = requests_bot.app[JOBS]

    await gave_up(connector)
    clock.advance(minutes=3)
    seen = len(connector.sent)
    await jobs.reconcile()  # Teams still runs it: the request stays as it is, nobody is told anything
    assert connector.sent[seen:] == []
    assert (await db.number(inventory, "+12065550100")).status is NumberStatus.RESERVED

    clock.advance(minutes=10)  # Teams has finished
    await jobs.reconcile()
    told = connector.sent[seen:]
    updates = [s for s in told if s.method == "PUT" and s.activity_id == posted.activity_id]
    assert len(updates) == 1
    assert updates[0].card is not None
    assert "Assigned: +1 206 555 0100 now rings Adele Vance. Approved by megan@contoso.test" in card_text(
        updates[0].card
    )
    notes = [s.body["text"] for s in told if str(s.body.get("text", "")).startswith("<at>")]
    assert notes == [
        f"<at>{STRANGER.upn}</at> your number request was approved by {MEGAN.upn}: "
        "+1 206 555 0100 is now Adele Vance's."
    ]
    assert (await db.number(inventory, "+12065550100")).status is NumberStatus.USED

    seen = len(connector.sent)
    clock.advance(minutes=5)
    await jobs.reconcile()  # settled once: a second run tells nobody again
    assert connector.sent[seen:] == []
    assert "Assigned: +1 206 555 0100" in card_text(await view_of(megan, posted))


async def test_an_approval_teams_never_completes_fails_the_request_and_gives_its_number_back(
    in_channel: dict[str, TeamsClient],
    connector: RecordingConnector,
    inventory: Store,
    teams: SimulatedTenant,
    requests_bot: RunningBot,
    clock: FakeClock,
) -> None:
    sam, megan = in_channel["sam"], in_channel["megan"]
    teams.faults.stall_next_operations()
    await sam.say("request number for adele")
    posted = posted_card(connector)
    await click(megan, await view_of(megan, posted), "Approve", posted)
    await gave_up(connector)
    clock.advance(minutes=33)  # running so long it is stuck: Teams' holder of the number decides
    seen = len(connector.sent)
    await requests_bot.app[JOBS].reconcile()
    updates = [s for s in connector.sent[seen:] if s.method == "PUT" and s.activity_id == posted.activity_id]
    assert len(updates) == 1
    shown = card_text(updates[0].card or {})
    assert "Approved by megan@contoso.test, but Teams did not assign +1 206 555 0100" in shown
    assert "Teams never completed the assignment." in shown
    assert (await db.number(inventory, "+12065550100")).status is NumberStatus.AVAILABLE


async def test_a_personal_chat_request_settled_by_the_reconciler_shows_the_outcome_on_its_channel_copy_too(
    in_channel: dict[str, TeamsClient],
    http: aiohttp.ClientSession,
    connector: RecordingConnector,
    inventory: Store,
    teams: SimulatedTenant,
    requests_bot: RunningBot,
    clock: FakeClock,
) -> None:
    teams.knobs = dataclasses.replace(teams.knobs, operation_delay_seconds=600)  # longer than a click waits
    mine, copy = await personal_request_and_its_channel_copy(http, requests_bot, connector, inventory)
    assert copy.card is not None
    in_thread = copy.card
    seen = len(connector.sent)
    answer = await click(in_channel["megan"], in_thread, "Approve", copy)
    assert "Teams is assigning +1 206 555 0100" in card_text(answer)
    # The click stopped waiting for Teams: its follow-up showed Sam's card that Teams is still assigning.
    while not [s for s in connector.sent[seen:] if s.method == "PUT" and s.activity_id == mine.activity_id]:
        await connector.wait_for(len(connector.sent) + 1)

    clock.advance(minutes=13)  # Teams has finished
    seen = len(connector.sent)
    await requests_bot.app[JOBS].reconcile()
    updates = {s.activity_id: s for s in connector.sent[seen:] if s.method == "PUT"}
    assert set(updates) == {mine.activity_id, copy.activity_id}
    for update in updates.values():
        assert "Assigned: +1 206 555 0100 now rings Adele Vance" in card_text(update.card or {})
    assert (await db.number(inventory, "+12065550100")).status is NumberStatus.USED
