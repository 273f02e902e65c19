"""Bulk assignment, channel notifications, history and the admin commands, through the bot's endpoint."""

from __future__ import annotations

import copy
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.app import JOBS, SERVICES
from bot.flows import bulk_run
from cards.reading import card_text
from inventory.config import OperatorConfig, Role, Settings, TenantConfig
from inventory.e164 import parse_range
from inventory.flows import Flow
from inventory.model import Actor, NumberStatus
from inventory.number_query import NumberQuery
from inventory.ports.clock import SystemClock
from inventory.services.flow_steps import Move
from inventory.services.imports import import_range
from inventory.store.engine import Store
from inventory.store.tables import notifications
from inventory.teams.simulation import SimAccount, SimNumber, SimulatedTenant
from tests.support.bot_harness import Member, RecordingConnector, TeamsClient, flow_of, template
from tests.support.bot_world import BotStarter, RunningBot

ADMIN = Member("29:ada", "aaaaaaaa-0000-4000-8000-0000000000a1", "Ada Admin", "ada@contoso.test")
OPERATOR = Member("29:otto", "aaaaaaaa-0000-4000-8000-0000000000a2", "Otto Operator", "otto@contoso.test")
PEOPLE = [
    SimAccount(f"obj-user-{i:02d}", f"user{i:02d}@contoso.test", f"User {i:02d}", enterprise_voice=True)
    for i in range(1, 21)
]
CHANNEL = "19:voice-ops@thread.tacv2"


SETTINGS = Settings(
    tenants=(
        TenantConfig(
            name="contoso", display_name="Contoso", allowed_policies=("US-Local", "US-Intl"), default_policy="US-Local"
        ),
    ),
    operators=(
        OperatorConfig(ADMIN.aad_object_id, Role.ADMIN, ("*",)),
        OperatorConfig(OPERATOR.aad_object_id, Role.OPERATOR, ("contoso",)),
    ),
    insecure_development=True,
)


@pytest.fixture
def teams() -> SimulatedTenant:
    """Twenty people, none of them holding a number yet."""
    return SimulatedTenant(name="contoso", accounts=list(PEOPLE), policies={"US-Local": "pol-1", "US-Intl": "pol-2"})


@pytest.fixture
async def inventory(store: Store) -> Store:
    """Thirty Seattle numbers in pool Sales and ten in Chicago, none known to Teams yet."""
    setup = Actor("cli:setup", "setup")
    await import_range(
        store,
        "contoso",
        parse_range("+12065551000-+12065551029"),
        actor=setup,
        clock=SystemClock(),
        location="Seattle",
        carrier="Contoso Telecom",
        pool="Sales",
    )
    await import_range(
        store,
        "contoso",
        parse_range("+13125551000-+13125551009"),
        actor=setup,
        clock=SystemClock(),
        location="Chicago",
        carrier="Fabrikam Voice",
    )
    return store


@pytest.fixture
async def bot(start_bot: BotStarter) -> RunningBot:
    """Notes are posted every 50 ms here, so a test sees them arrive at once."""
    return await start_bot(settings=SETTINGS, inline_seconds=8.0, notify_interval=0.05)


@pytest.fixture
def connector(connector: RecordingConnector) -> RecordingConnector:
    connector.members.update({m.id: m for m in (ADMIN, OPERATOR)})
    return connector


@pytest.fixture
async def ada(bot_url: str, connector: RecordingConnector) -> AsyncIterator[TeamsClient]:
    async with aiohttp.ClientSession() as http:
        yield TeamsClient(http, bot_url, connector, ADMIN)


async def notify_here(ada: TeamsClient, connector: RecordingConnector) -> None:
    """The bot added to the voice-ops channel, and told to post its notes there."""
    await ada.post(channel_activity(ADMIN, connector, "conversationUpdate"))
    message = channel_activity(ADMIN, connector, "message")
    message["text"] = "<at>Switchboard</at> notify here"
    await ada.post(message)


