"""Number requests over the Bot Framework protocol: someone not on the list of operators asks in a team
channel; the one card shows each viewer their own view; an approver approves and the number is assigned in
Teams and the inventory, the card is updated in place for everyone and the requester is @mentioned in the
thread; a second approver's click gets the outcome; a requester cannot approve; reject and expiry give the
number back. Rules, not storage: SQLite only (the service's tests run on both databases)."""

from __future__ import annotations

import dataclasses
from typing import Any

import aiohttp
import pytest

from bot.app import JOBS
from cards.reading import card_text, execute_actions
from inventory.config import REQUESTS_ANYONE, Settings
from inventory.model import NumberStatus
from inventory.store.engine import Store
from inventory.teams.simulation import SimAccount, SimulatedTenant
from tests.support import db
from tests.support.bot_harness import TENANT_ID, RecordingConnector, Sent, TeamsClient
from tests.support.bot_world import MEGAN, OLIVIA, STRANGER, VICTOR, BotStarter, RunningBot, bot_settings, client_for
from tests.support.clock import FakeClock
from tests.support.request_threads import personal_request_and_its_channel_copy, posted_card


@pytest.fixture
def store(sqlite_store: Store) -> Store:
    return sqlite_store


def anyone_may_request(**changes: Any) -> Settings:
    base = bot_settings()
    tenants = tuple(
        dataclasses.replace(t, **{"entra_tenant_id": TENANT_ID, "requests": REQUESTS_ANYONE, **changes})
        if t.name == "contoso"
        else t
        for t in base.tenants
    )
    return dataclasses.replace(base, tenants=tenants)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def requests_bot(start_bot: BotStarter, clock: FakeClock) -> RunningBot:
    return await start_bot(settings=anyone_may_request(), clock=clock)


@pytest.fixture
def in_channel(
    http: aiohttp.ClientSession, requests_bot: RunningBot, connector: RecordingConnector, teams: SimulatedTenant
) -> dict[str, TeamsClient]:
    # Sam is not on the list of operators, but is a Teams user of Contoso: a number can be assigned to him.
    teams.add_account(SimAccount(STRANGER.aad_object_id, STRANGER.upn, STRANGER.name, enterprise_voice=True))
    return {
        m.name.split()[0].lower(): client_for(m, http, requests_bot.url, connector, "channel")
        for m in (STRANGER, MEGAN, OLIVIA, VICTOR)
    }


def buttons(card: dict[str, Any]) -> list[str]:
    """The card's own buttons (the refresh action is not one a person sees)."""
    return [str(a["title"]) for a in card.get("actions", [])]


def refresh_of(card: dict[str, Any]) -> dict[str, Any]:
    refresh: dict[str, Any] = card["refresh"]
    return refresh


async def view_of(client: TeamsClient, posted: Sent) -> dict[str, Any]:
    """What `client`'s Teams shows: the refresh invoke the card asks for, answered with their view."""
    assert posted.card is not None
    action = refresh_of(posted.card)["action"]
    assert posted.activity_id is not None
    return await client.answer(client.invoke(action["verb"], action["data"], reply_to=posted.activity_id))


async def click(client: TeamsClient, card: dict[str, Any], title: str, posted: Sent, **inputs: str) -> dict[str, Any]:
    assert posted.activity_id is not None
    return await client.click(card, title, inputs=inputs, reply_to=posted.activity_id)


