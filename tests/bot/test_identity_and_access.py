"""Who may do what: the operator is `from.aadObjectId` plus the Teams member lookup, never card data;
unknown people are refused politely; viewers only look; tenant rights and flow ownership are enforced;
with an app id set, only authenticated requests get in. Rules, not storage: SQLite only."""

from __future__ import annotations

import pytest

from cards.reading import card_text
from inventory.store.engine import Store
from inventory.teams.simulation import SimulatedPhoneSystem
from tests.support import db
from tests.support.bot_harness import RecordingConnector, TeamsClient, flow_of, offered
from tests.support.bot_world import MEGAN, BotStarter, bot_settings
from tests.support.clicks import confirm_card_for, picker_for, teams_assignments


@pytest.fixture
def store(sqlite_store: Store) -> Store:
    return sqlite_store


FORGED = {"operator": "olivia@contoso.test", "upn": "olivia@contoso.test", "aadObjectId": "forged", "actor": "x"}


async def test_the_audit_names_the_operator_from_the_teams_member_lookup_not_from_card_data(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    picker = await picker_for(megan, connector, "adele")
    policy = await megan.click(picker, "Pick", inputs=FORGED)
    confirm = await megan.click(policy, "Next", inputs={"policy": "US-Local", **FORGED})
    await megan.click(confirm, "Assign", inputs=FORGED)
    number = await db.number(inventory, "+12065550100")
    assert number.last_modified_by == MEGAN.upn
    events = await db.history(inventory, "+12065550100")
    assert {(e.operator_id, e.operator_name) for e in events if e.action in ("hold", "assign")} == {
        (MEGAN.aad_object_id, MEGAN.upn)
    }


async def test_someone_not_on_the_list_of_operators_is_refused_politely(
    stranger: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    before = await db.snapshot(inventory)
    await stranger.say("assign adele")
    text = card_text(connector.last_card())
    assert "Sorry, you are not on Switchboard's list of operators" in text
    assert stranger.member.aad_object_id in text  # what the admin needs to add them
    status, body = await stranger.execute("command", {"command": "numbers", "verb": "command"})
    assert status == 200
    assert "not on Switchboard's list" in card_text(body["value"])
    assert await db.snapshot(inventory) == before


async def test_a_message_without_an_entra_identity_is_refused(
    megan: TeamsClient, connector: RecordingConnector
) -> None:
    activity = megan._activity("message")
    activity["text"] = "numbers"
    del activity["from"]["aadObjectId"]
    status, _ = await megan.post(activity)
    assert status in (200, 201)
    assert "I can only work with people signed in to Microsoft Teams" in card_text(connector.last_card())


async def test_a_viewer_may_browse_numbers_but_not_assign_sync_or_remove(
    victor: TeamsClient, connector: RecordingConnector, inventory: Store, phone: SimulatedPhoneSystem
) -> None:
    before = await db.snapshot(inventory)
    for command in ("assign adele", "sync", "remove +12065550150"):
        await victor.say(command)
        assert "needs the operator role; you are a viewer" in card_text(connector.last_card()), command
    await victor.say("help")
    refused = await victor.click(connector.last_card(), "Sync from Teams")
    assert "needs the operator role" in card_text(refused)
    assert phone.requests == []
    assert await db.snapshot(inventory) == before
    await victor.say("numbers 0142")
    assert offered(connector.last_card()) == ["+1 206 555 0142"]


async def test_an_operator_limited_to_contoso_cannot_choose_fabrikam(
    megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    await megan.say("tenant fabrikam")
    card = connector.last_card()
    assert "You cannot work on 'fabrikam'" in card_text(card)
    forced = await megan.click(card, "Choose", inputs={"tenant": "fabrikam"})
    assert "You cannot work on 'fabrikam'" in card_text(forced)
    await megan.say("numbers")
    assert "Tenant contoso" in card_text(connector.last_card())


async def test_a_card_clicked_by_another_operator_is_refused_and_changes_nothing(
    megan: TeamsClient,
    olivia: TeamsClient,
    connector: RecordingConnector,
    inventory: Store,
    phone: SimulatedPhoneSystem,
) -> None:
    confirm = await confirm_card_for(megan, connector)
    before = await db.snapshot(inventory)
    version = (await db.flow(inventory, flow_of(confirm))).version
    refused = await olivia.click(confirm, "Assign")
    assert "belongs to another operator's task" in card_text(refused)
    assert teams_assignments(phone) == 0
    assert await db.snapshot(inventory) == before
    assert (await db.flow(inventory, flow_of(confirm))).version == version
    done = await megan.click(confirm, "Assign")  # Megan's own card still works
    assert "is assigned to Adele Vance" in card_text(done)


SECURED = bot_settings(app_id="6f0e0b7c-0000-4000-8000-00000000b007", app_password="not-a-real-secret")


@pytest.mark.parametrize("authorization", ["", "Bearer", "Basic bWVnYW46c2VjcmV0"])
async def test_with_an_app_id_a_post_without_a_bearer_token_is_refused_with_401(
    authorization: str, start_bot: BotStarter, megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    secured = await start_bot(settings=SECURED)
    activity = megan._activity("message")
    activity["text"] = "numbers"
    headers = {"Authorization": authorization} if authorization else {}
    async with megan.http.post(secured.url, json=activity, headers=headers) as response:
        assert response.status == 401
    assert connector.sent == []
    assert (await db.snapshot(inventory)).flows == 0


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0."])
async def test_with_an_app_id_a_malformed_bearer_token_is_refused_with_401(
    token: str, start_bot: BotStarter, megan: TeamsClient, connector: RecordingConnector
) -> None:
    secured = await start_bot(settings=SECURED)
    activity = megan._activity("message")
    activity["text"] = "numbers"
    async with megan.http.post(secured.url, json=activity, headers={"Authorization": f"Bearer {token}"}) as response:
        assert response.status == 401
    assert connector.sent == []
