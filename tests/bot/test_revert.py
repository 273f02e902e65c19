"""Reverting a change from `history` over the Bot Framework protocol: the confirm card says what Teams will
be asked to do, the revert goes through the journal like any assignment, and a number that moved on since
is refused."""

from __future__ import annotations

import json
from typing import Any

from cards.reading import card_text, execute_actions
from inventory.model import NumberStatus
from inventory.store.engine import Store
from inventory.store.tables import flows
from inventory.teams.simulation import SimulatedTenant
from tests.support.bot_harness import RecordingConnector, TeamsClient
from tests.support.bot_world import VICTOR
from tests.support.clicks import confirm_card_for


async def history_of(client: TeamsClient, connector: RecordingConnector, number: str) -> dict[str, Any]:
    await client.say(f"history {number}")
    return connector.last_card()


def reverts_on(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [action for action in execute_actions(card) if action.get("title") == "Revert"]


async def status_of(store: Store, number: str) -> NumberStatus:
    async with store.read() as uow:
        found = await uow.numbers.get("contoso", number)
    assert found is not None
    return found.status


async def test_reverting_an_assignment_removes_the_number_in_teams_and_returns_it_to_the_pool(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store, teams: SimulatedTenant
) -> None:
    done = await megan.click(await confirm_card_for(megan, connector), "Assign")
    assert "is assigned to Adele Vance" in card_text(done)

    confirm = await megan.click(await history_of(megan, connector, "+12065550100"), "Revert")
    text = card_text(confirm)
    assert "Revert a change" in text
    assert "used by Adele Vance with US-Local" in text  # now
    assert "After the revert\navailable" in text  # the picker's hold it was taken from does not come back
    assert "Teams will be asked to remove +1 206 555 0100 from Adele Vance." in text

    reverted = await megan.click(confirm, "Revert")
    assert "Reverted: +1 206 555 0100 is no longer held by Adele Vance" in card_text(reverted)
    sim = teams.number("+12065550100")
    assert sim is not None
    assert sim.assignment_target_id is None
    assert await status_of(inventory, "+12065550100") is NumberStatus.AVAILABLE


async def test_reverting_a_removal_gives_the_number_back_with_the_policy_it_had(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store, teams: SimulatedTenant
) -> None:
    await megan.click(await confirm_card_for(megan, connector), "Assign")
    await megan.say("remove +12065550100")
    await megan.click(connector.last_card(), "Remove")
    assert teams.numbers_of("obj-adele") == []

    confirm = await megan.click(await history_of(megan, connector, "+12065550100"), "Revert")
    assert "Teams will be asked to assign +1 206 555 0100 to Adele Vance again with the policy US-Local." in card_text(
        confirm
    )
    reverted = await megan.click(confirm, "Revert")
    assert "Reverted: +1 206 555 0100 is assigned to Adele Vance" in card_text(reverted)
    assert teams.numbers_of("obj-adele") == ["+12065550100"]
    adele = teams.account("obj-adele")
    assert adele is not None
    assert adele.voice_routing_policy == "US-Local"
    assert await status_of(inventory, "+12065550100") is NumberStatus.USED


async def test_a_change_the_number_has_moved_on_from_is_refused_and_nothing_changes(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store, teams: SimulatedTenant
) -> None:
    await megan.click(await confirm_card_for(megan, connector), "Assign")
    await megan.say("remove +12065550100")
    await megan.click(connector.last_card(), "Remove")
    history = await history_of(megan, connector, "+12065550100")
    oldest = reverts_on(history)[-1]  # the assignment, older than the removal
    status, body = await megan.execute(oldest["verb"], oldest["data"])
    assert status == 200
    assert "has changed since" in card_text(body["value"])
    assert "only its newest change can be reverted" in card_text(body["value"])
    assert teams.numbers_of("obj-adele") == []
    assert await status_of(inventory, "+12065550100") is NumberStatus.AVAILABLE


async def test_a_viewer_sees_no_revert_button_and_a_forged_click_is_refused(
    megan: TeamsClient, victor: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    await megan.click(await confirm_card_for(megan, connector), "Assign")
    operators_view = await history_of(megan, connector, "+12065550100")
    (revert,) = reverts_on(operators_view)
    viewers_view = await history_of(victor, connector, "+12065550100")
    assert reverts_on(viewers_view) == []

    status, body = await victor.execute(revert["verb"], revert["data"])  # megan's card, victor's click
    assert status == 200
    assert "belongs to another operator" in json.dumps(body["value"])
    async with inventory.read() as uow:  # victor's own history card has no button: forge one on it
        (own,) = (await uow.connection.execute(flows.select().where(flows.c.operator_id == VICTOR.aad_object_id))).all()
    forged = {"flow": own.id, "v": own.version, "event": revert["data"]["event"]}
    status, body = await victor.execute("history.revert", forged)
    assert status == 200
    assert "needs the operator role" in json.dumps(body["value"])
    assert await status_of(inventory, "+12065550100") is NumberStatus.USED


async def test_a_tampered_event_id_is_refused_without_touching_teams(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store, teams: SimulatedTenant
) -> None:
    await megan.click(await confirm_card_for(megan, connector), "Assign")
    (revert,) = reverts_on(await history_of(megan, connector, "+12065550100"))
    status, body = await megan.execute(revert["verb"], {**revert["data"], "event": 999_999})
    assert status == 200
    assert "not on this page of the history" in card_text(body["value"])
    assert teams.numbers_of("obj-adele") == ["+12065550100"]