async def test_a_request_in_a_channel_is_approved_assigned_and_shown_to_everyone_in_place(
    in_channel: dict[str, TeamsClient], connector: RecordingConnector, inventory: Store, teams: SimulatedTenant
) -> None:
    sam, megan, olivia = in_channel["sam"], in_channel["megan"], in_channel["olivia"]
    await sam.say("request number for adele note new starter")
    posted = posted_card(connector)
    assert posted.card is not None
    assert set(refresh_of(posted.card)["userIds"]) == {STRANGER.id, MEGAN.id, OLIVIA.id}
    assert "Adele Vance" in card_text(posted.card)
    held = await db.number(inventory, "+12065550100")
    assert held.status is NumberStatus.RESERVED

    requester_view = await view_of(sam, posted)
    assert "Waiting for approval" in card_text(requester_view)
    assert buttons(requester_view) == []
    approver_view = await view_of(megan, posted)
    assert buttons(approver_view) == ["Approve", "Change number", "Reject"]
    late_view = await view_of(olivia, posted)

    seen = len(connector.sent)
    outcome = await click(megan, approver_view, "Approve", posted)
    assert "Assigned: +1 206 555 0100 now rings Adele Vance" in card_text(outcome)
    assert teams.numbers_of("obj-adele") == ["+12065550100"]
    number = await db.number(inventory, "+12065550100")
    assert number.status is NumberStatus.USED
    assert number.assignee is not None
    assert number.assignee.id == "obj-adele"

    new = connector.sent[seen:]
    updates = [s for s in new if s.method == "PUT" and s.activity_id == posted.activity_id]
    # Everyone sees the approval at once, and the assignment when Teams has finished it.
    assert len(updates) == 2
    assert "Teams is assigning +1 206 555 0100" in card_text(updates[0].card or {})
    assert updates[-1].card is not None
    assert "Assigned" in card_text(updates[-1].card)
    assert "refresh" not in updates[-1].card  # decided: one card for everyone
    notes = [s for s in new if s.method == "POST" and s.body.get("type") == "message" and s.card is None]
    assert len(notes) == 1
    assert notes[0].body["text"].startswith(f"<at>{STRANGER.upn}</at>")
    assert notes[0].body["entities"][0]["mentioned"]["id"] == STRANGER.id

    second = await click(olivia, late_view, "Approve", posted)
    assert "Already decided by megan@contoso.test" in card_text(second)
    assert len([op for op in teams.operations.values() if op.action == "assign"]) == 1


async def test_a_requester_cannot_approve_and_their_click_changes_nothing(
    in_channel: dict[str, TeamsClient], connector: RecordingConnector, inventory: Store, teams: SimulatedTenant
) -> None:
    sam, megan, victor = in_channel["sam"], in_channel["megan"], in_channel["victor"]
    await sam.say("request number")
    posted = posted_card(connector)
    approver_view = await view_of(megan, posted)
    approve = next(a for a in execute_actions(approver_view) if a["title"] == "Approve")
    before = await db.snapshot(inventory)
    for client in (sam, victor):  # the requester, and a viewer: neither approves
        status, body = await client.execute(approve["verb"], approve["data"], reply_to=posted.activity_id or "1")
        assert status == 200
        assert "Only an approver of Contoso may decide this" in card_text(body["value"])
    assert await db.snapshot(inventory) == before
    assert not [op for op in teams.operations.values() if op.action == "assign"]


async def test_an_operators_own_request_is_theirs_to_approve_while_four_eyes_is_off(
    in_channel: dict[str, TeamsClient], connector: RecordingConnector, teams: SimulatedTenant
) -> None:
    megan = in_channel["megan"]
    await megan.say("request number for adele")
    posted = posted_card(connector)
    own_view = await view_of(megan, posted)
    assert buttons(own_view) == ["Approve", "Change number", "Reject"]
    outcome = await click(megan, own_view, "Approve", posted)
    assert "Assigned: +1 206 555 0100 now rings Adele Vance" in card_text(outcome)
    assert teams.numbers_of("obj-adele") == ["+12065550100"]


async def test_with_four_eyes_on_an_operators_own_request_waits_for_a_second_person(
    in_channel: dict[str, TeamsClient], connector: RecordingConnector, inventory: Store, teams: SimulatedTenant
) -> None:
    megan, olivia = in_channel["megan"], in_channel["olivia"]
    await olivia.say("tenant contoso")
    await olivia.say("four eyes on")
    assert "Four eyes is on for Contoso" in card_text(connector.last_card())
    await megan.say("request number for adele")
    posted = posted_card(connector)
    own_view = await view_of(megan, posted)
    assert "Waiting for approval" in card_text(own_view)
    assert buttons(own_view) == []
    approve = next(a for a in execute_actions(await view_of(olivia, posted)) if a["title"] == "Approve")
    before = await db.snapshot(inventory)
    status, body = await megan.execute(approve["verb"], approve["data"], reply_to=posted.activity_id or "1")
    assert status == 200
    assert "Only an approver of Contoso may decide this" in card_text(body["value"])
    assert await db.snapshot(inventory) == before
    assert not [op for op in teams.operations.values() if op.action == "assign"]


