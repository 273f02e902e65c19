"""Graph tokens from the host's managed identity, through real msal against an App Service-style identity
endpoint: directly for the home tenant, or as the federated assertion of an Entra app for customer tenants."""

from __future__ import annotations

import functools
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import msal
import pytest
import requests

from inventory.config import TenantConfig, load_settings
from inventory.errors import ConfigurationError, TeamsError
from inventory.teams.auth import ClientCredentialsTokenSource, MsalTokenSource
from inventory.teams.credentials import msal_credential, token_source_for
from inventory.teams.factory import phone_system_for
from inventory.teams.managed_identity import (
    GRAPH_RESOURCE,
    TOKEN_EXCHANGE_RESOURCE,
    ManagedIdentity,
    ManagedIdentityTokenSource,
)
from inventory.teams.stand_in.app import ServerOptions
from inventory.teams.stand_in.server import start_graph_server
from tests.support.clock import FakeClock
from tests.support.identity_endpoint import IdentityEndpoint, announced_identity_endpoint
from tests.support.teams_fakes import EXACT_TUNING, small_tenant
from tests.support.tls import local_certificate

USER_ASSIGNED = "6f1c0d3e-2b4a-4c8e-9f7d-1a2b3c4d5e6f"


@pytest.fixture
async def host_identity(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[IdentityEndpoint]:
    endpoint = IdentityEndpoint(user_assigned=frozenset({USER_ASSIGNED}))
    async with announced_identity_endpoint(monkeypatch, endpoint) as served:
        yield served


async def test_the_identity_alone_reads_graph_with_its_own_token(host_identity: IdentityEndpoint) -> None:
    clock = FakeClock()
    server = await start_graph_server(small_tenant(clock))
    try:
        config = replace(server.tenant_config("contoso"), client_id="", client_secret=None, managed_identity="system")
        source = token_source_for(config)
        async with phone_system_for(config, clock=clock, tuning=EXACT_TUNING, token_source=source) as phone:
            numbers = await phone.list_numbers()
        token = await source.access_token()
    finally:
        await server.stop()

    assert isinstance(source, ManagedIdentityTokenSource)
    assert numbers  # Graph answered the identity's bearer
    assert token == host_identity.token_for("system", GRAPH_RESOURCE)
    assert host_identity.asked == [("system", GRAPH_RESOURCE)]  # msal's cache and ours: asked once


async def test_a_user_assigned_identity_is_asked_for_by_its_client_id(host_identity: IdentityEndpoint) -> None:
    identity = ManagedIdentity(USER_ASSIGNED, tenant_name="contoso")
    token = await ManagedIdentityTokenSource(identity).access_token()
    assert token == host_identity.token_for(USER_ASSIGNED, GRAPH_RESOURCE)
    assert host_identity.asked == [(USER_ASSIGNED, GRAPH_RESOURCE)]


async def test_an_identity_the_host_does_not_have_is_refused_with_what_to_check(
    host_identity: IdentityEndpoint,
) -> None:
    other = "0a0b0c0d-1111-4222-8333-444455556666"
    with pytest.raises(TeamsError) as raised:
        await ManagedIdentityTokenSource(ManagedIdentity(other, tenant_name="contoso")).access_token()
    message = str(raised.value)
    assert f"Azure would not issue a token to identity {other} for tenant 'contoso'" in message
    assert "No managed identity with client id" in message
    assert "docs/teams-setup.md" in message


async def test_a_silent_identity_endpoint_costs_one_bounded_wait(host_identity: IdentityEndpoint) -> None:
    host_identity.hang = True
    identity = ManagedIdentity("system", tenant_name="contoso", timeout_seconds=0.3)
    source = ManagedIdentityTokenSource(identity, timeout_seconds=5.0)
    with pytest.raises(TeamsError) as raised:
        await source.access_token()
    # requests' own timeout ended the call (the thread is free again), not only our deadline around it.
    assert str(raised.value) == (
        "The managed identity endpoint did not answer in time for tenant 'contoso'. "
        "Is Switchboard running on Azure with this identity assigned to the host?"
    )
    assert raised.value.retryable


async def test_a_federated_app_gets_a_customer_token_with_the_identity_as_its_assertion(
    host_identity: IdentityEndpoint,
) -> None:
    assertion = host_identity.token_for(USER_ASSIGNED, TOKEN_EXCHANGE_RESOURCE)
    server = await start_graph_server(
        small_tenant(FakeClock()), options=ServerOptions(expected_client_assertion=assertion)
    )
    try:
        config = replace(server.tenant_config("contoso"), client_secret=None, managed_identity=USER_ASSIGNED)
        source = token_source_for(config)
        token = await source.access_token()
        wrong = replace(config, managed_identity="system")  # assigned to the host, but not the app's credential
        with pytest.raises(TeamsError, match="AADSTS700213"):
            await token_source_for(wrong).access_token()
    finally:
        await server.stop()

    assert isinstance(source, ClientCredentialsTokenSource)
    assert token.startswith("sim.")
    assert (USER_ASSIGNED, TOKEN_EXCHANGE_RESOURCE) in host_identity.asked


async def test_msal_sends_the_identity_assertion_to_entra_over_https(
    host_identity: IdentityEndpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    certificate = local_certificate(tmp_path)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate.certificate_path))  # msal's requests trusts it
    assertion = host_identity.token_for(USER_ASSIGNED, TOKEN_EXCHANGE_RESOURCE)
    server = await start_graph_server(
        small_tenant(FakeClock()),
        options=ServerOptions(expected_client_assertion=assertion),
        ssl_context=certificate.server_context(),
    )
    msal_http = requests.Session()
    try:
        config = TenantConfig(
            "contoso",
            "Contoso",
            entra_tenant_id="contoso-tenant",
            client_id="11111111-2222-4333-8444-555555555555",
            managed_identity=USER_ASSIGNED,
            authority_host=server.url,
            graph_base_url=server.graph_base_url,
        )
        source = MsalTokenSource(
            tenant_name="contoso",
            authority=f"{server.url}/contoso-tenant",
            client_id=config.client_id,
            credential=msal_credential(config),
            # Entra's hosts are known to msal; a local authority must skip the discovery call to Entra.
            app_factory=functools.partial(
                msal.ConfidentialClientApplication, instance_discovery=False, http_client=msal_http
            ),
        )
        token = await source.access_token()
        requested = [record.path for record in server.requests]
    finally:
        msal_http.close()  # its kept-alive TLS connection would outlive the server
        await server.stop()

    assert token.startswith("sim.")
    assert "/contoso-tenant/oauth2/v2.0/token" in requested
    assert host_identity.asked == [(USER_ASSIGNED, TOKEN_EXCHANGE_RESOURCE)]


def test_the_configuration_takes_system_or_a_client_id_and_refuses_anything_else(tmp_path: Path) -> None:
    def tenant_with(line: str, env: dict[str, str] | None = None) -> TenantConfig:
        config = tmp_path / f"c{time.monotonic_ns()}.toml"
        config.write_text(f'[[tenants]]\nname = "contoso"\nclient_id = "a"\n{line}\n', encoding="utf-8")
        return load_settings(env or {}, str(config)).tenants[0]

    assert tenant_with('managed_identity = "system"').managed_identity == "system"
    assert tenant_with(f'managed_identity = "{USER_ASSIGNED.upper()}"').managed_identity == USER_ASSIGNED
    assert tenant_with("").managed_identity == ""
    with pytest.raises(ConfigurationError, match='must be "system" or the client id'):
        tenant_with('managed_identity = "my-identity"')
    with pytest.raises(ConfigurationError, match="choose one credential"):
        tenant_with('managed_identity = "system"', {"SWITCHBOARD_CONTOSO_CLIENT_SECRET": "s3cret-value"})
    with pytest.raises(ConfigurationError, match="choose one credential"):
        tenant_with('managed_identity = "system"\ncertificate_path = "/etc/app.pem"')
