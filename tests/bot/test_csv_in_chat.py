"""CSV in the personal chat over the Bot Framework protocol: a file sent to the bot is previewed with the
CLI's parser and imported on Import; `export` offers the file, and on Allow writes it into Teams' upload
session. Files come from and go to a OneDrive stand-in over HTTP."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from cards.reading import card_text
from inventory.csv_format import read_inventory_csv
from inventory.model import NumberStatus
from inventory.store.engine import Store
from tests.support.bot_harness import RecordingConnector, TeamsClient
from tests.support.bot_world import MEGAN, OLIVIA, BotStarter, bot_settings, client_for
from tests.support.onedrive import OneDrive

CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"
CSV = (
    "number,pool,location\n"
    "+12065553000,Sales,Seattle\n"
    "+12065553001,Sales,Seattle\n"
    "+12065550100,Support,\n"  # in the inventory already: its pool changes
    "+1 206 abc,,\n"
    "+12065553000,,\n"  # a repeat
)


@pytest.fixture
async def onedrive() -> AsyncIterator[OneDrive]:
    drive = OneDrive()
    await drive.start()
    try:
        yield drive
    finally:
        await drive.stop()


@pytest.fixture
async def files_bot_url(start_bot: BotStarter) -> str:
    settings = dataclasses.replace(bot_settings(), file_hosts=("127.0.0.1",))
    return (await start_bot(settings=settings)).url


@pytest.fixture
async def ada(http: aiohttp.ClientSession, files_bot_url: str, connector: RecordingConnector) -> TeamsClient:
    """Olivia, an admin of both tenants, working on contoso."""
    client = client_for(OLIVIA, http, files_bot_url, connector)
    await client.say("tenant contoso")
    return client


@pytest.fixture
def meg(http: aiohttp.ClientSession, files_bot_url: str, connector: RecordingConnector) -> TeamsClient:
    return client_for(MEGAN, http, files_bot_url, connector)


async def number_in(store: Store, number: str) -> Any:
    async with store.read() as uow:
        return await uow.numbers.get("contoso", number)


async def test_a_csv_sent_in_the_chat_is_previewed_then_imported_with_the_invalid_lines_named(
    ada: TeamsClient, connector: RecordingConnector, inventory: Store, onedrive: OneDrive
) -> None:
    await ada.send_file("new-range.csv", onedrive.share(CSV.encode()))
    preview = connector.last_card()
    text = card_text(preview)
    assert "new-range.csv - tenant contoso" in text
    assert "To add\n2" in text
    assert "To update\n1" in text
    assert "line 5" in text  # the unreadable number
    assert "repeats line 2" in text
    assert "New pools: Sales, Support" in text
    assert await number_in(inventory, "+12065553000") is None  # a preview writes nothing

    done = await ada.click(preview, "Import the 3 valid changes")
    assert "CSV imported" in card_text(done)
    added = await number_in(inventory, "+12065553000")
    assert added is not None
    assert (added.status, added.pool, added.location) == (NumberStatus.AVAILABLE, "Sales", "Seattle")
    updated = await number_in(inventory, "+12065550100")
    assert updated is not None
    assert updated.pool == "Support"
    assert updated.last_modified_by == OLIVIA.upn


async def test_a_file_changed_after_the_preview_is_not_imported(
    ada: TeamsClient, connector: RecordingConnector, inventory: Store, onedrive: OneDrive
) -> None:
    link = onedrive.share(CSV.encode())
    await ada.send_file("new-range.csv", link)
    onedrive.files[link.split("/")[-1].split("?")[0]] = b"number\n+12065554000\n"
    answer = await ada.click(connector.last_card(), "Import the 3 valid changes")
    assert "not the file that was previewed" in json.dumps(answer)
    assert await number_in(inventory, "+12065553000") is None
    assert await number_in(inventory, "+12065554000") is None


async def test_only_an_admin_may_import_and_only_from_onedrive(
    ada: TeamsClient, meg: TeamsClient, connector: RecordingConnector, inventory: Store, onedrive: OneDrive
) -> None:
    await meg.send_file("new-range.csv", onedrive.share(CSV.encode()))
    assert "needs the admin role" in json.dumps(connector.last_card())
    await ada.send_file("new-range.csv", "http://203.0.113.9/steal?x=1")
    assert "only read files Teams stores in OneDrive" in json.dumps(connector.last_card())
    await ada.send_file("photo.png", onedrive.share(b"\x89PNG"))
    assert "'photo.png' is not a CSV file" in json.dumps(connector.last_card())
    assert onedrive.downloads == 0  # refused before anything was fetched


async def test_a_file_nothing_can_be_read_from_is_explained_and_nothing_is_offered(
    ada: TeamsClient, connector: RecordingConnector, inventory: Store, onedrive: OneDrive
) -> None:
    await ada.send_file("empty.csv", onedrive.share(b"number\n+1 206 abc\n"))
    text = card_text(connector.last_card())
    assert "no valid rows" in text
    assert "Nothing was imported" in text


async def test_export_offers_the_file_and_writes_it_into_the_upload_session_on_allow(
    ada: TeamsClient, connector: RecordingConnector, inventory: Store, onedrive: OneDrive
) -> None:
    await ada.say("export +120655501**")
    assert "100 numbers matching '+120655501**'" in card_text(connector.last_card())
    (consent,) = connector.attachments(CONSENT)
    assert consent["name"].startswith("switchboard-contoso-")

    upload_url = onedrive.upload_session()
    status, _ = await ada.answer_file_consent(consent, "accept", upload_url=upload_url)
    assert status == 200
    parsed = read_inventory_csv(onedrive.uploaded(upload_url))
    assert parsed.problems == []
    assert [row.number for row in parsed.rows][:2] == ["+12065550100", "+12065550101"]
    assert len(parsed.rows) == 100
    assert onedrive.ranges[0].startswith("bytes 0-")
    (info,) = connector.attachments(FILE_INFO)
    assert info["name"] == consent["name"]
    assert "100 numbers" in card_text(connector.last_card())


async def test_a_tampered_or_foreign_export_consent_uploads_nothing(
    ada: TeamsClient, connector: RecordingConnector, inventory: Store, onedrive: OneDrive
) -> None:
    await ada.say("export")
    (consent,) = connector.attachments(CONSENT)
    forged = {**consent["content"]["acceptContext"], "operator": MEGAN.aad_object_id}
    await ada.answer_file_consent(consent, "accept", upload_url=onedrive.upload_session(), context=forged)
    assert "offered to someone else" in json.dumps(connector.last_card())
    other_tenant = {**consent["content"]["acceptContext"], "tenant": "fabrikam-nope"}
    await ada.answer_file_consent(consent, "accept", upload_url=onedrive.upload_session(), context=other_tenant)
    assert "not allowed to work on tenant" in json.dumps(connector.last_card())
    await ada.answer_file_consent(consent, "accept", upload_url="http://198.51.100.7/upload/x")
    assert "not OneDrive" in json.dumps(connector.last_card())
    assert all(not content for content in onedrive.uploads.values())
    assert connector.attachments(FILE_INFO) == []


async def test_declining_the_export_says_so(
    ada: TeamsClient, connector: RecordingConnector, inventory: Store, onedrive: OneDrive
) -> None:
    await ada.say("export")
    (consent,) = connector.attachments(CONSENT)
    await ada.answer_file_consent(consent, "decline", upload_url=onedrive.upload_session())
    assert "you declined the file" in card_text(connector.last_card())


async def test_a_csv_sent_in_the_chat_reserves_numbers_for_the_admin_who_imports_it(
    ada: TeamsClient, connector: RecordingConnector, inventory: Store, onedrive: OneDrive
) -> None:
    content = (
        "number,status,hold_for_name,hold_expires_at,hold_note,hold_ticket\n"
        "+12065553000,reserved,Adele Vance,,desk move,CHG-42\n"  # ends when a reservation does by default
        "+12065553001,reserved,,1999-01-01,,\n"  # an end in the past
    )
    await ada.send_file("reserve.csv", onedrive.share(content.encode()))
    preview = connector.last_card()
    text = card_text(preview)
    assert "To add\n1" in text
    assert "1999-01-01 23:59 UTC is in the past; choose a later end." in text

    await ada.click(preview, "Import the 1 valid change")
    reserved = await number_in(inventory, "+12065553000")
    assert reserved is not None
    assert reserved.hold is not None
    assert reserved.status is NumberStatus.RESERVED
    assert (reserved.hold.owner, reserved.hold.for_name, reserved.hold.ticket) == (
        OLIVIA.aad_object_id,
        "Adele Vance",
        "CHG-42",
    )
    assert await number_in(inventory, "+12065553001") is None
