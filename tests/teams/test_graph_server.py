"""The Graph stand-in itself: Graph's paths, status codes, headers and shapes (raw HTTP, no adapter)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from inventory.teams.stand_in.app import ServerOptions
from inventory.teams.stand_in.server import RunningServer, start_graph_server
from tests.support.clock import FakeClock
from tests.support.teams_fakes import small_tenant

AUTH = {"Authorization": "Bearer anything"}
REPOSITORY = Path(__file__).resolve().parents[2]
NUMBERS = "/v1.0/admin/teams/telephoneNumberManagement/numberAssignments"


@pytest.fixture
async def server() -> AsyncIterator[RunningServer]:
    running = await start_graph_server(small_tenant(FakeClock()), options=ServerOptions(expected_client_secret="s3"))
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session


async def test_graph_paths_need_a_bearer_token(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.get(server.url + NUMBERS) as response:
        body = await response.json()

    assert response.status == 401
    assert body["error"]["code"] == "InvalidAuthenticationToken"
    assert server.requests[-1].status == 401


async def test_the_server_binds_loopback_and_reports_its_port(server: RunningServer) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    assert not server.url.endswith(":0")


async def test_a_top_above_1000_is_a_400(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.get(server.url + NUMBERS + "?$top=1001", headers=AUTH) as response:
        assert response.status == 400


async def test_numbers_filter_on_status_and_telephone_number(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    target = server.tenant.all_numbers()[0].telephone_number
    query = f"?$filter=telephoneNumber eq '{target.replace('+', '%2B')}'"
    async with http.get(server.url + NUMBERS + query, headers=AUTH) as response:
        one = await response.json()
    async with http.get(server.url + NUMBERS + "?$filter=assignmentStatus eq 'unassigned'", headers=AUTH) as response:
        free = await response.json()
    async with http.get(server.url + NUMBERS + "?$filter=city eq 'Seattle'", headers=AUTH) as response:
        refused = response.status

    assert [n["telephoneNumber"] for n in one["value"]] == [target]
    assert free["value"]
    assert all(n["assignmentStatus"] == "unassigned" for n in free["value"])
    assert refused == 400


async def test_a_number_is_readable_by_its_id(server: RunningServer, http: aiohttp.ClientSession) -> None:
    record = server.tenant.all_numbers()[0]
    async with http.get(f"{server.url}{NUMBERS}/{record.id}", headers=AUTH) as response:
        body = await response.json()
    async with http.get(f"{server.url}{NUMBERS}/nope", headers=AUTH) as missing:
        assert missing.status == 404

    assert body["telephoneNumber"] == record.telephone_number


async def test_assign_answers_202_with_a_location_to_poll(server: RunningServer, http: aiohttp.ClientSession) -> None:
    user = next(a for a in server.tenant.teams_accounts() if a.account_type == "user")
    body = {"telephoneNumber": "+12065550123", "assignmentTargetId": user.id, "numberType": "directRouting"}
    async with http.post(f"{server.url}{NUMBERS}/assignNumber", json=body, headers=AUTH) as response:
        location = response.headers["Location"]
        assert response.status == 202
    async with http.get(location, headers=AUTH) as polled:
        operation = await polled.json()

    assert "/operations('" in location
    assert operation["status"] == "succeeded"
    assert operation["numbers"][0]["statusDetail"] is None


async def test_get_policy_id_answers_with_the_tagged_name(server: RunningServer, http: aiohttp.ClientSession) -> None:
    name = next(iter(server.tenant.policies))
    path = f"/v1.0/admin/teams/policy/getPolicyId(type='OnlineVoiceRoutingPolicy',name='{name}')"
    async with http.get(server.url + path, headers=AUTH) as response:
        body = await response.json()

    assert body["value"] == [{"name": f"Tag:{name}", "policyId": server.tenant.policies[name]}]


async def test_the_token_endpoint_speaks_client_credentials(server: RunningServer, http: aiohttp.ClientSession) -> None:
    form = {"grant_type": "client_credentials", "client_id": "app", "scope": "https://graph.microsoft.com/.default"}
    async with http.post(f"{server.url}/t1/oauth2/v2.0/token", data={**form, "client_secret": "s3"}) as response:
        token = await response.json()
    async with http.post(f"{server.url}/t1/oauth2/v2.0/token", data={**form, "client_secret": "wrong"}) as refused:
        error = await refused.json()
    async with http.get(f"{server.url}/t1/v2.0/.well-known/openid-configuration") as metadata:
        openid = await metadata.json()

    assert token["token_type"] == "Bearer"
    assert token["access_token"]
    assert token["expires_in"] > 0
    assert refused.status == 401
    assert error["error"] == "invalid_client"
    assert openid["token_endpoint"] == f"{server.url}/t1/oauth2/v2.0/token"


async def test_the_beta_paths_serve_the_same_tenant(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.get(server.url + "/beta/admin/teams/userConfigurations?$top=5", headers=AUTH) as response:
        body = await response.json()

    assert len(body["value"]) == 5
    assert "$skiptoken=5" in body["@odata.nextLink"]


async def test_the_command_line_server_serves_saves_its_state_and_stops_on_sigterm(tmp_path: Path) -> None:
    state = tmp_path / "tenant.json"
    process = await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "inventory.teams.stand_in", "--state", str(state), "--numbers", "40"],
        *["--port", "0", "--max-seconds", "60"],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        cwd=REPOSITORY,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=30)).decode()
        url = line.split("listening on ", 1)[1].split()[0]
        async with aiohttp.ClientSession() as http, http.get(url + NUMBERS, headers=AUTH) as response:
            listed = await response.json()
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), timeout=30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    assert url.startswith("http://127.0.0.1:")
    assert len(listed["value"]) == 40
    assert code == 0
    saved = json.loads(await asyncio.to_thread(state.read_text))
    assert len(saved["numbers"]) == 40
