"""A token issuer the test runs itself: OpenID metadata and a JWKS on 127.0.0.1, and tokens it signs.

It stands in for login.botframework.com (and Entra's common endpoint): the bot fetches its keys from
here exactly as it would from Microsoft, and the tests mint valid, expired, mis-signed or otherwise
wrong tokens with the same keys. `hang()` makes the key endpoints stop answering.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.support.local_site import serve_locally

CHANNEL_ISSUER = "https://api.botframework.com"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class TokenIssuer:
    app_id: str
    key_id: str = "test-key-1"
    key: rsa.RSAPrivateKey = field(default_factory=new_key)
    endorsements: tuple[str, ...] = ("msteams",)
    url: str = ""
    metadata_requests: int = 0
    _hanging: asyncio.Event | None = None
    _released: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/v1/.well-known/openidconfiguration"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/v1/.well-known/openidconfiguration", self._metadata)
        app.router.add_get("/v1/keys", self._keys)
        self._runner, self.url = await serve_locally(app, shutdown_timeout=0.5)

    async def stop(self) -> None:
        self._released.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def hang(self) -> asyncio.Event:
        """From now on the key endpoints accept requests and never answer; the event is set on each one."""
        self._hanging = asyncio.Event()
        return self._hanging

    def token(
        self,
        *,
        claims: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        key: rsa.RSAPrivateKey | None = None,
        algorithm: str = "RS256",
        service_url: str = "",
    ) -> str:
        now = int(time.time())
        payload: dict[str, Any] = {
            "iss": CHANNEL_ISSUER,
            "aud": self.app_id,
            "exp": now + 3600,
            "nbf": now - 60,
            "serviceurl": service_url,
        }
        payload.update(claims or {})
        return jwt.encode(
            {k: v for k, v in payload.items() if v is not None},
            key or self.key,
            algorithm=algorithm,
            headers={k: v for k, v in {"kid": self.key_id, **(headers or {})}.items() if v is not None},
        )

    async def _metadata(self, _: web.Request) -> web.Response:
        self.metadata_requests += 1
        await self._maybe_hang()
        return web.json_response({"issuer": CHANNEL_ISSUER, "jwks_uri": f"{self.url}/v1/keys"})

    async def _keys(self, _: web.Request) -> web.Response:
        await self._maybe_hang()
        public = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        public.update(kid=self.key_id, use="sig", endorsements=list(self.endorsements))
        return web.json_response({"keys": [public]})

    async def _maybe_hang(self) -> None:
        if self._hanging is not None:
            self._hanging.set()
            await self._released.wait()  # until the test stops the issuer
