"""A click that asks Teams to change something is answered at once with "Working in Teams...", and the
outcome replaces that very card when Teams is done (however quickly Teams answers)."""

from __future__ import annotations

from cards.reading import card_text
from inventory.model import NumberStatus
from inventory.store.engine import Store
from tests.support import db
from tests.support.bot_harness import RecordingConnector, TeamsClient


async def confirm_card(client: TeamsClient, connector: RecordingConnector) -> dict[str, object]:
    await client.say("assign adele")
    picker = await client.click(connector.last_card(), "Commit")
    policy = await client.click(picker, "Pick")
    return await client.click(policy, "Next", inputs={"policy": "US-Local"})


async def test_assign_answers_the_click_with_working_in_teams_and_the_outcome_replaces_that_card(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    confirm = await confirm_card(megan, connector)
    seen = len(connector.sent)
    answer = await megan.click(confirm, "Assign", reply_to="card-7", settle=False)
    assert "Working in Teams..." in card_text(answer)
    assert "Assigning +1 206 555 0100 to Adele Vance in Teams..." in card_text(answer)
    final = await connector.wait_for_update("card-7", after=seen)
    assert "+1 206 555 0100 is assigned to Adele Vance" in card_text(final)
    updates = [s for s in connector.sent[seen:] if s.method == "PUT"]
    assert [u.activity_id for u in updates] == ["card-7"]  # the clicked card, replaced once
    assert (await db.number(inventory, "+12065550100")).status is NumberStatus.USED


async def test_remove_answers_the_click_with_working_in_teams_and_the_outcome_replaces_that_card(
    megan: TeamsClient, connector: RecordingConnector
) -> None:
    await megan.say("sync")
    await megan.click(connector.last_card(), "Commit")
    await megan.say("remove +12065550150")
    seen = len(connector.sent)
    answer = await megan.click(connector.last_card(), "Remove", reply_to="card-8", settle=False)
    assert "Working in Teams..." in card_text(answer)
    final = await connector.wait_for_update("card-8", after=seen)
    assert "was removed from Bob Kelly" in card_text(final)
