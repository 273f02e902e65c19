"""The number picker through the bot's HTTP endpoint: sync first, commit, only available numbers, assign."""

from __future__ import annotations

from cards.reading import card_text
from inventory.model import NumberStatus
from inventory.store.engine import Store
from inventory.teams.simulation import SimulatedTenant
from tests.support.bot_harness import RecordingConnector, TeamsClient


async def test_assign_walks_sync_commit_pick_policy_confirm_and_records_the_operator(
    olivia: TeamsClient, connector: RecordingConnector, inventory: Store, teams: SimulatedTenant
) -> None:
    await olivia.say("tenant contoso")
    assert "You now work on Contoso" in card_text(connector.last_card())
    status, _ = await olivia.say("assign adele")
    assert status in (200, 201)
    review = connector.last_card()
    text = card_text(review)
    assert "To add" in text
    assert "Commit" in text
    picker = await olivia.click(review, "Commit")
    text = card_text(picker)
    assert "Step 3 of 5" in text
    assert "+1 206 555 0150" not in text  # used by Bob: never offered
    policy = await olivia.click(picker, "Pick")
    assert "Step 4 of 5" in card_text(policy)
    confirm = await olivia.click(policy, "Next", inputs={"policy": "US-Unrestricted"})
    assert "Step 5 of 5" in card_text(confirm)
    done = await olivia.click(confirm, "Assign")
    assert "is assigned to Adele Vance" in card_text(done)
    async with inventory.read() as uow:
        number = await uow.numbers.get("contoso", "+12065550100")
    assert number is not None
    assert number.status is NumberStatus.USED
    assert number.assignee is not None
    assert number.assignee.upn == "adele@contoso.test"
    assert number.voice_routing_policy == "US-Unrestricted"
    assert number.last_modified_by == "olivia@contoso.test"
    sim = teams.number("+12065550100")
    assert sim is not None
    assert sim.assignment_target_id == "obj-adele"
