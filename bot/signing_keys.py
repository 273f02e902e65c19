"""The keys that sign the tokens Teams sends us, fetched without ever blocking a turn.

botbuilder fetches OpenID metadata and JWKS with `requests.get` on the event loop, without a timeout,
and fails with IndexError on an unknown key id. `SigningKeys` takes its place in botbuilder's metadata
cache (under the address botbuilder asks for, so its validation is unchanged): the keys are fetched
with aiohttp under a deadline, at start-up and then in the background; a request naming a key we do
not have waits for one shared refresh for a few seconds at most.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor
from jwt.algorithms import RSAAlgorithm

log = logging.getLogger(__name__)
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_MAX_DOCUMENT_BYTES = 256 * 1024  # Microsoft's JWKS is a few KB; anything near this is not a key set


class UnknownSigningKey(PermissionError):
    """The token names a key the issuer does not publish: it is not a valid token (401)."""


class SigningKeysUnavailable(Exception):
    """The issuer's keys could not be fetched in time: we cannot tell, so the caller should retry (503)."""


@dataclass(frozen=True)
class SigningKey:
    """What botbuilder's JwtTokenExtractor reads from its metadata cache."""

    public_key: Any
    endorsements: tuple[str, ...]


@dataclass(frozen=True)
class KeyTiming:
    fetch_timeout_seconds: float = 5.0
    unknown_key_wait_seconds: float = 3.0
    refresh_seconds: float = 12 * 3600.0  # Microsoft rotates keys with weeks of overlap; twice a day is ample
    retry_seconds: float = 30.0  # after a failed fetch, until one succeeds
    min_refresh_gap_seconds: float = 300.0  # unknown key ids may not make us hammer the issuer


class SigningKeys:
    """The published keys of one issuer (one OpenID metadata document)."""

    def __init__(
        self, metadata_url: str, *, timing: KeyTiming | None = None, allow_loopback_http: bool = False
    ) -> None:
        _check_url(metadata_url, allow_loopback_http)
        self.metadata_url = metadata_url
        self._timing = timing or KeyTiming()
        self._allow_http = allow_loopback_http
        self._keys: dict[str, SigningKey] = {}
        self._last_attempt = float("-inf")
        self._refresh: asyncio.Task[None] | None = None
        self._background: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    @property
    def loaded(self) -> bool:
        return bool(self._keys)

    def start(self) -> None:
        """Fetch the keys now and keep them fresh, in the background (start-up does not wait for them)."""
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self._timing.fetch_timeout_seconds), trust_env=True
        )
        self._background = asyncio.create_task(self._keep_fresh(), name=f"signing keys {self.metadata_url}")

    async def close(self) -> None:
        for task in (self._background, self._refresh):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    async def get(self, key_id: str | None) -> SigningKey:
        """The key `key_id`, refreshing once (shared by all callers) when we do not know it."""
        key = self._keys.get(key_id or "")
        if key is not None:
            return key
        if self._keys and time.monotonic() - self._last_attempt < self._timing.min_refresh_gap_seconds:
            raise UnknownSigningKey("the token's signing key is not one the issuer publishes")
        try:
            await asyncio.wait_for(asyncio.shield(self._refresh_once()), self._timing.unknown_key_wait_seconds)
        except TimeoutError:
            raise SigningKeysUnavailable(f"{_host(self.metadata_url)} did not answer in time") from None
        except (aiohttp.ClientError, ValueError) as error:
            raise SigningKeysUnavailable(f"{_host(self.metadata_url)}: {error.__class__.__name__}") from None
        key = self._keys.get(key_id or "")
        if key is None:
            raise UnknownSigningKey("the token's signing key is not one the issuer publishes")
        return key

    def _refresh_once(self) -> asyncio.Task[None]:
        if self._refresh is None or self._refresh.done():
            self._last_attempt = time.monotonic()
            self._refresh = asyncio.create_task(self._fetch(), name=f"refresh {self.metadata_url}")
            # Callers may stop waiting before it ends; its failure is then read here, not left unretrieved.
            self._refresh.add_done_callback(lambda task: task.cancelled() or task.exception())
        return self._refresh

    async def _keep_fresh(self) -> None:
        while True:
            try:
                await self._refresh_once()
                delay = self._timing.refresh_seconds
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning(
                    "signing keys not fetched from %s (%s); retrying in %.0f s",
                    _host(self.metadata_url),
                    error.__class__.__name__,
                    self._timing.retry_seconds,
                )
                delay = self._timing.retry_seconds
            await asyncio.sleep(delay)

    async def _fetch(self) -> None:
        metadata = await self._document(self.metadata_url)
        jwks_uri = metadata.get("jwks_uri") if isinstance(metadata, dict) else None
        if not isinstance(jwks_uri, str):
            raise ValueError("the OpenID metadata has no jwks_uri")
        _check_url(jwks_uri, self._allow_http)
        document = await self._document(jwks_uri)
        entries = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(entries, list):
            raise ValueError("the key set has no keys")
        keys = dict(_key(entry) for entry in entries if _usable(entry))
        if not keys:
            raise ValueError("the key set has no RSA signing keys")
        self._keys = keys
        log.info("signing keys loaded from %s count=%d", _host(self.metadata_url), len(keys))

    async def _document(self, url: str) -> Any:
        if self._session is None:
            raise ValueError("the key store is not started")
        async with self._session.get(url, allow_redirects=False) as response:
            if response.status != 200:
                raise ValueError(f"HTTP {response.status}")
            body = await response.content.read(_MAX_DOCUMENT_BYTES + 1)
        if len(body) > _MAX_DOCUMENT_BYTES:
            raise ValueError("the document is too large")
        return json.loads(body)


def _usable(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and entry.get("kty") == "RSA"
        and isinstance(entry.get("kid"), str)
        and isinstance(entry.get("n"), str)
        and isinstance(entry.get("e"), str)
        and entry.get("use", "sig") == "sig"
    )


def _key(entry: dict[str, Any]) -> tuple[str, SigningKey]:
    endorsements = entry.get("endorsements", [])
    names = tuple(e for e in endorsements if isinstance(e, str)) if isinstance(endorsements, list) else ()
    return entry["kid"], SigningKey(RSAAlgorithm.from_jwk(json.dumps(entry)), names)


def _check_url(url: str, allow_loopback_http: bool) -> None:
    parts = urlsplit(url)
    loopback = parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS
    if parts.scheme == "https" or (allow_loopback_http and loopback):
        return
    raise ValueError(f"signing keys must come over https, not from {url}")


def _host(url: str) -> str:
    return urlsplit(url).netloc


class KeyRing:
    """Every issuer's key store, registered in botbuilder's metadata cache under the address it asks for.

    `sources` maps botbuilder's address to the one we fetch from: the same in production, a local
    issuer in tests (so tests run botbuilder's public-cloud validation unchanged). The cache is a
    class attribute of botbuilder's: the last application started in a process owns it.
    """

    def __init__(self, sources: dict[str, str], *, timing: KeyTiming | None = None, allow_loopback_http: bool = False):
        self._stores = {
            address: SigningKeys(source, timing=timing, allow_loopback_http=allow_loopback_http)
            for address, source in sources.items()
        }

    @property
    def loaded(self) -> bool:
        return all(store.loaded for store in self._stores.values())

    def start(self) -> None:
        for address, store in self._stores.items():
            JwtTokenExtractor.metadataCache[address] = store
            store.start()

    async def close(self) -> None:
        for address, store in self._stores.items():
            if JwtTokenExtractor.metadataCache.get(address) is store:
                del JwtTokenExtractor.metadataCache[address]
            await store.close()
