"""A managed identity endpoint as Azure App Service and Container Apps run it beside the app.

The host sets IDENTITY_ENDPOINT and IDENTITY_HEADER; a client GETs the endpoint with `resource`,
`api-version=2019-08-01` and, for a user-assigned identity, `client_id`, sending the header's value as
X-IDENTITY-HEADER. The answer is {access_token, expires_on (epoch seconds, a string), resource,
token_type}; a wrong header or an identity the host does not have is refused with statusCode/message.
https://learn.microsoft.com/azure/app-service/overview-managed-identity#rest-endpoint-reference
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pytest
from aiohttp import web

SYSTEM = "system"


@dataclass
class IdentityEndpoint:
    """What the endpoint knows: the header the host set, the identities assigned, and what it was asked."""

    header: str = field(default_factory=lambda: secrets.token_hex(16))
    user_assigned: frozenset[str] = frozenset()
    system_assigned: bool = True
    hang: bool = False
    asked: list[tuple[str, str]] = field(default_factory=list)  # (identity, resource) per request
    url: str = ""

    def token_for(self, identity: str, resource: str) -> str:
        """The token this endpoint issues to `identity` for `resource` (the same every time, for assertions)."""
        return f"mi.{identity}.{resource}"

    async def handle(self, request: web.Request) -> web.Response:
        if self.hang:
            await asyncio.sleep(3600)
        if request.headers.get("X-IDENTITY-HEADER") != self.header:
            return _refused(401, "The X-IDENTITY-HEADER header is missing or wrong.")
        if request.query.get("api-version") != "2019-08-01" or not request.query.get("resource"):
            return _refused(400, "api-version 2019-08-01 and resource are required.")
        identity = request.query.get("client_id") or SYSTEM
        resource = request.query["resource"]
        self.asked.append((identity, resource))
        known = identity in self.user_assigned or (identity == SYSTEM and self.system_assigned)
        if not known:
            return _refused(400, f"No managed identity with client id {identity} is assigned to this host.")
        return web.json_response(
            {
                "access_token": self.token_for(identity, resource),
                "expires_on": str(int(time.time()) + 3600),
                "resource": resource,
                "token_type": "Bearer",
                "client_id": identity,
            }
        )


def _refused(status: int, message: str) -> web.Response:
    return web.json_response({"statusCode": status, "message": message}, status=status)


@asynccontextmanager
async def identity_endpoint(endpoint: IdentityEndpoint) -> AsyncIterator[IdentityEndpoint]:
    """Serve `endpoint` on 127.0.0.1 until the block ends."""
    app = web.Application()
    app.router.add_get("/msi/token", endpoint.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        endpoint.url = f"http://127.0.0.1:{runner.addresses[0][1]}/msi/token"
        yield endpoint
    finally:
        await runner.cleanup()


@asynccontextmanager
async def announced_identity_endpoint(
    monkeypatch: pytest.MonkeyPatch, endpoint: IdentityEndpoint
) -> AsyncIterator[IdentityEndpoint]:
    """Serve `endpoint` and announce it the way App Service and Container Apps do, for msal to find."""
    async with identity_endpoint(endpoint) as served:
        monkeypatch.setenv("IDENTITY_ENDPOINT", served.url)
        monkeypatch.setenv("IDENTITY_HEADER", served.header)
        monkeypatch.delenv("IDENTITY_SERVER_THUMBPRINT", raising=False)  # that would mean Service Fabric
        monkeypatch.delenv("IMDS_ENDPOINT", raising=False)  # and that Azure Arc
        yield served
