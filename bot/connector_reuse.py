"""Bot Connector clients built once and reused, instead of twice a turn.

botbuilder builds a new `ConnectorClient` (msrest configuration, a `requests` session, a fresh TCP
connection to the channel) for every activity it receives and every card it updates, and a user token
client (another msrest configuration and session) for every activity, although Switchboard never signs
anyone in. That construction was about a fifth of a turn's CPU (bench.turns). Here a client is kept per
(app id, service URL, audience, token): a new token (refreshed before it expires, see bot_credentials)
or another channel gets a new client, and nothing is shared that could differ between two turns. The
user token client is built only if something asks it for a token.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    ClaimsIdentity,
    ConnectorFactory,
    ServiceClientCredentialsFactory,
    UserTokenClient,
)
from botframework.connector.auth._connector_factory_impl import USER_AGENT

from bot.bot_credentials import token_of
from bot.channel_posts import ChannelConversations, ChannelSession, authorization_of

MAX_CLIENTS = 64  # service URLs x tokens in use at once: a handful; the bound only keeps a leak impossible
_ClientKey = tuple[str, str, str, str]


class ConnectorClients:
    """The clients in use, least recently used dropped first."""

    def __init__(
        self, credentials: ServiceClientCredentialsFactory, *, default_scope: str, channel: ChannelSession
    ) -> None:
        self._credentials = credentials
        self._default_scope = default_scope
        self._channel = channel
        self._clients: OrderedDict[_ClientKey, ConnectorClient] = OrderedDict()

    def __len__(self) -> int:
        return len(self._clients)

    async def client(self, app_id: str, service_url: str, audience: str | None) -> ConnectorClient:
        scope = audience or self._default_scope
        # Our credential factory ignores the login endpoint: tokens come from BotTokens (bot_credentials).
        credentials = await self._credentials.create_credentials(app_id, scope, "", True)
        key = (app_id or "", service_url, scope, token_of(credentials))
        client = self._clients.get(key)
        if client is None:
            client = ConnectorClient(credentials, base_url=service_url)
            client.config.add_user_agent(USER_AGENT)
            # A turn's replies and card updates go out on the event loop (channel_posts), not in a thread.
            client.conversations = ChannelConversations(
                client.conversations,
                base_url=service_url,
                authorization=authorization_of(credentials),
                user_agent=client.config.user_agent,
                channel=self._channel,
            )
            self._clients[key] = client
            while len(self._clients) > MAX_CLIENTS:
                self._clients.popitem(last=False)
        else:
            self._clients.move_to_end(key)
        return client


class _ReusedConnectors(ConnectorFactory):  # type: ignore[misc]
    def __init__(self, clients: ConnectorClients, app_id: str) -> None:
        self._clients = clients
        self._app_id = app_id

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        return await self._clients.client(self._app_id, service_url, audience)


class _UserTokensOnDemand(UserTokenClient):  # type: ignore[misc]
    """botbuilder's user token client, built the first time one of its methods is called."""

    def __init__(self, build: Callable[[], Awaitable[UserTokenClient]]) -> None:
        self._build = build
        self._built: UserTokenClient | None = None

    async def _client(self) -> UserTokenClient:
        if self._built is None:
            self._built = await self._build()
        return self._built

    async def get_user_token(self, *args: Any, **kwargs: Any) -> Any:
        return await (await self._client()).get_user_token(*args, **kwargs)

    async def get_sign_in_resource(self, *args: Any, **kwargs: Any) -> Any:
        return await (await self._client()).get_sign_in_resource(*args, **kwargs)

    async def sign_out_user(self, *args: Any, **kwargs: Any) -> Any:
        return await (await self._client()).sign_out_user(*args, **kwargs)

    async def get_token_status(self, *args: Any, **kwargs: Any) -> Any:
        return await (await self._client()).get_token_status(*args, **kwargs)

    async def get_aad_tokens(self, *args: Any, **kwargs: Any) -> Any:
        return await (await self._client()).get_aad_tokens(*args, **kwargs)

    async def exchange_token(self, *args: Any, **kwargs: Any) -> Any:
        return await (await self._client()).exchange_token(*args, **kwargs)


def app_id_of(claims_identity: ClaimsIdentity) -> str:
    """The bot's app id as botbuilder reads it from the claims (audience, else the emulator's appid)."""
    app_id = claims_identity.get_claim_value(AuthenticationConstants.AUDIENCE_CLAIM)
    if app_id is None:
        app_id = claims_identity.get_claim_value(AuthenticationConstants.APP_ID_CLAIM)
    return str(app_id or "")


class ReusingAuthentication(ConfigurationBotFrameworkAuthentication):  # type: ignore[misc]
    """botbuilder's authentication from configuration, handing out kept connector clients."""

    def __init__(self, configuration: Any, *, credentials_factory: ServiceClientCredentialsFactory) -> None:
        super().__init__(configuration, credentials_factory=credentials_factory)
        self.channel = ChannelSession()
        self.connector_clients = ConnectorClients(
            credentials_factory,
            default_scope=AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE,
            channel=self.channel,
        )

    async def authenticate_request(self, activity: Any, auth_header: str) -> AuthenticateRequestResult:
        result: AuthenticateRequestResult = await super().authenticate_request(activity, auth_header)
        if result.connector_factory is not None:
            result.connector_factory = self.create_connector_factory(result.claims_identity)
        return result

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return _ReusedConnectors(self.connector_clients, app_id_of(claims_identity))

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        inherited = super().create_user_token_client

        async def build() -> UserTokenClient:
            client: UserTokenClient = await inherited(claims_identity)
            return client

        return _UserTokensOnDemand(build)
