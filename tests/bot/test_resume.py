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


async def number_of(store: Store, flow: Flow) -> Any:
    async with store.read() as uow:
        return await uow.numbers.get("contoso", flow.state["number"]["e164"])


async def test_an_assignment_that_never_reached_teams_fails_as_not_attempted_and_frees_its_number(
    bot: RunningBot, megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    flow = await left_assigning(bot, megan, connector)
    assert await bot.app[JOBS].resume_interrupted() == 1
    ended = await bot.app[SERVICES].flows.reload(flow.id)
    assert ended is not None
    assert ended.step == "failed"
    assert "Not attempted: the bot restarted" in redrawn(connector)
    assert (await number_of(inventory, flow)).status is NumberStatus.AVAILABLE
    assert await bot.app[JOBS].resume_interrupted() == 0


async def test_an_assignment_teams_finished_before_the_restart_ends_done(
    bot: RunningBot, megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    flow = await left_assigning(bot, megan, connector)
    services = bot.app[SERVICES]
    number = flow.state["number"]
    request = AssignRequest(
        tenant="contoso",
        number=number["e164"],
        extension=number["ext"],
        account=assignee_of(account_from_state(flow.state["account"])),
        policy=None,
        hold_owner=flow_hold_owner(flow.id),
        flow_id=flow.id,
    )
    assert (await services.assignments.assign(request, Actor(megan.member.aad_object_id, "megan"))).succeeded
    assert await bot.app[JOBS].resume_interrupted() == 1
    ended = await services.flows.reload(flow.id)
    assert ended is not None
    assert ended.step == "done"
    assert "is assigned to" in redrawn(connector)
    assert (await number_of(inventory, flow)).status is NumberStatus.USED
