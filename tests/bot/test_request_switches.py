"""Who may request a number and who approves, set in chat by an admin over the Bot Framework protocol:
`requests operators|anyone|off` and `approvers all|ID ...` override the configuration file, are audited,
are an admin's alone (also to look), and a word they do not know is answered specifically, changing
nothing. Rules, not storage: SQLite only (the repository's migration runs on both in test_migrations)."""

from __future__ import annotations

import dataclasses
from typing import Any

import aiohttp
import pytest

from cards.reading import card_text
from inventory.config import Settings
from inventory.model import NumberStatus
from inventory.store.engine import Store
from inventory.teams.simulation import SimAccount, SimulatedTenant
from tests.support import db
from tests.support.bot_harness import TENANT_ID, RecordingConnector, Sent, TeamsClient
from tests.support.bot_world import MEGAN, OLIVIA, STRANGER, VICTOR, BotStarter, RunningBot, bot_settings, client_for


@pytest.fixture
def store(sqlite_store: Store) -> Store:
    return sqlite_store


def contoso_in_entra() -> Settings:
    """Contoso as the file has it: only operators request (the default), all operators approve."""
    base = bot_settings()
    tenants = tuple(
        dataclasses.replace(t, entra_tenant_id=TENANT_ID) if t.name == "contoso" else t for t in base.tenants
    )
    return dataclasses.replace(base, tenants=tenants)


@pytest.fixture
async def switches_bot(start_bot: BotStarter) -> RunningBot:
    return await start_bot(settings=contoso_in_entra())


@pytest.fixture
def in_channel(
    http: aiohttp.ClientSession, switches_bot: RunningBot, connector: RecordingConnector, teams: SimulatedTenant
) -> dict[str, TeamsClient]:
    teams.add_account(SimAccount(STRANGER.aad_object_id, STRANGER.upn, STRANGER.name, enterprise_voice=True))
    return {
        m.name.split()[0].lower(): client_for(m, http, switches_bot.url, connector, "channel")
        for m in (STRANGER, MEGAN, OLIVIA, VICTOR)
    }


async def said(client: TeamsClient, connector: RecordingConnector, text: str) -> str:
    await client.say(text)
    return card_text(connector.last_card())


def posted_card(connector: RecordingConnector) -> Sent:
    posts = [s for s in connector.sent if s.method == "POST" and s.card is not None]
    assert posts, "the bot posted no card"
    return posts[-1]


async def view_of(client: TeamsClient, posted: Sent) -> dict[str, Any]:
    assert posted.card is not None
    assert posted.activity_id is not None
    action = posted.card["refresh"]["action"]
    return await client.answer(client.invoke(action["verb"], action["data"], reply_to=posted.activity_id))


async def settings_audit(inventory: Store, action: str) -> list[tuple[str, Any, Any]]:
    async with inventory.read() as uow:
        events = [e for e in await uow.audit.history("contoso") if e.action == action]
    return [(e.operator_name, e.before, e.after) for e in reversed(events)]  # history is newest first


async def test_only_an_admin_sees_or_sets_who_may_request_and_a_word_it_does_not_know_changes_nothing(
    in_channel: dict[str, TeamsClient], connector: RecordingConnector, inventory: Store
) -> None:
    megan, olivia = in_channel["megan"], in_channel["olivia"]
    await olivia.say("tenant contoso")
    assert "its operators and admins may request" in await said(olivia, connector, "requests")
    before = await db.snapshot(inventory)
    assert "the requests setting needs the admin role" in await said(megan, connector, "requests")
    assert "the requests setting needs the admin role" in await said(megan, connector, "requests anyone")
    answer = await said(olivia, connector, "requests everybody")
    assert "I did not understand 'everybody'" in answer
    assert "requests operators, requests anyone or requests off" in answer
    assert await db.snapshot(inventory) == before

    assert "anyone in its Microsoft 365 tenant may request" in await said(olivia, connector, "requests anyone")
    assert "number requests are switched off" in await said(olivia, connector, "requests off")
    assert await settings_audit(inventory, "set-requests") == [
        ("olivia@contoso.test", None, {"requests": "anyone"}),
        ("olivia@contoso.test", {"requests": "anyone"}, {"requests": "off"}),
    ]


