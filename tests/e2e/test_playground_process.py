"""bot/demo/playground_config.py and playground.py: a config the Playground accepts, and a process we start,
find and stop reliably."""

from __future__ import annotations

import dataclasses
import socket
from pathlib import Path

import aiohttp
import pytest

from bot.demo.identities import DEMO_IDENTITIES, OLIVIA_OPERATOR
from bot.demo.playground import playground_executable, start_playground
from bot.demo.playground_config import PlaygroundError, render_playground_config, write_playground_config

BOT_URL = "http://127.0.0.1:9/api/messages"  # nothing listens there: these tests never need a bot


@pytest.fixture
def node_tools() -> None:
    if not playground_executable().exists():
        pytest.skip(f"no Agents Playground at {playground_executable()} (run `make node`)")


def test_the_config_has_the_schema_version_five_users_and_the_playgrounds_spelling() -> None:
    text = render_playground_config()
    assert text.count("userPrincipleName:") == 6  # the current user and five others
    assert "userPrincipalName" not in text
    assert 'version: "0.1.1"' in text
    assert 'name: "Voice Ops"' in text


def test_the_current_user_is_olivia_operator_with_a_stable_aad_object_id() -> None:
    assert DEMO_IDENTITIES.current_user is OLIVIA_OPERATOR
    assert OLIVIA_OPERATOR.name == "Olivia Operator"
    assert OLIVIA_OPERATOR.aad_object_id == "aaaaaaaa-0000-4000-8000-000000000001"


def test_a_config_without_exactly_five_users_is_refused_before_the_playground_sees_it() -> None:
    with pytest.raises(PlaygroundError, match="exactly 5 users"):
        render_playground_config(dataclasses.replace(DEMO_IDENTITIES, users=DEMO_IDENTITIES.users[:4]))


def test_a_config_with_a_duplicate_user_id_is_refused() -> None:
    users = (*DEMO_IDENTITIES.users[:4], dataclasses.replace(DEMO_IDENTITIES.users[4], id=OLIVIA_OPERATOR.id))
    with pytest.raises(PlaygroundError, match="unique"):
        render_playground_config(dataclasses.replace(DEMO_IDENTITIES, users=users))


def test_writing_to_a_directory_puts_the_file_under_the_playgrounds_name(tmp_path: Path) -> None:
    path = write_playground_config(tmp_path, dataclasses.replace(DEMO_IDENTITIES, bot_name="Switchboard Dev"))
    assert path == tmp_path / ".m365agentsplayground.yml"
    assert 'name: "Switchboard Dev"' in path.read_text(encoding="utf-8")


@pytest.mark.e2e
@pytest.mark.usefixtures("node_tools")
async def test_the_playground_reads_our_config_and_presents_our_people(tmp_path: Path) -> None:
    playground = await start_playground(BOT_URL, tmp_path, port=0)
    try:
        template_url = f"{playground.url}/_internal/v1/customActivities/template"
        params = {"conversationId": DEMO_IDENTITIES.personal_chat_id}
        async with aiohttp.ClientSession() as session, session.get(template_url, params=params) as response:
            activity = await response.json()
    finally:
        await playground.stop()
    assert activity["from"] == {"id": OLIVIA_OPERATOR.id, "aadObjectId": OLIVIA_OPERATOR.aad_object_id}
    assert activity["recipient"]["id"] == DEMO_IDENTITIES.bot_id
    assert activity["serviceUrl"] == playground.service_url


@pytest.mark.e2e
@pytest.mark.usefixtures("node_tools")
async def test_a_busy_port_is_noticed_and_the_real_one_is_used(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        busy = squatter.getsockname()[1]
        playground = await start_playground(BOT_URL, tmp_path, port=busy)
        try:
            assert playground.port != busy
            async with aiohttp.ClientSession() as session, session.get(f"{playground.url}/_debug/ping") as response:
                assert response.status == 200
        finally:
            await playground.stop()


@pytest.mark.e2e
@pytest.mark.usefixtures("node_tools")
async def test_stop_ends_the_process_and_frees_the_port(tmp_path: Path) -> None:
    playground = await start_playground(BOT_URL, tmp_path, port=0)
    await playground.stop()
    assert playground.process.returncode is not None
    with pytest.raises(aiohttp.ClientConnectionError):
        async with aiohttp.ClientSession() as session, session.get(f"{playground.url}/_debug/ping"):
            pass
    assert "Listening on" in playground.log_path.read_text(encoding="utf-8")


@pytest.mark.e2e
@pytest.mark.usefixtures("node_tools")
async def test_a_playground_that_cannot_start_says_so_with_its_log(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text('version: "0.1.1"\n', encoding="utf-8")
    with pytest.raises(PlaygroundError, match=r"(?s)did not come up.*must have required property 'tenantId'"):
        await start_playground(BOT_URL, tmp_path, port=0, config_path=broken, startup_timeout=20)


async def test_a_missing_config_file_is_refused_before_starting_anything(tmp_path: Path) -> None:
    with pytest.raises(PlaygroundError, match="No Playground config"):
        await start_playground(BOT_URL, tmp_path, port=0, config_path=tmp_path / "absent.yml")


@pytest.mark.e2e
@pytest.mark.usefixtures("node_tools")
async def test_a_stale_config_in_the_workdir_is_replaced_by_the_demo_one(tmp_path: Path) -> None:
    write_playground_config(tmp_path, dataclasses.replace(DEMO_IDENTITIES, bot_name="Old Name"))
    playground = await start_playground(BOT_URL, tmp_path, port=0)
    await playground.stop()
    assert 'name: "Switchboard"' in playground.config_path.read_text(encoding="utf-8")