async def used_and_available(store: Store) -> tuple[int, int]:
    async with store.read() as uow:
        used = await uow.numbers.count(NumberQuery("contoso", statuses=(NumberStatus.USED,)))
        available = await uow.numbers.count(NumberQuery("contoso", statuses=(NumberStatus.AVAILABLE,)))
    return used, available


async def plan_for_everyone(ada: TeamsClient, connector: RecordingConnector) -> dict[str, Any]:
    await ada.say("bulk assign")
    people = connector.last_card()
    found = await ada.click(people, "Find", inputs={"people_search": "user"})
    chosen = await ada.click(found, "Add", inputs={"people": ",".join(p.id for p in PEOPLE)})
    assert "20 of at most 50 chosen" in card_text(chosen)
    source = await ada.click(chosen, "Next")  # Teams knows nothing yet: nothing to review, straight on
    assert "where the 20 numbers come from" in card_text(source)
    plan = await ada.click(source, "Suggest numbers", inputs={"location": "Seattle"})
    assert "the plan for 20 people (page 1 of 2)" in card_text(plan)
    return plan


async def test_a_bulk_run_with_three_teams_failures_ends_with_seventeen_used_and_says_so(
    ada: TeamsClient, connector: RecordingConnector, store: Store, teams: SimulatedTenant
) -> None:
    plan = await plan_for_everyone(ada, connector)
    confirm = await ada.click(plan, "Review")
    assert "confirm 20 assignments" in card_text(confirm)
    teams.faults.fail_next_operations(count=3, detail="The user is not licensed for Teams Phone.")
    seen = len(connector.sent)
    working = await ada.click(confirm, "Assign all", reply_to="bulk-card", settle=False)
    assert "Working in Teams..." in card_text(working)  # at once, before any person is done
    results = await connector.wait_for_update("bulk-card", after=seen, within_seconds=30)
    text = card_text(results)
    assert "17 assigned, 3 failed" in text
    assert text.count("The user is not licensed for Teams Phone.") == 3
    assert await used_and_available(store) == (17, 20)  # 30 + 10 numbers in all; Teams refused 3 of them
    async with store.read() as uow:
        blocked = await uow.numbers.search(NumberQuery("contoso", statuses=(NumberStatus.BLOCKED,)), limit=10)
    assert [n.notes for n in blocked.items] == ["Teams refused it: The user is not licensed for Teams Phone."] * 3
    operations = len(teams.operations)
    again = await ada.click(confirm, "Assign all")  # the same confirmation card, clicked again
    assert "17 assigned, 3 failed" in card_text(again)
    assert len(teams.operations) == operations


async def test_a_bulk_row_whose_policy_grant_failed_reads_assigned_with_the_policy_pending(
    ada: TeamsClient, connector: RecordingConnector, store: Store, teams: SimulatedTenant
) -> None:
    plan = await plan_for_everyone(ada, connector)
    confirm = await ada.click(plan, "Review")
    teams.faults.fail_policy_grants(count=None)  # every grant fails: all 20 numbers move, no policy lands
    results = card_text(await ada.click(confirm, "Assign all"))
    assert "20 assigned, 0 failed" in results
    assert "policy US-Local pending: Switchboard retries the grant" in results
    assert await used_and_available(store) == (20, 20)


async def final_card(ada: TeamsClient, connector: RecordingConnector, confirm: dict[str, Any], says: str) -> Any:
    """The results of Assign all: the answer itself, or (on a busy machine) the card that replaces the
    progress card it answered with."""
    answer = await ada.click(confirm, "Assign all")
    if says in card_text(answer):
        return answer
    return await connector.wait_for_card(lambda card: says in card_text(card))


