"""A single assignment whose bot died while Teams was asked: the resume job ends it by itself, from what
the journal says, and redraws its card in the conversation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.app import JOBS, SERVICES
from bot.flows.view_models import account_from_state, assignee_of
from cards.reading import card_text
from inventory.flows import Flow
from inventory.model import Actor, NumberStatus
from inventory.services.assignment import AssignRequest
from inventory.services.holds import flow_hold_owner
from inventory.store.engine import Store
from inventory.teams.simulation import SimulatedTenant
from tests.support.bot_harness import RecordingConnector, TeamsClient, flow_of
from tests.support.bot_world import RunningBot
from tests.support.clicks import picker_for

CARD = "assign-card-7"


async def left_assigning(bot: RunningBot, megan: TeamsClient, connector: RecordingConnector) -> Flow:
    """The assign flow as a dead process leaves it: at "assigning", its lease passed, its card known."""
    picker = await picker_for(megan, connector, "adele")
    policy = await megan.click(picker, "Pick")
    confirm = await megan.click(policy, "Next", inputs={"policy": "US-Local"})
    services = bot.app[SERVICES]
    flow = await services.flows.reload(flow_of(confirm))
    assert flow is not None
    reference = {"serviceUrl": connector.url, "channelId": "msteams", "conversation": {"id": "a:megan"}}
    past = (services.context.clock.now() - timedelta(seconds=1)).isoformat()
    return await services.flows.advance(
        flow,
        "assigning",
        runner={"id": megan.member.aad_object_id, "name": megan.member.upn},
        card={"reference": reference, "activity_id": CARD},
        lease_until=past,
    )


def redrawn(connector: RecordingConnector) -> str:
    cards = [s.card for s in connector.sent if s.method == "PUT" and s.activity_id == CARD and s.card]
    assert cards, "the card was not redrawn"
    return card_text(cards[-1])


async def resumed_step(bot: RunningBot, flow: Flow) -> str:
    """Let the resume job take the assignment over: the step it ends at."""
    assert await bot.app[JOBS].resume_interrupted() == 1
    ended = await bot.app[SERVICES].flows.reload(flow.id)
    assert ended is not None
    return ended.step


async def number_of(store: Store, flow: Flow) -> Any:
    async with store.read() as uow:
        return await uow.numbers.get("contoso", flow.state["number"]["e164"])


async def test_an_assignment_that_never_reached_teams_fails_as_not_attempted_and_frees_its_number(
    bot: RunningBot, megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    flow = await left_assigning(bot, megan, connector)
    assert await resumed_step(bot, flow) == "failed"
    assert "Not attempted: the bot restarted" in redrawn(connector)
    assert (await number_of(inventory, flow)).status is NumberStatus.AVAILABLE
    assert await bot.app[JOBS].resume_interrupted() == 0


async def assigned_in_teams_before_the_restart(bot: RunningBot, megan: TeamsClient, flow: Flow) -> None:
    """What the dead runner had done: Teams assigned the number, the journal says so."""
    services = bot.app[SERVICES]
    number = flow.state["number"]
    request = AssignRequest(
        tenant="contoso",
        number=number["e164"],
        extension=number["ext"],
        account=assignee_of(account_from_state(flow.state["account"])),
        policy=flow.state.get("policy"),
        hold_owner=flow_hold_owner(flow.id),
        flow_id=flow.id,
    )
    assert (await services.assignments.assign(request, Actor(megan.member.aad_object_id, "megan"))).succeeded


async def test_an_assignment_teams_finished_before_the_restart_ends_done_and_the_channel_hears_of_it(
    bot: RunningBot, voice_ops: TeamsClient, megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    flow = await left_assigning(bot, megan, connector)
    await assigned_in_teams_before_the_restart(bot, megan, flow)
    assert await resumed_step(bot, flow) == "done"
    assert "is assigned to" in redrawn(connector)
    assert (await number_of(inventory, flow)).status is NumberStatus.USED
    note = await connector.wait_for_card(lambda card: "Assigned " in card_text(card))
    assert megan.member.upn in card_text(note)  # who the run acted for


async def test_an_assignment_whose_policy_grant_teams_refused_ends_done_with_the_policy_pending(
    bot: RunningBot, megan: TeamsClient, connector: RecordingConnector, inventory: Store, teams: SimulatedTenant
) -> None:
    flow = await left_assigning(bot, megan, connector)
    teams.faults.fail_policy_grants(count=1)
    await assigned_in_teams_before_the_restart(bot, megan, flow)
    assert await resumed_step(bot, flow) == "done"
    assert "pending" in redrawn(connector)
    assert (await number_of(inventory, flow)).status is NumberStatus.USED