async def test_a_rejection_gives_the_number_back_and_tells_the_requester_why(
    in_channel: dict[str, TeamsClient], connector: RecordingConnector, inventory: Store
) -> None:
    sam, megan = in_channel["sam"], in_channel["megan"]
    await sam.say("request number in Seattle")
    posted = posted_card(connector)
    approver_view = await view_of(megan, posted)
    asked_again = await click(megan, approver_view, "Reject", posted)
    assert "Write why in Reason" in card_text(asked_again)
    outcome = await click(megan, asked_again, "Reject", posted, reason="use the shared line")
    assert "Rejected by megan@contoso.test" in card_text(outcome)
    assert (await db.number(inventory, "+12065550100")).status is NumberStatus.AVAILABLE
    note = connector.sent[-1]
    said = f"<at>{STRANGER.upn}</at> your number request was rejected by {MEGAN.upn}: use the shared line"
    assert note.body["text"] == said


async def test_an_approver_changes_the_number_and_the_card_shows_the_new_one_to_everyone(
    in_channel: dict[str, TeamsClient], connector: RecordingConnector, inventory: Store
) -> None:
    sam, megan = in_channel["sam"], in_channel["megan"]
    await sam.say("request number")
    posted = posted_card(connector)
    await sam.say("request number")  # another request holds +1 206 555 0101
    approver_view = await view_of(megan, posted)
    refused = await click(megan, approver_view, "Change number", posted, number="+12065550101")
    assert "The request keeps +1 206 555 0100" in card_text(refused)
    changed = await click(megan, approver_view, "Change number", posted, number="+12065550142")
    assert "The request now holds +1 206 555 0142" in card_text(changed)
    assert (await db.number(inventory, "+12065550100")).status is NumberStatus.AVAILABLE
    assert (await db.number(inventory, "+12065550142")).status is NumberStatus.RESERVED
    update = connector.sent[-1]
    assert update.method == "PUT"
    assert update.card is not None
    assert "+1 206 555 0142" in card_text(update.card)
    stale = await click(megan, approver_view, "Approve", posted)  # the card before the change
    assert "changed meanwhile" in card_text(stale)
    assert (await db.number(inventory, "+12065550142")).status is NumberStatus.RESERVED


async def test_a_request_nobody_decides_expires_and_its_card_says_so(
    in_channel: dict[str, TeamsClient],
    connector: RecordingConnector,
    inventory: Store,
    requests_bot: RunningBot,
    clock: FakeClock,
) -> None:
    await in_channel["sam"].say("request number")
    posted = posted_card(connector)
    clock.advance(hours=24, minutes=1)
    assert await requests_bot.app[JOBS].expire_requests() == 1
    assert (await db.number(inventory, "+12065550100")).status is NumberStatus.AVAILABLE
    update = connector.sent[-1]
    assert (update.method, update.activity_id) == ("PUT", posted.activity_id)
    assert update.card is not None
    assert "Expired: nobody decided in time" in card_text(update.card)


async def test_a_requester_may_only_request_and_see_help(
    in_channel: dict[str, TeamsClient], connector: RecordingConnector, inventory: Store
) -> None:
    sam = in_channel["sam"]
    before = await db.snapshot(inventory)
    for command in ("numbers", "assign adele", "tenant fabrikam", "history +12065550150"):
        await sam.say(command)
        assert "here you may only ask for a number" in card_text(connector.last_card()), command
    await sam.say("help")
    assert "request number" in card_text(connector.last_card())
    assert "bulk assign" not in card_text(connector.last_card())
    assert await db.snapshot(inventory) == before


async def test_someone_of_a_tenant_that_does_not_let_anyone_request_is_still_refused(
    start_bot: BotStarter, http: aiohttp.ClientSession, connector: RecordingConnector
) -> None:
    bot = await start_bot(settings=anyone_may_request(requests="operators"))
    sam = client_for(STRANGER, http, bot.url, connector, "channel")
    await sam.say("request number")
    assert "not on Switchboard's list of operators" in card_text(connector.last_card())