async def test_retry_failed_plans_other_numbers_and_refused_ones_come_back_only_when_returned(
    ada: TeamsClient, connector: RecordingConnector, store: Store, teams: SimulatedTenant
) -> None:
    plan = await plan_for_everyone(ada, connector)
    confirm = await ada.click(plan, "Review")
    teams.faults.fail_next_operations(count=3, detail="The number is not provisioned for this country.")
    results = await final_card(ada, connector, confirm, "17 assigned, 3 failed")
    assert "Teams refused 3 numbers" in card_text(results)
    await ada.say("numbers")
    listed = await ada.click(connector.last_card(), "Search", inputs={"status": "blocked"})
    assert card_text(listed).count("Teams refused it: The number is not provisioned for this country.") == 3
    retry = await ada.click(results, "Retry failed")
    text = card_text(retry)
    assert "the plan for 3 people" in text
    assert all(f"+1 206 555 10{i:02d}" not in text for i in range(20))  # neither used nor refused ones
    await final_card(ada, connector, await ada.click(retry, "Review"), "3 assigned, 0 failed")
    assert await used_and_available(store) == (20, 17)
    async with store.read() as uow:
        refused = await uow.numbers.search(NumberQuery("contoso", statuses=(NumberStatus.BLOCKED,)), limit=10)
    returned = await ada.click(results, "Return refused numbers to the pool")
    assert "3 numbers are back in the pool." in card_text(returned)
    assert await used_and_available(store) == (20, 20)
    await ada.say(f"history {refused.items[0].number}")  # which three Teams refused depends on timing
    assert " - unblock - " in card_text(connector.last_card())


async def test_each_person_gets_a_distinct_number_and_changing_one_never_offers_anothers(
    ada: TeamsClient, connector: RecordingConnector, store: Store
) -> None:
    plan = await plan_for_everyone(ada, connector)
    text = card_text(plan)
    assert text.count("+1 206 555 10") == 10  # page 1: ten people, ten different Seattle numbers
    picker = await ada.click(plan, "Change")
    offered = card_text(picker)
    for index in range(20):
        assert f"+1 206 555 10{index:02d}" not in offered  # all twenty are held for this batch
    assert "+1 206 555 1020" in offered
    back_to_plan = await ada.click(picker, "Pick")
    assert "+1 206 555 1020" in card_text(back_to_plan)
    async with store.read() as uow:
        released = await uow.numbers.get("contoso", "+12065551000")
    assert released is not None
    assert released.status is NumberStatus.AVAILABLE


async def test_cancelling_a_bulk_plan_frees_every_held_number(
    ada: TeamsClient, connector: RecordingConnector, store: Store
) -> None:
    plan = await plan_for_everyone(ada, connector)
    assert await used_and_available(store) == (0, 20)
    cancelled = await ada.click(plan, "Cancel")
    assert "Cancelled" in card_text(cancelled)
    assert await used_and_available(store) == (0, 40)


def channel_activity(member: Member, connector: RecordingConnector, kind: str) -> dict[str, Any]:
    activity = copy.deepcopy(
        template("channel_conversation_update" if kind == "conversationUpdate" else "channel_message_mention")
    )
    activity.update(id=str(uuid.uuid4()), serviceUrl=connector.url)
    activity["from"] = {"id": member.id, "name": member.name, "aadObjectId": member.aad_object_id}
    activity["conversation"]["id"] = CHANNEL if kind == "conversationUpdate" else f"{CHANNEL};messageid=77"
    activity["channelData"]["channel"] = {"id": CHANNEL, "name": "Voice Ops"}
    return activity


