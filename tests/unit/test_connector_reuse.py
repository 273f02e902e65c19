"""Connector clients are built once per channel and token, not twice a turn (bot/connector_reuse)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botframework.connector.auth import AuthenticationConstants, ClaimsIdentity

from bot.bot_credentials import BotCredentialFactory, BotTokens
from bot.channel_posts import ChannelSession
from bot.connector_reuse import MAX_CLIENTS, ConnectorClients, ReusingAuthentication

BOT = "2b7e1f0c-3d4a-4e5f-8a9b-0c1d2e3f4a5b"
SCOPE = AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE
TEAMS = "https://smba.trafficmanager.net/amer/"


class IssuedTokens:
    """Entra as the bot sees it: a new token each time it is asked; `lifetime` how long each lives."""

    def __init__(self, lifetime: int = 3599) -> None:
        self.lifetime = lifetime
        self.issued = 0

    def __call__(self, scope: str) -> Mapping[str, Any]:
        self.issued += 1
        return {"access_token": f"token-{self.issued}", "expires_in": self.lifetime}


def clients_with(tokens: IssuedTokens) -> ConnectorClients:
    return ConnectorClients(BotCredentialFactory(BOT, BotTokens(tokens)), default_scope=SCOPE, channel=ChannelSession())


async def test_a_second_turn_on_the_same_channel_gets_the_same_client() -> None:
    clients = clients_with(IssuedTokens())

    first = await clients.client(BOT, TEAMS, SCOPE)
    second = await clients.client(BOT, TEAMS, None)  # no audience: the channel's scope, as botbuilder does

    assert first is second
    assert first.config.base_url == TEAMS
    assert len(clients) == 1


async def test_a_refreshed_token_gets_a_new_client_that_signs_with_it() -> None:
    tokens = IssuedTokens(lifetime=60)  # inside the refresh margin: every turn asks Entra again
    clients = clients_with(tokens)

    first = await clients.client(BOT, TEAMS, SCOPE)
    second = await clients.client(BOT, TEAMS, SCOPE)

    assert first is not second
    assert second.config.credentials.get_access_token() == "token-2"


async def test_another_service_url_gets_its_own_client() -> None:
    clients = clients_with(IssuedTokens())

    europe = await clients.client(BOT, "https://smba.trafficmanager.net/emea/", SCOPE)
    america = await clients.client(BOT, TEAMS, SCOPE)

    assert europe is not america
    assert (europe.config.base_url, america.config.base_url) == ("https://smba.trafficmanager.net/emea/", TEAMS)


async def test_the_kept_clients_are_bounded_dropping_the_least_recently_used() -> None:
    clients = clients_with(IssuedTokens())
    oldest = await clients.client(BOT, "https://channel-0.example/", SCOPE)
    for index in range(1, MAX_CLIENTS + 1):
        await clients.client(BOT, f"https://channel-{index}.example/", SCOPE)

    assert len(clients) == MAX_CLIENTS
    assert await clients.client(BOT, "https://channel-0.example/", SCOPE) is not oldest


async def test_the_user_token_client_is_not_built_for_a_turn_that_signs_nobody_in() -> None:
    tokens = IssuedTokens()
    configuration = type("Configuration", (), {"APP_ID": BOT, "APP_PASSWORD": "", "APP_TYPE": "SingleTenant"})()
    authentication = ReusingAuthentication(
        configuration, credentials_factory=BotCredentialFactory(BOT, BotTokens(tokens))
    )
    identity = ClaimsIdentity({AuthenticationConstants.AUDIENCE_CLAIM: BOT}, True)

    await authentication.create_user_token_client(identity)
    client = await authentication.create_connector_factory(identity).create(TEAMS, SCOPE)

    assert tokens.issued == 1  # the connector's token only
    assert client is await authentication.create_connector_factory(identity).create(TEAMS, SCOPE)
