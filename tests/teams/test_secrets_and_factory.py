"""Secrets and tokens stay out of logs, errors and reprs; the factory refuses unsafe endpoints."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from inventory.config import TenantConfig
from inventory.errors import ConfigurationError, TeamsPermissionError
from inventory.teams.auth import ClientCredentialsTokenSource
from inventory.teams.factory import phone_system_for
from inventory.teams.stand_in.app import ServerOptions
from inventory.teams.stand_in.server import start_graph_server
from tests.support.clock import FakeClock
from tests.support.teams_fakes import EXACT_TUNING, small_tenant

SECRET = "s3cr3t-value-never-shown"


async def test_tokens_and_secrets_never_reach_logs_errors_or_reprs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    clock = FakeClock()
    tenant = small_tenant(clock)
    tenant.faults.respond_next(403, path_contains="userConfigurations")
    server = await start_graph_server(tenant, options=ServerOptions(expected_client_secret=SECRET))
    try:
        config = replace(server.tenant_config("contoso"), client_secret=SECRET)
        async with phone_system_for(config, clock=clock, tuning=EXACT_TUNING) as phone:
            await phone.list_numbers()
            with pytest.raises(TeamsPermissionError) as raised:
                await phone.list_accounts()
            token_source = phone.client.token_source
            assert isinstance(token_source, ClientCredentialsTokenSource)
            token = await token_source.access_token()
            shown = [caplog.text, str(raised.value), repr(phone), repr(phone.client), repr(token_source), repr(config)]
    finally:
        await server.stop()

    assert "graph_request" in caplog.text  # the log did record the requests...
    for text in shown:
        assert SECRET not in text
        assert token not in text


def test_the_factory_refuses_to_send_tokens_to_a_plain_http_graph_elsewhere() -> None:
    tenant = TenantConfig(
        "contoso",
        "Contoso",
        graph_base_url="http://graph.example/v1.0",
        entra_tenant_id="g",
        client_id="a",
        client_secret=SECRET,
    )

    with pytest.raises(ConfigurationError, match="https") as raised:
        phone_system_for(tenant)

    assert SECRET not in str(raised.value)


async def test_the_factory_gives_each_tenant_its_request_budget_and_policies() -> None:
    tenant = TenantConfig(
        "contoso",
        "Contoso",
        entra_tenant_id="g",
        client_id="a",
        client_secret=SECRET,
        allowed_policies=("US-National",),
        max_requests_in_flight=3,
    )

    async with phone_system_for(tenant) as phone:
        assert phone.client.max_in_flight == 3
        assert phone.allowed_policies() == ("US-National",)
        assert phone.client.base_url == "https://graph.microsoft.com/v1.0"
