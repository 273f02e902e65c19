"""Flow state lives in the database: a repeated, stale or concurrent click is answered with the current
state and never causes a second Teams call, and any replica can continue any flow."""

from __future__ import annotations

import asyncio

from cards.reading import card_text
from inventory.model import NumberStatus
from inventory.store.engine import Store
from inventory.teams.simulation import SimulatedPhoneSystem, SimulatedTenant
from tests.support import db
from tests.support.bot_harness import RecordingConnector, TeamsClient, actions_titled, flow_of, offered
from tests.support.bot_world import OLIVIA, BotStarter, client_for
from tests.support.clicks import confirm_card_for, picker_for, teams_assignments


async def test_a_second_click_on_assign_is_answered_with_the_result_and_does_not_call_teams_again(
    megan: TeamsClient, connector: RecordingConnector, phone: SimulatedPhoneSystem, teams: SimulatedTenant
) -> None:
    confirm = await confirm_card_for(megan, connector)
    first = await megan.click(confirm, "Assign")
    second = await megan.click(confirm, "Assign")
    assert "+1 206 555 0100 is assigned to Adele Vance" in card_text(first)
    assert card_text(second) == card_text(first)
    assert teams_assignments(phone) == 1
    assert teams.operation_counter == 1


async def test_teams_retrying_the_same_invoke_does_not_assign_twice(
    megan: TeamsClient, connector: RecordingConnector, phone: SimulatedPhoneSystem, inventory: Store
) -> None:
    confirm = await confirm_card_for(megan, connector)
    invoke = megan.action(confirm, "Assign")
    seen = len(connector.sent)
    first = await megan.answer(invoke)
    retried = await megan.answer(invoke)  # the very same activity, as Teams posts it again after a timeout
    assert "Working in Teams..." in card_text(first)
    # The retry is answered with where the flow is: still working, or already done.
    assert "Working in Teams..." in card_text(retried) or "is assigned to Adele Vance" in card_text(retried)
    final = await connector.wait_for_update(invoke["replyToId"], after=seen)
    assert "is assigned to Adele Vance" in card_text(final)
    assert teams_assignments(phone) == 1
    assign_events = [e for e in await db.history(inventory, "+12065550100") if e.action == "assign"]
    assert len(assign_events) == 1


async def test_a_stale_copy_of_the_picker_is_answered_with_the_current_step_and_picks_nothing(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    picker = await picker_for(megan, connector, "adele")
    policy = await megan.click(picker, "Pick")  # +1 206 555 0100
    assert offered(picker)[1] == "+1 206 555 0101"
    status, body = await megan.execute("picker.pick", actions_titled(picker, "Pick")[1]["data"])
    assert status == 200
    assert card_text(body["value"]) == card_text(policy)  # still the policy step for the first number
    assert (await db.number(inventory, "+12065550100")).status is NumberStatus.RESERVED
    assert (await db.number(inventory, "+12065550101")).status is NumberStatus.AVAILABLE


async def test_committing_a_review_twice_commits_it_once(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    await megan.say("assign adele")
    review = connector.last_card()
    picker = await megan.click(review, "Commit")
    again = await megan.click(review, "Commit")
    assert offered(again) == offered(picker)
    assert await db.sync_statuses(inventory) == ["committed"]
    assert len([e for e in await db.history(inventory, "+12065550150") if e.action == "sync"]) == 1


async def test_two_concurrent_clicks_on_assign_make_exactly_one_teams_operation(
    megan: TeamsClient, connector: RecordingConnector, phone: SimulatedPhoneSystem, inventory: Store
) -> None:
    confirm = await confirm_card_for(megan, connector)
    seen = len(connector.sent)
    answers = await asyncio.gather(
        megan.answer(megan.action(confirm, "Assign")), megan.answer(megan.action(confirm, "Assign"))
    )
    assert any("Working in Teams..." in card_text(answer) for answer in answers)
    final = await connector.wait_for_update("1", after=seen)
    assert "is assigned to Adele Vance" in card_text(final)
    assert teams_assignments(phone) == 1
    number = await db.number(inventory, "+12065550100")
    assert number.status is NumberStatus.USED
    assert len([e for e in await db.history(inventory, "+12065550100") if e.action == "assign"]) == 1


async def test_two_concurrent_picks_of_different_numbers_leave_exactly_one_held(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    picker = await picker_for(megan, connector, "adele")
    picks = [megan.invoke("picker.pick", action["data"]) for action in actions_titled(picker, "Pick")[:2]]
    answers = await asyncio.gather(*(megan.answer(pick) for pick in picks))
    held = [n for n in ("+12065550100", "+12065550101") if (await db.number(inventory, n)).status.value == "reserved"]
    assert len(held) == 1, f"both clicks held a number: {held}"
    current = await db.flow(inventory, flow_of(picker))
    assert current.state["number"]["e164"] == held[0]
    assert all("Step 4 of 5" in card_text(answer) for answer in answers)


async def test_any_replica_continues_a_flow_started_on_another(
    start_bot: BotStarter,
    megan: TeamsClient,
    connector: RecordingConnector,
    inventory: Store,
    phone: SimulatedPhoneSystem,
) -> None:
    other = client_for(megan.member, megan.http, (await start_bot()).url, connector)
    await megan.say("assign adele")  # replica one
    picker = await other.click(connector.last_card(), "Commit")  # replica two
    policy = await megan.click(picker, "Pick")
    confirm = await other.click(policy, "Next", inputs={"policy": "US-Local"})
    done = await megan.click(confirm, "Assign")
    assert "is assigned to Adele Vance" in card_text(done)
    assert await other.click(confirm, "Assign") == done  # the other replica answers the repeat the same way
    assert teams_assignments(phone) == 1
    assert (await db.number(inventory, "+12065550100")).last_modified_by == megan.member.upn
    assert megan.member != OLIVIA
