"""Four eyes for bulk assign over the Bot Framework protocol: with the tenant's switch on, an operator's
Assign all (here the onboarding card's) is not sent to Teams; it becomes one approval card in the thread for
the whole plan, its numbers still held. Each viewer gets their own view; the asker's own (forged) approval
and a viewer's are refused and change nothing; another operator's approval runs the plan through bulk's
run to its results card; a rejection gives the numbers back. Asking and deciding are audited."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from bot.app import JOBS
from cards.reading import card_text, execute_actions
from inventory.model import NumberStatus
from inventory.store.engine import Store
from inventory.teams.simulation import SimulatedPhoneSystem, SimulatedTenant
from tests.support import db
from tests.support.bot_harness import RecordingConnector, Sent, TeamsClient
from tests.support.bot_world import MEGAN, OLIVIA, RunningBot, client_for
from tests.support.clicks import teams_assignments

PLANNED = ("+12065550100", "+12065550101")  # the first free numbers, one held for each of Adele and Alex


@pytest.fixture
def store(sqlite_store: Store) -> Store:
    return sqlite_store


@pytest.fixture
async def channel(onboarding_channel: dict[str, TeamsClient]) -> dict[str, TeamsClient]:
    await onboarding_channel["olivia"].say("four eyes on")
    return onboarding_channel


async def asked_for_approval(
    channel: dict[str, TeamsClient], connector: RecordingConnector, onboarding_bot: RunningBot
) -> tuple[dict[str, Any], Sent]:
    """Megan's Assign all on the onboarding card: her own view, and the message everyone sees."""
    assert await onboarding_bot.app[JOBS].suggest_onboarding() == 1
    posted = await connector.wait_for_card(lambda card: "2 people need numbers" in card_text(card))
    asked = await channel["megan"].click(posted, "Assign all")
    puts = [s for s in connector.sent if s.method == "PUT" and s.card and "for approval" in card_text(s.card)]
    assert puts, "the onboarding card was not replaced with the approval card for everyone"
    return asked, puts[-1]


async def view_of(client: TeamsClient, posted: Sent) -> dict[str, Any]:
    assert posted.card is not None
    assert posted.activity_id is not None
    action = posted.card["refresh"]["action"]
    return await client.answer(client.invoke(action["verb"], action["data"], reply_to=posted.activity_id))


def titles(card: dict[str, Any]) -> list[str]:
    return [str(a["title"]) for a in card.get("actions", [])]


async def audited(inventory: Store, *actions: str) -> list[tuple[str, str]]:
    async with inventory.read() as uow:
        events = await uow.audit.history("contoso", limit=100)
    return [(e.action, e.operator_name) for e in reversed(events) if e.action in actions]


async def test_a_bulk_plan_waits_for_another_operator_whose_approval_runs_it_and_a_forged_own_approval_does_not(
    channel: dict[str, TeamsClient],
    connector: RecordingConnector,
    onboarding_bot: RunningBot,
    inventory: Store,
    teams: SimulatedTenant,
    phone: SimulatedPhoneSystem,
) -> None:
    megan, olivia, victor = channel["megan"], channel["olivia"], channel["victor"]
    asked, posted = await asked_for_approval(channel, connector, onboarding_bot)
    assert "you cannot approve your own" in card_text(asked)
    assert titles(asked) == []
    assert teams_assignments(phone) == 0  # Teams is not asked until someone else approves
    for number in PLANNED:
        assert (await db.number(inventory, number)).status is NumberStatus.RESERVED
    assert posted.card is not None
    assert "Adele Vance" in card_text(posted.card)
    assert set(posted.card["refresh"]["userIds"]) == {MEGAN.id, OLIVIA.id}

    olivias = await view_of(olivia, posted)
    assert titles(olivias) == ["Approve", "Reject"]
    assert titles(await view_of(megan, posted)) == []
    assert titles(await view_of(victor, posted)) == []
    approve = next(a for a in execute_actions(olivias) if a["title"] == "Approve")
    before = await db.snapshot(inventory)
    for someone in (megan, victor):  # the asker, forging the approver's button; a viewer
        status, body = await someone.execute(approve["verb"], approve["data"], reply_to=posted.activity_id or "1")
        assert status == 200
        assert "Only an approver of Contoso other than the one who asked" in card_text(body["value"])
    assert await db.snapshot(inventory) == before
    assert teams_assignments(phone) == 0

    done = await olivia.click(olivias, "Approve", reply_to=posted.activity_id)
    assert "2 assigned, 0 failed" in card_text(done)
    assert len(teams.numbers_of("obj-adele")) == 1
    assert len(teams.numbers_of("obj-alex")) == 1
    for number in PLANNED:
        assert (await db.number(inventory, number)).status is NumberStatus.USED
    again = await olivia.click(olivias, "Approve", reply_to=posted.activity_id)
    assert "2 assigned, 0 failed" in card_text(again)  # decided: the outcome, no second run
    assert teams_assignments(phone) == 2
    assert await audited(inventory, "ask-bulk-approval", "approve-bulk-assignment") == [
        ("ask-bulk-approval", "megan@contoso.test"),
        ("approve-bulk-assignment", "olivia@contoso.test"),
    ]


