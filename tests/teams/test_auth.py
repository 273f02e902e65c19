"""Token sources: msal for Entra (off the event loop, cached), client credentials for the stand-in."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import msal
import pytest

from inventory.config import TenantConfig
from inventory.errors import ConfigurationError, TeamsError
from inventory.teams.auth import ClientCredentialsTokenSource, MsalTokenSource
from inventory.teams.credentials import msal_credential, token_source_for
from inventory.teams.stand_in.app import ServerOptions
from inventory.teams.stand_in.server import start_graph_server
from tests.support.clock import FakeClock
from tests.support.teams_fakes import small_tenant

SECRET = "s3cr3t-do-not-log"


class FakeMsalApp:
    """Stands in for msal.ConfidentialClientApplication: records construction and calls."""

    def __init__(self, client_id: str, result: dict[str, Any], **options: Any) -> None:
        self.client_id = client_id
        self.options = options
        self.result = result
        self.calls: list[list[str]] = []

    def acquire_token_for_client(self, scopes: list[str]) -> dict[str, Any]:
        self.calls.append(scopes)
        return self.result


class FakeMsalFactory:
    def __init__(self, result: dict[str, Any]) -> None:
        self.result = result
        self.apps: list[FakeMsalApp] = []

    def __call__(self, client_id: str, **options: Any) -> FakeMsalApp:
        app = FakeMsalApp(client_id, self.result, **options)
        self.apps.append(app)
        return app


def msal_source(factory: FakeMsalFactory) -> MsalTokenSource:
    return MsalTokenSource(
        tenant_name="contoso",
        authority="https://login.microsoftonline.com/contoso-guid",
        client_id="app-id",
        credential=SECRET,
        app_factory=factory,
    )


async def test_msal_is_asked_once_and_the_token_is_cached_until_near_expiry() -> None:
    factory = FakeMsalFactory({"access_token": "tok-1", "expires_in": 3599})
    source = msal_source(factory)

    first, second = await source.access_token(), await source.access_token()

    assert first == second == "tok-1"
    assert len(factory.apps) == 1
    assert factory.apps[0].calls == [["https://graph.microsoft.com/.default"]]
    assert factory.apps[0].options["authority"] == "https://login.microsoftonline.com/contoso-guid"
    assert factory.apps[0].options["client_credential"] == SECRET
    assert factory.apps[0].options["timeout"] == 30.0


async def test_a_token_about_to_expire_is_fetched_again() -> None:
    factory = FakeMsalFactory({"access_token": "short", "expires_in": 60})
    source = msal_source(factory)

    await source.access_token()
    await source.access_token()

    assert len(factory.apps[0].calls) == 2  # within the five-minute margin: never reused


async def test_an_entra_refusal_is_a_teams_error_that_never_quotes_the_secret() -> None:
    factory = FakeMsalFactory({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret."})
    source = msal_source(factory)

    with pytest.raises(TeamsError, match="AADSTS7000215") as raised:
        await source.access_token()

    assert SECRET not in str(raised.value)
    assert SECRET not in repr(source)
    assert "contoso" in str(raised.value)


async def test_an_msal_exception_is_reported_as_a_teams_error() -> None:
    def exploding_factory(client_id: str, **options: Any) -> Any:
        raise ValueError("Unable to get authority configuration")

    source = MsalTokenSource(
        tenant_name="contoso",
        authority="https://login.microsoftonline.com/x",
        client_id="app",
        credential=SECRET,
        app_factory=exploding_factory,
    )

    with pytest.raises(TeamsError, match="authority configuration"):
        await source.access_token()


def test_msal_refuses_a_plain_http_authority_so_the_stand_in_uses_client_credentials() -> None:
    with pytest.raises(ValueError, match="https"):
        msal.ConfidentialClientApplication(
            "app",
            client_credential="x",
            authority="http://127.0.0.1:9/tenant",
            validate_authority=False,
            instance_discovery=False,
        )


def test_a_real_tenant_gets_msal_with_its_own_authority() -> None:
    tenant = TenantConfig("contoso", "Contoso", entra_tenant_id="guid-1", client_id="app", client_secret=SECRET)

    source = token_source_for(tenant)

    assert isinstance(source, MsalTokenSource)
    assert source.authority == "https://login.microsoftonline.com/guid-1"
    assert SECRET not in repr(source)


def test_a_tenant_on_the_local_stand_in_gets_plain_client_credentials() -> None:
    tenant = TenantConfig("demo", "Demo", entra_tenant_id="t1", authority_host="http://127.0.0.1:8123")

    source = token_source_for(tenant)

    assert isinstance(source, ClientCredentialsTokenSource)
    assert source.token_url == "http://127.0.0.1:8123/t1/oauth2/v2.0/token"


def test_a_secret_is_never_sent_over_plain_http_to_another_host() -> None:
    with pytest.raises(ConfigurationError, match="https"):
        ClientCredentialsTokenSource(
            tenant_name="x", token_url="http://login.example/t/oauth2/v2.0/token", client_id="a", client_secret=SECRET
        )


async def test_client_credentials_against_the_stand_in_get_a_token_or_a_clear_refusal() -> None:
    server = await start_graph_server(small_tenant(FakeClock()), options=ServerOptions(expected_client_secret=SECRET))
    try:
        url = f"{server.url}/t1/oauth2/v2.0/token"
        good = ClientCredentialsTokenSource(tenant_name="demo", token_url=url, client_id="a", client_secret=SECRET)
        bad = ClientCredentialsTokenSource(tenant_name="demo", token_url=url, client_id="a", client_secret="wrong")
        token = await good.access_token()
        with pytest.raises(TeamsError, match="AADSTS7000215") as raised:
            await bad.access_token()
    finally:
        await server.stop()

    assert token.startswith("sim.")
    assert await good.access_token() == token
    assert "wrong" not in str(raised.value)


def test_the_msal_credential_is_the_secret_or_the_certificate(tmp_path: Path) -> None:
    pem = tmp_path / "app.pem"
    key = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"
    certificate = "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----"
    pem.write_text(key + certificate + "\n")
    base = TenantConfig("contoso", "Contoso", entra_tenant_id="g", client_id="a")

    with_secret = msal_credential(TenantConfig("contoso", "Contoso", client_secret=SECRET))
    with_thumbprint = msal_credential(replace(base, certificate_path=str(pem), certificate_thumbprint="AB:CD:EF"))
    with_public_cert = msal_credential(replace(base, certificate_path=str(pem)))
    pfx = tmp_path / "app.pfx"
    pfx.write_bytes(b"\x30\x82")
    with_pfx = msal_credential(replace(base, certificate_path=str(pfx)))

    assert with_secret == SECRET
    assert with_thumbprint == {"private_key": key + certificate + "\n", "thumbprint": "ABCDEF"}
    assert isinstance(with_public_cert, dict)
    assert with_public_cert["public_certificate"] == certificate
    assert with_pfx == {"private_key_pfx_path": str(pfx)}


def test_a_tenant_without_any_credential_is_told_which_variable_to_set() -> None:
    with pytest.raises(ConfigurationError, match="SWITCHBOARD_FABRIKAM_EU_CLIENT_SECRET"):
        msal_credential(TenantConfig("fabrikam-eu", "Fabrikam"))
    with pytest.raises(ConfigurationError, match="does not exist"):
        msal_credential(TenantConfig("contoso", "Contoso", certificate_path="/nowhere/app.pem"))