async def test_a_request_from_a_personal_chat_is_decided_in_the_tenants_channel_and_its_card_follows(
    in_channel: dict[str, TeamsClient],
    http: aiohttp.ClientSession,
    requests_bot: RunningBot,
    connector: RecordingConnector,
    inventory: Store,
) -> None:
    await in_channel["olivia"].say("tenant contoso")
    await in_channel["olivia"].say("notify here")
    assert "hears about changes in contoso" in card_text(connector.last_card())
    sam = client_for(STRANGER, http, requests_bot.url, connector, "personal")
    await sam.say("request number for adele note laptop user")
    mine = posted_card(connector)
    assert mine.card is not None
    assert refresh_of(mine.card)["userIds"] == [STRANGER.id]  # the approvers are not in this chat
    in_thread = await connector.wait_for_card(lambda card: "Asked in a personal chat" in card_text(card))
    posted_there = next(s for s in connector.sent if s.card is in_thread)
    viewer_click = await click(in_channel["victor"], in_thread, "Approve", posted_there)
    assert "Only an approver of Contoso may decide this" in card_text(viewer_click)
    assert (await db.number(inventory, "+12065550100")).status is NumberStatus.RESERVED

    seen = len(connector.sent)
    outcome = await click(in_channel["megan"], in_thread, "Approve", posted_there)
    assert "Assigned: +1 206 555 0100" in card_text(outcome)
    await connector.wait_for(seen + 2)
    updates = {s.activity_id: s for s in connector.sent[seen:] if s.method == "PUT"}
    assert set(updates) == {posted_there.activity_id, mine.activity_id}
    assert all("Assigned" in card_text(s.card or {}) for s in updates.values())


async def test_a_personal_chat_request_that_expires_says_so_on_its_channel_copy_too(
    in_channel: dict[str, TeamsClient],
    http: aiohttp.ClientSession,
    requests_bot: RunningBot,
    connector: RecordingConnector,
    inventory: Store,
    clock: FakeClock,
) -> None:
    mine, copy = await personal_request_and_its_channel_copy(http, requests_bot, connector, inventory)
    seen = len(connector.sent)
    clock.advance(hours=24, minutes=1)
    assert await requests_bot.app[JOBS].expire_requests() == 1
    updates = {s.activity_id: s for s in connector.sent[seen:] if s.method == "PUT"}
    assert set(updates) == {mine.activity_id, copy.activity_id}
    for update in updates.values():
        assert update.card is not None
        assert "Expired: nobody decided in time" in card_text(update.card)
        assert not execute_actions(update.card)  # nobody can click Approve on an expired copy


async def test_a_tenant_that_names_its_approvers_lets_only_them_decide(
    start_bot: BotStarter,
    http: aiohttp.ClientSession,
    connector: RecordingConnector,
    inventory: Store,
    teams: SimulatedTenant,
) -> None:
    teams.add_account(SimAccount(STRANGER.aad_object_id, STRANGER.upn, STRANGER.name, enterprise_voice=True))
    bot = await start_bot(settings=anyone_may_request(approvers=(OLIVIA.aad_object_id,)))
    sam, megan, olivia = (client_for(m, http, bot.url, connector, "channel") for m in (STRANGER, MEGAN, OLIVIA))
    await sam.say("request number")
    posted = posted_card(connector)
    assert posted.card is not None
    assert set(refresh_of(posted.card)["userIds"]) == {STRANGER.id, OLIVIA.id}
    assert buttons(await view_of(megan, posted)) == []  # an operator, but not one of the approvers
    approver_view = await view_of(olivia, posted)
    approve = next(a for a in execute_actions(approver_view) if a["title"] == "Approve")
    status, body = await megan.execute(approve["verb"], approve["data"], reply_to=posted.activity_id or "1")
    assert status == 200
    assert "Only an approver of Contoso may decide this" in card_text(body["value"])
    assert (await db.number(inventory, "+12065550100")).status is NumberStatus.RESERVED


async def test_a_message_based_approve_replaces_the_card_with_the_outcome_everyone_sees(
    in_channel: dict[str, TeamsClient], connector: RecordingConnector, inventory: Store
) -> None:
    sam, megan = in_channel["sam"], in_channel["megan"]
    await sam.say("request number for adele")
    posted = posted_card(connector)
    approver_view = await view_of(megan, posted)
    seen = len(connector.sent)
    status, _ = await megan.submit(approver_view, "Approve", reply_to=posted.activity_id or "1")
    assert status in (200, 201)
    new = connector.sent[seen:]
    update = next(s for s in new if s.method == "PUT" and s.activity_id == posted.activity_id)
    assert update.card is not None
    assert "Assigned: +1 206 555 0100" in card_text(update.card)
    assert "Approve" not in [a.get("title") for a in update.card.get("actions", [])]
    assert any(s.body.get("text", "").startswith(f"<at>{STRANGER.upn}</at>") for s in new)
    assert (await db.number(inventory, "+12065550100")).status is NumberStatus.USED


