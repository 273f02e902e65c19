"""A bot registered as UserAssignedMSI answers Teams with its managed identity's token: no password, msal
against the host's identity endpoint, off the event loop, and bounded when the endpoint is silent."""

from __future__ import annotations

import pytest

from bot.bot_credentials import BotTokens, msal_acquire
from tests.support.identity_endpoint import IdentityEndpoint, announced_identity_endpoint

BOT_IDENTITY = "2b7e1f0c-3d4a-4e5f-8a9b-0c1d2e3f4a5b"
CHANNEL_SCOPE = "https://api.botframework.com/.default"


def identity_tokens() -> BotTokens:
    acquire = msal_acquire("UserAssignedMSI", BOT_IDENTITY, "", "contoso-home-tenant", "https://unused.example")
    return BotTokens(acquire, timeout_seconds=5.0)


async def test_the_bot_gets_its_channel_token_from_its_user_assigned_identity(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    endpoint = IdentityEndpoint(user_assigned=frozenset({BOT_IDENTITY}), system_assigned=False)
    async with announced_identity_endpoint(monkeypatch, endpoint):
        tokens = identity_tokens()
        first = await tokens.token(CHANNEL_SCOPE)
        again = await tokens.token(CHANNEL_SCOPE)

    assert first == again == endpoint.token_for(BOT_IDENTITY, "https://api.botframework.com")
    assert endpoint.asked == [(BOT_IDENTITY, "https://api.botframework.com")]  # a resource, not a scope; once


async def test_an_identity_the_host_lacks_is_a_refusal_naming_the_cause(monkeypatch: pytest.MonkeyPatch) -> None:
    endpoint = IdentityEndpoint(user_assigned=frozenset(), system_assigned=False)
    async with announced_identity_endpoint(monkeypatch, endpoint):
        with pytest.raises(PermissionError, match=r"refused the bot's token .*No managed identity with client id"):
            await identity_tokens().token(CHANNEL_SCOPE)
