"""Re-assigning someone who already holds a number, through the bot's HTTP endpoint: the picker and the confirm
card say which number the new one replaces, the operator confirms the replacement, and once Teams has swapped
the numbers the inventory holds one number for that person and the old one is back in the pool."""

from __future__ import annotations

from cards.reading import card_text
from inventory.model import NumberStatus
from inventory.store.engine import Store
from inventory.teams.simulation import SimulatedTenant
from tests.support import db
from tests.support.bot_harness import RecordingConnector, TeamsClient, action_titles
from tests.support.clicks import picker_for

FIRST, SECOND = "+12065550100", "+12065550101"


async def assign_adele(megan: TeamsClient, connector: RecordingConnector) -> dict[str, object]:
    picker = await picker_for(megan, connector, "adele")
    policy = await megan.click(picker, "Pick")
    return await megan.click(policy, "Next", inputs={"policy": "US-Local"})


async def test_re_assigning_adele_says_what_it_replaces_and_releases_her_old_number_once_teams_swapped_it(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store, teams: SimulatedTenant
) -> None:
    first_confirm = await assign_adele(megan, connector)
    assert "Replaces" not in card_text(first_confirm)
    await megan.click(first_confirm, "Assign")

    picker = await picker_for(megan, connector, "adele")
    assert "for Adele Vance (replaces +1 206 555 0100)" in card_text(picker)
    policy = await megan.click(picker, "Pick")
    confirm = await megan.click(policy, "Next", inputs={"policy": "US-Local"})
    assert "Replaces" in card_text(confirm)
    assert "Adele Vance already holds +1 206 555 0100" in card_text(confirm)
    assert "Replace and assign" in action_titles(confirm)
    done = await megan.click(confirm, "Replace and assign")

    assert "+1 206 555 0101 is assigned to Adele Vance" in card_text(done)
    assert "Replaced" in card_text(done)
    old, new = await db.number(inventory, FIRST), await db.number(inventory, SECOND)
    assert (old.status, old.assignee) == (NumberStatus.AVAILABLE, None)
    assert new.status is NumberStatus.USED
    teams_old = teams.number(FIRST)
    assert teams_old is not None
    assert teams_old.assignment_target_id is None