async def test_requests_anyone_set_in_chat_lets_someone_who_is_no_operator_request_and_off_stops_everyone(
    in_channel: dict[str, TeamsClient], connector: RecordingConnector, inventory: Store
) -> None:
    sam, megan, olivia = in_channel["sam"], in_channel["megan"], in_channel["olivia"]
    await olivia.say("tenant contoso")
    assert "not on Switchboard's list of operators" in await said(sam, connector, "request number")

    await olivia.say("requests anyone")
    assert "Number request" in await said(sam, connector, "request number")
    assert (await db.number(inventory, "+12065550100")).status is NumberStatus.RESERVED

    await olivia.say("requests off")
    before = await db.snapshot(inventory)
    assert "Number requests are switched off for Contoso" in await said(megan, connector, "request number for adele")
    assert await db.snapshot(inventory) == before


async def test_approvers_set_in_chat_decide_alone_and_a_listed_stranger_or_viewer_is_refused(
    in_channel: dict[str, TeamsClient], connector: RecordingConnector, inventory: Store, teams: SimulatedTenant
) -> None:
    sam, megan, olivia = in_channel["sam"], in_channel["megan"], in_channel["olivia"]
    await olivia.say("tenant contoso")
    await olivia.say("requests anyone")
    assert "Every operator and admin of Contoso decides" in await said(olivia, connector, "approvers")
    before = await db.snapshot(inventory)
    assert "the approvers setting needs the admin role" in await said(
        megan, connector, f"approvers {MEGAN.aad_object_id}"
    )
    assert "'megan' is not an Entra object id" in await said(olivia, connector, "approvers megan")
    refused = await said(olivia, connector, f"approvers {OLIVIA.aad_object_id}, {VICTOR.aad_object_id}")
    assert f"{VICTOR.aad_object_id} is not an operator or admin of Contoso; nothing was changed" in refused
    assert f"{STRANGER.aad_object_id} is not an operator" in await said(
        olivia, connector, f"approvers {STRANGER.aad_object_id}"
    )
    assert await db.snapshot(inventory) == before

    assert "Only these decide Contoso's number requests" in await said(
        olivia, connector, f"approvers {OLIVIA.aad_object_id}"
    )
    await sam.say("request number for adele")
    posted = posted_card(connector)
    assert posted.card is not None
    assert posted.activity_id is not None
    assert set(posted.card["refresh"]["userIds"]) == {STRANGER.id, OLIVIA.id}  # Megan is no approver now
    megans = await view_of(megan, posted)
    assert [a["title"] for a in megans.get("actions", [])] == []
    forged = {"request": posted.card["refresh"]["action"]["data"]["request"], "v": "1"}
    seen = await db.snapshot(inventory)
    refusal = await megan.answer(megan.invoke("request.approve", forged, reply_to=posted.activity_id))
    assert "Only an approver of Contoso may decide this" in card_text(refusal)
    assert await db.snapshot(inventory) == seen
    assert teams.numbers_of("obj-adele") == []

    oliviass = await view_of(olivia, posted)
    assert [a["title"] for a in oliviass.get("actions", [])] == ["Approve", "Change number", "Reject"]
    assert "Every operator and admin of Contoso decides" in await said(olivia, connector, "approvers all")
    assert await settings_audit(inventory, "set-approvers") == [
        ("olivia@contoso.test", None, {"approvers": [OLIVIA.aad_object_id]}),
        ("olivia@contoso.test", {"approvers": [OLIVIA.aad_object_id]}, {"approvers": []}),
    ]