async def test_notifications_reach_the_channel_chosen_with_notify_here(
    ada: TeamsClient, connector: RecordingConnector, bot_url: str
) -> None:
    status, _ = await ada.post(channel_activity(ADMIN, connector, "conversationUpdate"))
    assert status in (200, 201)
    message = channel_activity(ADMIN, connector, "message")
    message["text"] = "<at>Switchboard</at> notify here"
    await ada.post(message)
    assert "hears about changes in contoso" in card_text(connector.last_card())
    await ada.say("assign user 01")
    picker = connector.last_card()
    policy = await ada.click(picker, "Pick")
    confirm = await ada.click(policy, "Next", inputs={"policy": "US-Intl"})
    seen = len(connector.sent)
    done = await ada.click(confirm, "Assign")
    assert "is assigned to User 01" in card_text(done)
    # The note may reach the channel before or after the result replaces the card: wait for it either way.
    sent = await connector.wait_for(seen + 2)
    note = [s for s in sent[seen:] if s.conversation_id == CHANNEL and s.card and "Assigned" in card_text(s.card)]
    assert note, "the assignment was not posted to the channel"
    assert "ada@contoso.test" in card_text(note[-1].card or {})
    assert "US-Intl" in card_text(note[-1].card or {})


async def test_a_failed_post_is_retried_and_never_fails_the_operators_action(
    ada: TeamsClient, connector: RecordingConnector
) -> None:
    await notify_here(ada, connector)
    connector.fail_posts_to[CHANNEL] = 2
    await ada.say("assign user 03 +12065551007 US-Local")
    done = await ada.click(connector.last_card(), "Assign")
    assert "is assigned to User 03" in card_text(done)
    while not any(s.conversation_id == CHANNEL and "Assigned" in card_text(s.card or {}) for s in connector.sent):
        await connector.wait_for(len(connector.sent) + 1)
    assert connector.refused == 2


async def test_history_shows_an_assign_then_a_remove_newest_first(
    ada: TeamsClient, connector: RecordingConnector
) -> None:
    await ada.say("assign user 02 +12065551005 US-Local")
    done = await ada.click(connector.last_card(), "Assign")
    assert "is assigned to User 02" in card_text(done)
    await ada.say("remove +12065551005")
    removed = await ada.click(connector.last_card(), "Remove")
    assert "was removed" in card_text(removed)
    await ada.say("history +12065551005")
    text = card_text(connector.last_card())
    assert text.index("unassign") < text.index("- assign -")
    assert "holder: User 02 -> -" in text
    await ada.say("history user02@contoso.test")
    assert "+1 206 555 1005" in card_text(connector.last_card())


async def test_a_non_admin_cannot_delete_the_inventory(
    bot_url: str, connector: RecordingConnector, store: Store
) -> None:
    async with aiohttp.ClientSession() as http:
        otto = TeamsClient(http, bot_url, connector, OPERATOR)
        await otto.say("delete inventory")
    assert "needs the admin role" in card_text(connector.last_card())
    assert await used_and_available(store) == (0, 40)


async def test_an_admin_deletes_the_inventory_only_after_typing_the_tenant(
    ada: TeamsClient, connector: RecordingConnector, store: Store
) -> None:
    await ada.say("delete inventory")
    card = connector.last_card()
    assert "all 40 numbers of contoso" in card_text(card)
    wrong = await ada.click(card, "Delete", inputs={"confirm": "fabrikam"})
    assert "nothing was deleted" in card_text(wrong)
    assert await used_and_available(store) == (0, 40)
    gone = await ada.click(wrong, "Delete", inputs={"confirm": "contoso"})
    assert "Deleted 40 numbers" in card_text(gone)
    assert await used_and_available(store) == (0, 0)
    await ada.say("history +12065551000")
    assert "delete" in card_text(connector.last_card())


async def test_import_range_from_the_chat_follows_the_cli_rules(
    ada: TeamsClient, connector: RecordingConnector
) -> None:
    await ada.say('import range +12065553000-+12065553009 location=Dublin carrier="Contoso Telecom" pool=Ops')
    text = card_text(connector.last_card())
    assert "Added" in text
    assert "10" in text
    await ada.say("import range +12065553000-+442071838750")
    assert "different countries" in card_text(connector.last_card())
    await ada.say("import range +12065553000-+12065553009 colour=blue")
    assert "unknown: colour" in card_text(connector.last_card())