async def test_someone_teams_does_not_know_cannot_request_a_number_for_themselves(
    start_bot: BotStarter, http: aiohttp.ClientSession, connector: RecordingConnector, inventory: Store
) -> None:
    bot = await start_bot(settings=anyone_may_request())
    sam = client_for(STRANGER, http, bot.url, connector, "channel")
    before = await db.snapshot(inventory)
    await sam.say("request number")
    assert "Teams does not know you as a user in Contoso" in card_text(connector.last_card())
    assert await db.snapshot(inventory) == before


async def test_when_teams_is_slower_than_a_click_may_wait_the_thread_hears_the_outcome_later(
    start_bot: BotStarter,
    http: aiohttp.ClientSession,
    connector: RecordingConnector,
    inventory: Store,
    teams: SimulatedTenant,
) -> None:
    bot = await start_bot(settings=anyone_may_request(), inline_seconds=0.0)
    sam, megan = (client_for(m, http, bot.url, connector, "channel") for m in (STRANGER, MEGAN))
    await sam.say("request number for adele")
    posted = posted_card(connector)
    answer = await click(megan, await view_of(megan, posted), "Approve", posted)
    assert "Approved by megan@contoso.test: Teams is assigning +1 206 555 0100" in card_text(answer)
    final = await connector.wait_for_card(lambda card: "Assigned: +1 206 555 0100" in card_text(card))
    assert "refresh" not in final

    def notes() -> list[str]:
        return [s.body["text"] for s in connector.sent if str(s.body.get("text", "")).startswith("<at>")]

    while not notes():
        await connector.wait_for(len(connector.sent) + 1)
    assert notes() == [
        f"<at>{STRANGER.upn}</at> your number request was approved by {MEGAN.upn}: "
        "+1 206 555 0100 is now Adele Vance's."
    ]
    assert (await db.number(inventory, "+12065550100")).status is NumberStatus.USED
    assert teams.numbers_of("obj-adele") == ["+12065550100"]


async def test_an_approver_retries_a_failed_request_on_its_number_and_a_repeated_retry_changes_nothing(
    in_channel: dict[str, TeamsClient], connector: RecordingConnector, inventory: Store, teams: SimulatedTenant
) -> None:
    sam, megan, olivia = in_channel["sam"], in_channel["megan"], in_channel["olivia"]
    teams.faults.fail_next_operations(detail="The number is not yet activated.")
    await sam.say("request number for adele")
    posted = posted_card(connector)
    failed = await click(megan, await view_of(megan, posted), "Approve", posted)
    assert "Teams did not assign +1 206 555 0100" in card_text(failed)
    assert "The number is not yet activated." in card_text(failed)
    assert (await db.number(inventory, "+12065550100")).status is NumberStatus.AVAILABLE

    assert buttons(await view_of(sam, posted)) == []  # the requester may not retry
    olivias_view = await view_of(olivia, posted)  # seen before Megan retries: stale by then
    approver_view = await view_of(megan, posted)
    assert buttons(approver_view) == ["Retry"]
    retried = await click(megan, approver_view, "Retry", posted)
    assert "Assigned: +1 206 555 0100 now rings Adele Vance" in card_text(retried)
    assert teams.numbers_of("obj-adele") == ["+12065550100"]

    before = await db.snapshot(inventory)
    again = await click(olivia, olivias_view, "Retry", posted)
    assert "Already decided by megan@contoso.test" in card_text(again)
    assert await db.snapshot(inventory) == before
    assert len([op for op in teams.operations.values() if op.action == "assign"]) == 2


async def test_a_retry_holds_the_next_free_number_when_the_failed_one_was_taken_meanwhile(
    in_channel: dict[str, TeamsClient], connector: RecordingConnector, inventory: Store, teams: SimulatedTenant
) -> None:
    sam, megan, victor = in_channel["sam"], in_channel["megan"], in_channel["victor"]
    teams.faults.fail_next_operations()
    await sam.say("request number for adele")
    posted = posted_card(connector)
    await click(megan, await view_of(megan, posted), "Approve", posted)
    await sam.say("request number for adele note the second one")  # takes +1 206 555 0100 meanwhile
    approver_view = await view_of(megan, posted)
    refused = await click(victor, approver_view, "Retry", posted)
    assert "Only an approver of Contoso may decide this" in card_text(refused)
    retried = await click(megan, approver_view, "Retry", posted)
    assert "Assigned: +1 206 555 0101 now rings Adele Vance" in card_text(retried)
