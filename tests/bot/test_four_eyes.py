"""Four eyes over the Bot Framework protocol: an admin turns it on for the tenant (audited; an operator may
not, and a word that is not on or off changes nothing); then an operator's confirmed assignment is not sent
to Teams but becomes a request card for the number their card held, which they cannot approve themselves
and another operator approves, with the policy they chose."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from cards.reading import card_text, execute_actions
from inventory.model import NumberStatus
from inventory.store.engine import Store
from inventory.teams.simulation import SimulatedPhoneSystem, SimulatedTenant
from tests.support import db
from tests.support.bot_harness import RecordingConnector, Sent, TeamsClient
from tests.support.bot_world import MEGAN, OLIVIA, RunningBot, client_for
from tests.support.clicks import teams_assignments


@pytest.fixture
def store(sqlite_store: Store) -> Store:
    return sqlite_store


@pytest.fixture
def in_channel(http: aiohttp.ClientSession, bot: RunningBot, connector: RecordingConnector) -> dict[str, TeamsClient]:
    return {m.name.split()[0].lower(): client_for(m, http, bot.url, connector, "channel") for m in (MEGAN, OLIVIA)}


async def said(client: TeamsClient, connector: RecordingConnector, text: str) -> dict[str, Any]:
    await client.say(text)
    return connector.last_card()


def request_message(connector: RecordingConnector) -> Sent:
    """The message the assign card was shown in, now showing the request to everyone."""
    puts = [s for s in connector.sent if s.method == "PUT" and s.card and "Number request" in card_text(s.card)]
    assert puts, "the assign card was not replaced with the request for everyone"
    return puts[-1]


async def view_of(client: TeamsClient, posted: Sent) -> dict[str, Any]:
    assert posted.card is not None
    assert posted.activity_id is not None
    action = posted.card["refresh"]["action"]
    return await client.answer(client.invoke(action["verb"], action["data"], reply_to=posted.activity_id))


async def test_only_an_admin_turns_four_eyes_on_and_the_change_is_audited(
    in_channel: dict[str, TeamsClient], connector: RecordingConnector, inventory: Store
) -> None:
    megan, olivia = in_channel["megan"], in_channel["olivia"]
    await olivia.say("tenant contoso")
    assert "Four eyes is off for Contoso" in card_text(await said(megan, connector, "four eyes"))
    before = await db.snapshot(inventory)
    assert "setting four eyes" in card_text(await said(megan, connector, "four eyes on"))
    assert "I did not understand 'maybe'" in card_text(await said(olivia, connector, "four eyes maybe"))
    assert await db.snapshot(inventory) == before

    assert "Four eyes is on for Contoso" in card_text(await said(olivia, connector, "four eyes on"))
    assert "Four eyes is on for Contoso" in card_text(await said(megan, connector, "four eyes"))
    async with inventory.read() as uow:
        events = [e for e in await uow.audit.history("contoso") if e.action == "set-four-eyes"]
    assert [(e.operator_name, e.before, e.after) for e in events] == [
        ("olivia@contoso.test", None, {"four_eyes": True})
    ]


async def test_with_four_eyes_an_operators_assignment_waits_for_another_operator_who_approves_it(
    in_channel: dict[str, TeamsClient],
    connector: RecordingConnector,
    inventory: Store,
    teams: SimulatedTenant,
    phone: SimulatedPhoneSystem,
) -> None:
    megan, olivia = in_channel["megan"], in_channel["olivia"]
    await olivia.say("tenant contoso")
    await olivia.say("four eyes on")
    await megan.say("sync")
    await megan.click(connector.last_card(), "Commit")
    confirm = await said(megan, connector, "assign adele +1 206 555 0142 us-unrestricted")
    asked = await megan.click(confirm, "Assign")
    assert "Waiting for approval" in card_text(asked)
    assert teams_assignments(phone) == 0  # Teams is not asked until someone else approves
    held = await db.number(inventory, "+12065550142")
    assert held.status is NumberStatus.RESERVED
    assert held.hold is not None
    assert held.hold.owner.startswith("request:")

    posted = request_message(connector)
    olivias_view = await view_of(olivia, posted)
    assert [a["title"] for a in olivias_view.get("actions", [])] == ["Approve", "Change number", "Reject"]
    assert "Approve" not in [a["title"] for a in (await view_of(megan, posted)).get("actions", [])]
    approve = next(a for a in execute_actions(olivias_view) if a["title"] == "Approve")
    before = await db.snapshot(inventory)
    status, body = await megan.execute(approve["verb"], approve["data"], reply_to=posted.activity_id or "1")
    assert status == 200
    assert "Only an approver of Contoso may decide this" in card_text(body["value"])  # not her own
    assert await db.snapshot(inventory) == before
    assert teams_assignments(phone) == 0

    done = await olivia.click(olivias_view, "Approve", reply_to=posted.activity_id)
    assert "Assigned: +1 206 555 0142 now rings Adele Vance. Approved by olivia@contoso.test" in card_text(done)
    assert teams.numbers_of("obj-adele") == ["+12065550142"]
    number = await db.number(inventory, "+12065550142")
    assert number.status is NumberStatus.USED
    assert number.voice_routing_policy == "US-Unrestricted"  # what Megan chose, not the tenant's default