async def test_numbers_teams_reports_failed_are_posted_to_the_channel_with_the_next_step(
    ada: TeamsClient, connector: RecordingConnector, teams: SimulatedTenant
) -> None:
    await notify_here(ada, connector)
    teams.add_number(SimNumber("+12065551999", "callingPlan", activation_state="assignmentFailed"))

    await ada.say("sync")
    await ada.click(connector.last_card(), "Commit")

    def failures_note() -> list[str]:
        return [
            card_text(s.card)
            for s in connector.sent
            if s.conversation_id == CHANNEL and s.card and "failed" in card_text(s.card)
        ]

    while not failures_note():
        await connector.wait_for(len(connector.sent) + 1)
    (note,) = failures_note()
    assert "Teams reports 1 number failed" in note
    assert "assignment failed in Teams" in note
    assert "Teams admin center" in note


async def crash_state(bot: RunningBot, confirm: dict[str, Any], connector: RecordingConnector) -> Flow:
    """The flow as a bulk run leaves it when its process dies with nobody renewing its lease: five people
    assigned, the last five numbers already freed by the expiry job, and its card in the conversation."""
    services = bot.app[SERVICES]
    flow = await services.flows.reload(flow_of(confirm))
    assert flow is not None
    assert flow.step == "confirm"
    rows = flow.state["rows"]
    runner = Actor(ADMIN.aad_object_id, ADMIN.upn)
    for row in rows[:5]:
        request = bulk_run._request(flow, row, services.context.tenant(flow.tenant))
        result = await services.assignments.assign(request, runner)
        assert result.succeeded
    expired = [(row["number"]["e164"], "") for row in rows[15:]]
    flow = await services.holds.give_back_for_flow(
        flow, expired, actor=runner, correlation_id="expiry", then=Move("confirm")
    )
    reference = {"serviceUrl": connector.url, "channelId": "msteams", "conversation": {"id": "a:personal-chat"}}
    past = (services.context.clock.now() - timedelta(seconds=1)).isoformat()
    return await services.flows.advance(
        flow,
        "running",
        runner={"id": runner.id, "name": runner.name},
        card={"reference": reference, "activity_id": "bulk-card-1"},
        lease_until=past,
    )


async def resumed_to_results(bot: RunningBot, connector: RecordingConnector, flow: Flow) -> str:
    """Let the resume job take the run over; it ends at its results: the text its card was redrawn with."""
    seen = len(connector.sent)
    assert await bot.app[JOBS].resume_interrupted() == 1
    ended = await bot.app[SERVICES].flows.reload(flow.id)
    assert ended is not None
    assert ended.step == "results"
    redrawn = [s for s in connector.sent[seen:] if s.method == "PUT" and s.activity_id == "bulk-card-1"]
    assert redrawn, "the card was not redrawn"
    return card_text(redrawn[-1].card or {})


async def test_a_bulk_run_left_behind_by_a_restart_finishes_by_itself_and_redraws_its_card(
    ada: TeamsClient, bot: RunningBot, connector: RecordingConnector, store: Store
) -> None:
    await notify_here(ada, connector)
    plan = await plan_for_everyone(ada, connector)
    confirm = await ada.click(plan, "Review")
    final = await resumed_to_results(bot, connector, await crash_state(bot, confirm, connector))
    assert "15 assigned, 5 failed" in final
    assert final.count("Not attempted: the bot restarted") == 5
    assert await used_and_available(store) == (15, 25)  # 30 + 10; the five never attempted are free again
    async with store.read() as uow:
        assert await uow.journal.pending(created_before=datetime.now(UTC) + timedelta(days=1)) == []
    note = await connector.wait_for_card(lambda card: "Bulk assignment finished" in card_text(card))
    assert "User 01: +1 206 555 1000" in card_text(note)
    assert await bot.app[JOBS].resume_interrupted() == 0  # final: nothing left to take over