async def test_a_rejected_bulk_plan_gives_its_numbers_back_and_asks_teams_nothing(
    channel: dict[str, TeamsClient],
    connector: RecordingConnector,
    onboarding_bot: RunningBot,
    inventory: Store,
    phone: SimulatedPhoneSystem,
) -> None:
    _, posted = await asked_for_approval(channel, connector, onboarding_bot)
    olivias = await view_of(channel["olivia"], posted)
    rejected = await channel["olivia"].click(olivias, "Reject", reply_to=posted.activity_id)
    assert "Rejected by olivia@contoso.test. Nothing was assigned" in card_text(rejected)
    assert teams_assignments(phone) == 0
    for number in PLANNED:
        assert (await db.number(inventory, number)).status is NumberStatus.AVAILABLE


async def test_with_four_eyes_off_assign_all_still_runs_at_once(
    channel: dict[str, TeamsClient], connector: RecordingConnector, onboarding_bot: RunningBot, teams: SimulatedTenant
) -> None:
    await channel["olivia"].say("four eyes off")
    assert await onboarding_bot.app[JOBS].suggest_onboarding() == 1
    posted = await connector.wait_for_card(lambda card: "2 people need numbers" in card_text(card))
    done = await channel["megan"].click(posted, "Assign all")
    assert "2 assigned, 0 failed" in card_text(done)
    assert len(teams.numbers_of("obj-adele")) == 1


async def test_a_bulk_plan_asked_in_a_personal_chat_goes_to_the_channel_where_another_operator_approves_it(
    channel: dict[str, TeamsClient],
    connector: RecordingConnector,
    http: aiohttp.ClientSession,
    onboarding_bot: RunningBot,
    teams: SimulatedTenant,
) -> None:
    megan = client_for(MEGAN, http, onboarding_bot.url, connector, "personal")
    await megan.say("tenant contoso")
    await megan.say("bulk assign")
    found = await megan.click(connector.last_card(), "Find", inputs={"people_search": "adele"})
    chosen = await megan.click(found, "Add", inputs={"people": "obj-adele"})
    source = await megan.click(chosen, "Next")
    if "Commit" in titles(source):  # Teams' numbers are not in the inventory yet: take them in first
        source = await megan.click(source, "Commit")
    plan = await megan.click(source, "Suggest numbers")
    confirm = await megan.click(plan, "Review")
    asked = await megan.click(confirm, "Assign all")
    assert "you cannot approve your own" in card_text(asked)
    assert "refresh" not in asked  # only Megan sees this chat: her own view, nobody else's to fetch

    in_channel = await connector.wait_for_card(lambda card: "Asked in a personal chat by megan" in card_text(card))
    assert titles(in_channel) == ["Approve", "Reject"]
    refused = await channel["megan"].click(in_channel, "Approve", settle=False)
    assert "Only an approver of Contoso other than the one who asked" in card_text(refused)
    assert teams.numbers_of("obj-adele") == []
    done = await channel["olivia"].click(in_channel, "Approve")
    assert "1 assigned, 0 failed" in card_text(done)
    assert len(teams.numbers_of("obj-adele")) == 1
