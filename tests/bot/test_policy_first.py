"""Policy first: a voice routing policy Teams does not know is refused on the policy step, with the
policies Teams does know, before any number moves; the confirm step cannot slip one past either."""

from __future__ import annotations

import pytest

from bot.app import SERVICES
from cards.reading import card_text
from inventory.model import Actor, Assignee, NumberStatus
from inventory.services.assignment import AssignRequest
from inventory.services.policy_check import PolicyUnknown
from inventory.store.engine import Store
from inventory.teams.simulation import SimulatedPhoneSystem, SimulatedTenant
from tests.support import db
from tests.support.bot_harness import RecordingConnector, TeamsClient
from tests.support.bot_world import RunningBot
from tests.support.clicks import picker_for, teams_assignments

POLICY_LOOKUP = "admin/teams/policy/getPolicyId"


async def test_a_policy_teams_no_longer_has_is_refused_on_the_policy_step_with_the_ones_it_has(
    megan: TeamsClient,
    connector: RecordingConnector,
    inventory: Store,
    teams: SimulatedTenant,
    phone: SimulatedPhoneSystem,
) -> None:
    teams.policies.pop("US-Local")  # retired in Teams, still in the tenant's allowed_policies
    picker = await picker_for(megan, connector, "adele")
    policy = await megan.click(picker, "Pick")
    before = await db.snapshot(inventory)

    refused = await megan.click(policy, "Next", inputs={"policy": "US-Local"})

    text = card_text(refused)
    assert "'US-Local' is not a voice routing policy of contoso: choose US-Unrestricted." in text
    assert "Nothing was changed in Teams" in text
    assert "Step 4 of 5" in text  # still the policy step, to choose again
    assert teams_assignments(phone) == 0
    after = await db.snapshot(inventory)
    assert (after.numbers, after.teams_operations) == (before.numbers, before.teams_operations)

    confirm = await megan.click(refused, "Next", inputs={"policy": "US-Unrestricted"})
    done = await megan.click(confirm, "Assign")
    assert "is assigned to Adele Vance" in card_text(done)


async def test_the_service_refuses_an_unknown_policy_before_teams_is_asked_to_assign(
    bot: RunningBot, inventory: Store, teams: SimulatedTenant, phone: SimulatedPhoneSystem
) -> None:
    services = bot.app[SERVICES]
    adele = Assignee("obj-adele", "adele@contoso.test", "Adele Vance")
    request = AssignRequest("contoso", "+12065550100", adele, policy="Bogus-Policy")

    with pytest.raises(PolicyUnknown, match="choose US-Unrestricted, US-Local"):
        await services.assignments.assign(request, Actor("obj-megan", "megan@contoso.test"))

    assert teams_assignments(phone) == 0
    assert (await db.number(inventory, "+12065550100")).status is NumberStatus.AVAILABLE
    assert (await db.snapshot(inventory)).teams_operations == 0


async def test_one_policy_for_many_assignments_is_looked_up_in_teams_once(
    bot: RunningBot, inventory: Store, phone: SimulatedPhoneSystem
) -> None:
    check = bot.app[SERVICES].assignments.policies
    for _ in range(5):
        await check.require("contoso", "US-Unrestricted")
    assert phone.requests.count(("GET", POLICY_LOOKUP)) == 1
