"""Getting a bot flow to a given card the way an operator would, and counting what Teams was asked."""

from __future__ import annotations

from typing import Any

from cards.reading import card_text
from inventory.teams.simulation import SimulatedPhoneSystem, SimulatedTenant
from tests.support.bot_harness import RecordingConnector, TeamsClient


async def review_for(client: TeamsClient, connector: RecordingConnector, command: str) -> dict[str, Any]:
    await client.say(command)
    return connector.last_card()


async def picker_for(client: TeamsClient, connector: RecordingConnector, who: str) -> dict[str, Any]:
    """Start assigning to `who` and get past the sync (committing it when there is a diff)."""
    card = await review_for(client, connector, f"assign {who}")
    if "Step 2 of 5" in card_text(card):
        card = await client.click(card, "Commit")
    assert "Step 3 of 5" in card_text(card), card_text(card)
    return card


ASSIGN_PATH = "admin/teams/telephoneNumberManagement/numberAssignments/assignNumber"


def teams_assignments(phone: SimulatedPhoneSystem) -> int:
    return phone.requests.count(("POST", ASSIGN_PATH))


async def confirm_card_for(client: TeamsClient, connector: RecordingConnector) -> dict[str, Any]:
    picker = await picker_for(client, connector, "adele")
    policy = await client.click(picker, "Pick")
    confirm = await client.click(policy, "Next", inputs={"policy": "US-Local"})
    assert "Step 5 of 5" in card_text(confirm)
    return confirm


async def chooser_for_alex(
    client: TeamsClient, connector: RecordingConnector, teams: SimulatedTenant
) -> dict[str, Any]:
    """Alex holds two numbers in Teams; after a committed sync, `remove alex` asks which one."""
    teams.assign_directly("+12065550120", "obj-alex")
    teams.assign_directly("+12065550121", "obj-alex")
    await client.say("sync")
    await client.click(connector.last_card(), "Commit")
    await client.say("remove alex")
    return connector.last_card()