async def died_finishing(bot: RunningBot, confirm: dict[str, Any], connector: RecordingConnector, **state: Any) -> Flow:
    """The flow as a process leaves it that died after the run's last outcome, before its wrap-up: five
    assigned, fifteen never attempted, at finishing with its lease passed."""
    flow = await crash_state(bot, confirm, connector)
    errors = {str(index): "Not attempted: the bot restarted." for index in range(5, 20)}
    return await bot.app[SERVICES].flows.advance(flow, "finishing", errors=errors, **state)


async def bulk_notes(store: Store) -> int:
    async with store.read() as uow:
        query = select(func.count()).select_from(notifications).where(notifications.c.kind == "bulk")
        return int((await uow.connection.execute(query)).scalar_one())


async def test_a_run_that_died_before_its_wrap_up_tells_the_channel_and_redraws_its_card_by_itself(
    ada: TeamsClient, bot: RunningBot, connector: RecordingConnector, store: Store
) -> None:
    await notify_here(ada, connector)
    confirm = await ada.click(await plan_for_everyone(ada, connector), "Review")
    flow = await died_finishing(bot, confirm, connector)
    assert "5 assigned, 15 failed" in await resumed_to_results(bot, connector, flow)
    assert await bulk_notes(store) == 1
    note = await connector.wait_for_card(lambda card: "Bulk assignment finished" in card_text(card))
    assert "User 01: +1 206 555 1000" in card_text(note)
    assert await bot.app[JOBS].resume_interrupted() == 0


async def test_a_run_that_died_after_telling_the_channel_only_redraws_its_card(
    ada: TeamsClient, bot: RunningBot, connector: RecordingConnector, store: Store
) -> None:
    confirm = await ada.click(await plan_for_everyone(ada, connector), "Review")
    flow = await died_finishing(bot, confirm, connector, told=True)
    assert "5 assigned, 15 failed" in await resumed_to_results(bot, connector, flow)
    assert await bulk_notes(store) == 0  # the note went out before the process died


async def test_a_run_whose_runner_still_renews_its_lease_is_left_alone(
    ada: TeamsClient, bot: RunningBot, connector: RecordingConnector
) -> None:
    plan = await plan_for_everyone(ada, connector)
    confirm = await ada.click(plan, "Review")
    flow = await crash_state(bot, confirm, connector)
    services = bot.app[SERVICES]
    future = (services.context.clock.now() + timedelta(minutes=1)).isoformat()
    await services.flows.advance(flow, "running", lease_until=future)
    assert await bot.app[JOBS].resume_interrupted() == 0


async def test_a_bulk_run_that_takes_a_pool_under_its_threshold_alerts_the_channel_once_when_it_ends(
    ada: TeamsClient, connector: RecordingConnector, store: Store
) -> None:
    await notify_here(ada, connector)
    await ada.say("capacity Sales 25")  # 30 free of 30
    assert "Pool Sales alerts when it has fewer than 25 free." in card_text(connector.last_card())
    plan = await plan_for_everyone(ada, connector)
    confirm = await ada.click(plan, "Review")
    seen = len(connector.sent)
    await ada.click(confirm, "Assign all", reply_to="bulk-card", settle=False)
    results = await connector.wait_for_update("bulk-card", after=seen, within_seconds=30)  # a busy machine
    assert "20 assigned, 0 failed" in card_text(results)
    # No job runs in this bot: the run's end checked the pool, once for its 20 numbers.
    alert = await connector.wait_for_card(
        lambda card: "Pool Sales is running low" in card_text(card), within_seconds=30
    )
    assert "Free\n10 of 30" in card_text(alert)
    in_channel = [s for s in connector.sent if s.conversation_id == CHANNEL and s.card]
    assert sum("Pool Sales is running low" in card_text(s.card or {}) for s in in_channel) == 1
