"""The bot's door, tried as an attacker would: every bad token is a 401, every malformed activity a 4xx,
none of them a 5xx or a traceback, and none changes the inventory or makes the bot post anything. The
tokens come from an issuer the test runs itself (tests.support.token_issuer), whose keys the bot
fetches exactly as it would fetch Microsoft's. Rules, not storage: SQLite only."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import jwt
import pytest

from bot.adapter import bot_connection
from bot.cli.main import main
from bot.signing_keys import KeyTiming
from cards.reading import card_text
from inventory.config import Settings
from inventory.store.engine import Store
from tests.support import db
from tests.support.bot_harness import RecordingConnector, TeamsClient
from tests.support.bot_world import BotStarter, RunningBot, bot_settings
from tests.support.token_issuer import TokenIssuer, new_key

APP_ID = "6f0e0b7c-0000-4000-8000-00000000b007"
SECRET = "Zq8~s3cr3t-value-of-the-bot-password-0123"
OUTBOUND_TOKEN = "outbound-token-for-the-connector"
QUICK_KEYS = KeyTiming(fetch_timeout_seconds=1.0, unknown_key_wait_seconds=0.5)
ENTRA_ISSUER = "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/"


@pytest.fixture
def store(sqlite_store: Store) -> Store:
    return sqlite_store


@pytest.fixture
async def issuer() -> AsyncIterator[TokenIssuer]:
    running = TokenIssuer(app_id=APP_ID)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


def secured_settings(issuer: TokenIssuer, connector: RecordingConnector) -> Settings:
    return dataclasses.replace(
        bot_settings(app_id=APP_ID, app_password=SECRET),
        bot_openid_metadata_url=issuer.metadata_url,
        entra_openid_metadata_url=issuer.metadata_url,
        test_channel_url=connector.url,
    )


async def start_secured(
    start_bot: BotStarter, issuer: TokenIssuer, connector: RecordingConnector, timing: KeyTiming = QUICK_KEYS
) -> RunningBot:
    settings = secured_settings(issuer, connector)
    connection = bot_connection(
        settings, acquire=lambda scope: {"access_token": OUTBOUND_TOKEN, "expires_in": 3600}, key_timing=timing
    )
    return await start_bot(settings=settings, connection=connection)


@pytest.fixture
async def secured(start_bot: BotStarter, issuer: TokenIssuer, connector: RecordingConnector) -> RunningBot:
    return await start_secured(start_bot, issuer, connector)


async def knock(
    http: aiohttp.ClientSession, url: str, body: Any, *, token: str | None = None, headers: dict[str, str] | None = None
) -> tuple[int, str]:
    sent = {"Authorization": f"Bearer {token}"} if token is not None else {}
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with http.post(
        url, data=data, headers={"Content-Type": "application/json", **sent, **(headers or {})}
    ) as response:
        return response.status, await response.text()


def message(megan: TeamsClient, text: str = "numbers") -> dict[str, Any]:
    activity = megan._activity("message")
    activity["text"] = text
    return activity


def segment(document: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(document).encode()).rstrip(b"=").decode()


async def assert_nothing_happened(
    connector: RecordingConnector, inventory: Store, before: db.Snapshot, caplog: pytest.LogCaptureFixture
) -> None:
    """The bot posted nothing, the inventory is as it was and no traceback was logged."""
    assert connector.sent == []
    assert await db.snapshot(inventory) == before
    assert_refused_quietly(caplog)


def assert_refused_quietly(caplog: pytest.LogCaptureFixture) -> None:
    tracebacks = [record.getMessage() for record in caplog.records if record.exc_info]
    assert tracebacks == []
    assert "Traceback" not in caplog.text


# Each case: a name, and how to make the Authorization header from the issuer and the connector's URL.
Header = Callable[[TokenIssuer, str], dict[str, str]]


def bearer(make: Callable[[TokenIssuer, str], str]) -> Header:
    return lambda issuer, url: {"Authorization": f"Bearer {make(issuer, url)}"}


BAD_CREDENTIALS: dict[str, Header] = {
    "no Authorization header": lambda issuer, url: {},
    "the word Bearer alone": lambda issuer, url: {"Authorization": "Bearer"},
    "Basic credentials": lambda issuer, url: {"Authorization": "Basic bWVnYW46c2VjcmV0"},
    "two tokens": lambda issuer, url: {"Authorization": f"Bearer {issuer.token(service_url=url)} extra"},
    "not a JWT": bearer(lambda issuer, url: "garbage"),
    "three empty-looking parts": bearer(lambda issuer, url: "a.b.c"),
    "header and claims not JSON": bearer(lambda issuer, url: "bm90IGpzb24.bm90IGpzb24.c2ln"),
    "unsigned (alg none)": bearer(
        lambda issuer, url: (
            f"{segment({'alg': 'none', 'kid': issuer.key_id})}."
            f"{segment({'iss': 'https://api.botframework.com', 'aud': APP_ID, 'serviceurl': url})}.x"
        )
    ),
    "HS256 with the bot's password as the key": bearer(
        lambda issuer, url: jwt.encode(
            {"iss": "https://api.botframework.com", "aud": APP_ID, "serviceurl": url},
            SECRET,
            algorithm="HS256",
            headers={"kid": issuer.key_id},
        )
    ),
    "no key id": bearer(lambda issuer, url: issuer.token(service_url=url, headers={"kid": None})),
    "an unknown key id": bearer(lambda issuer, url: issuer.token(service_url=url, headers={"kid": "someone-else"})),
    "the right key id, signed by another key": bearer(lambda issuer, url: issuer.token(service_url=url, key=new_key())),
    "expired an hour ago": bearer(
        lambda issuer, url: issuer.token(service_url=url, claims={"exp": 1_700_000_000, "nbf": 1_699_990_000})
    ),
    "not valid before next week": bearer(
        lambda issuer, url: issuer.token(service_url=url, claims={"nbf": 4_000_000_000, "exp": 4_000_003_600})
    ),
    "no expiry": bearer(lambda issuer, url: issuer.token(service_url=url, claims={"exp": None})),
    "for another bot": bearer(lambda issuer, url: issuer.token(service_url=url, claims={"aud": "another-bot"})),
    "from an issuer nobody trusts": bearer(
        lambda issuer, url: issuer.token(service_url=url, claims={"iss": "https://evil.example"})
    ),
    "an Entra token without the Bot Framework's claims": bearer(
        lambda issuer, url: issuer.token(service_url=url, claims={"iss": ENTRA_ISSUER})
    ),
    "an Entra token for another app": bearer(
        lambda issuer, url: issuer.token(
            service_url=url, claims={"iss": ENTRA_ISSUER, "ver": "1.0", "appid": "another-app"}
        )
    ),
    "for another serviceUrl": bearer(lambda issuer, url: issuer.token(service_url="https://smba.evil.example/")),
    "a 7 KB token signed by an unknown key": bearer(
        lambda issuer, url: issuer.token(service_url=url, claims={"pad": "x" * 5000}, key=new_key())
    ),
    "a 9 KB token": bearer(lambda issuer, url: issuer.token(service_url=url, claims={"pad": "x" * 7000})),
}


@pytest.mark.parametrize("case", BAD_CREDENTIALS)
async def test_every_bad_credential_is_refused_with_401_and_changes_nothing(
    case: str,
    secured: RunningBot,
    issuer: TokenIssuer,
    megan: TeamsClient,
    connector: RecordingConnector,
    inventory: Store,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    before = await db.snapshot(inventory)
    headers = BAD_CREDENTIALS[case](issuer, connector.url)
    async with megan.http.post(secured.url, json=message(megan, "sync"), headers=headers) as response:
        assert response.status == 401, await response.text()
    await assert_nothing_happened(connector, inventory, before, caplog)
    refusals = [record for record in caplog.records if "refused a request" in record.getMessage()]
    assert len(refusals) == 1  # one concise line per refusal


async def test_a_header_too_large_for_http_is_refused_with_400_in_one_quiet_line(
    secured: RunningBot,
    issuer: TokenIssuer,
    megan: TeamsClient,
    connector: RecordingConnector,
    inventory: Store,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    before = await db.snapshot(inventory)
    token = issuer.token(service_url=connector.url, claims={"pad": "x" * 40_000})
    status, _ = await knock(megan.http, secured.url, message(megan, "sync"), token=token)
    assert status == 400
    await assert_nothing_happened(connector, inventory, before, caplog)
    assert token[:200] not in caplog.text
    assert "refused a request that is not valid HTTP (LineTooLong, 400)" in caplog.text


def without(activity: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in activity.items() if key not in keys}


BAD_ACTIVITIES: dict[str, tuple[Callable[[dict[str, Any]], Any], int]] = {
    "no serviceUrl": (lambda a: without(a, "serviceUrl"), 400),
    "a serviceUrl that is not a URL": (lambda a: {**a, "serviceUrl": "not a url"}, 400),
    "a numeric id": (lambda a: {**a, "id": 12345}, 400),
    "no recipient": (lambda a: without(a, "recipient"), 400),
    "a recipient without an id": (lambda a: {**a, "recipient": {"name": "Switchboard"}}, 400),
    "no conversation": (lambda a: without(a, "conversation"), 400),
    "a sender that is a string": (lambda a: {**a, "from": "megan"}, 400),
    "no type": (lambda a: without(a, "type"), 400),
    "text that is a list": (lambda a: {**a, "text": ["numbers"]}, 400),
    "membersAdded that is not a list": (lambda a: {**a, "membersAdded": {"id": "x"}}, 400),
    "entities that are not objects": (lambda a: {**a, "entities": ["mention"]}, 400),
    "a JSON array": (lambda a: [a], 400),
    "a JSON string": (lambda a: "numbers", 400),
}


@pytest.mark.parametrize("case", BAD_ACTIVITIES)
async def test_every_malformed_activity_is_refused_with_400_and_changes_nothing(
    case: str,
    secured: RunningBot,
    issuer: TokenIssuer,
    megan: TeamsClient,
    connector: RecordingConnector,
    inventory: Store,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    before = await db.snapshot(inventory)
    damage, expected = BAD_ACTIVITIES[case]
    body = damage(message(megan, "sync"))
    status, text = await knock(megan.http, secured.url, body, token=issuer.token(service_url=connector.url))
    assert status == expected, text
    assert text  # says what is wrong
    await assert_nothing_happened(connector, inventory, before, caplog)


async def test_a_body_that_is_not_json_is_refused_with_400_or_415(
    secured: RunningBot, issuer: TokenIssuer, megan: TeamsClient, connector: RecordingConnector
) -> None:
    token = issuer.token(service_url=connector.url)
    assert (await knock(megan.http, secured.url, b"{not json", token=token))[0] == 400
    assert (await knock(megan.http, secured.url, b"\xff\xfe", token=token))[0] == 400
    plain = {"Content-Type": "text/plain"}
    assert (await knock(megan.http, secured.url, b"numbers", token=token, headers=plain))[0] == 415
    assert connector.sent == []


async def test_a_plain_http_service_url_is_refused_even_with_a_valid_token_for_it(
    secured: RunningBot, issuer: TokenIssuer, megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    before = await db.snapshot(inventory)
    activity = {**message(megan), "serviceUrl": "http://smba.example.net/amer/"}
    status, text = await knock(
        megan.http, secured.url, activity, token=issuer.token(service_url="http://smba.example.net/amer/")
    )
    assert status == 400
    assert "https" in text
    assert connector.sent == []
    assert await db.snapshot(inventory) == before


async def test_a_valid_token_gets_in_and_the_reply_carries_the_bots_own_token(
    secured: RunningBot, issuer: TokenIssuer, megan: TeamsClient, connector: RecordingConnector
) -> None:
    status, _ = await knock(
        megan.http, secured.url, message(megan, "help"), token=issuer.token(service_url=connector.url)
    )
    assert status in (200, 201)
    await connector.wait_for(1)
    assert "Switchboard" in card_text(connector.last_card())
    assert connector.authorizations
    assert set(connector.authorizations) == {f"Bearer {OUTBOUND_TOKEN}"}
    assert issuer.metadata_requests >= 1  # the keys came from the issuer, not from Microsoft


async def test_an_invoke_with_a_valid_token_is_answered(
    secured: RunningBot, issuer: TokenIssuer, megan: TeamsClient, connector: RecordingConnector
) -> None:
    invoke = megan.invoke("command", {"command": "numbers", "verb": "command"})
    status, text = await knock(megan.http, secured.url, invoke, token=issuer.token(service_url=connector.url))
    assert status == 200
    assert json.loads(text)["type"] == "application/vnd.microsoft.card.adaptive"


@pytest.mark.parametrize(
    ("name", "value", "expected_type"),
    [
        ("composeExtension/submitAction", {"commandId": "x"}, "message"),
        ("composeExtension/query", {"commandId": "x", "parameters": []}, "message"),
        ("composeExtension/fetchTask", {"commandId": "x"}, "message"),
        ("task/fetch", {"data": {}}, "message"),
        ("signin/verifyState", {"state": "x"}, None),
        ("something/new", None, None),
    ],
)
async def test_invokes_the_bot_does_not_handle_get_teams_conventional_answer(
    name: str,
    value: Any,
    expected_type: str | None,
    secured: RunningBot,
    issuer: TokenIssuer,
    megan: TeamsClient,
    connector: RecordingConnector,
    inventory: Store,
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = await db.snapshot(inventory)
    invoke = {**megan._activity("invoke"), "name": name, "value": value}
    invoke.pop("text", None)
    status, text = await knock(megan.http, secured.url, invoke, token=issuer.token(service_url=connector.url))
    assert status == 200, text
    if expected_type is not None:
        answer = json.loads(text)
        kind = answer.get("composeExtension", answer.get("task", {})).get("type")
        assert kind == expected_type, answer
    assert await db.snapshot(inventory) == before
    assert_refused_quietly(caplog)


async def test_while_the_key_endpoint_hangs_health_answers_and_a_token_ends_in_503(
    start_bot: BotStarter, issuer: TokenIssuer, megan: TeamsClient, connector: RecordingConnector, inventory: Store
) -> None:
    hanging = issuer.hang()
    bot = await start_secured(start_bot, issuer, connector)
    before = await db.snapshot(inventory)
    token = issuer.token(service_url=connector.url)
    waiting = asyncio.create_task(knock(megan.http, bot.url, message(megan), token=token))
    await hanging.wait()  # the bot is waiting for the keys
    health_url = bot.url.replace("/api/messages", "/healthz")
    async with megan.http.get(health_url) as response:
        assert response.status == 200
        assert (await response.json())["mode"] == "authenticated"
    assert not waiting.done()  # health answered while the token was still waiting for keys
    refused = await knock(megan.http, bot.url, message(megan), token="garbage")
    assert refused[0] == 401  # a request that needs no key is answered meanwhile
    status, text = await waiting
    assert status == 503
    assert "retry" in text.lower()
    assert connector.sent == []
    assert await db.snapshot(inventory) == before


async def test_known_keys_keep_working_while_the_endpoint_hangs_for_an_unknown_one(
    start_bot: BotStarter, issuer: TokenIssuer, megan: TeamsClient, connector: RecordingConnector
) -> None:
    eager = dataclasses.replace(QUICK_KEYS, min_refresh_gap_seconds=0.0)
    bot = await start_secured(start_bot, issuer, connector, timing=eager)
    valid = issuer.token(service_url=connector.url)
    assert (await knock(megan.http, bot.url, message(megan, "help"), token=valid))[0] in (200, 201)
    hanging = issuer.hang()
    rotated = issuer.token(service_url=connector.url, headers={"kid": "rotated-key"})
    waiting = asyncio.create_task(knock(megan.http, bot.url, message(megan), token=rotated))
    await hanging.wait()
    assert (await knock(megan.http, bot.url, message(megan, "help"), token=valid))[0] in (200, 201)
    assert not waiting.done()
    assert (await waiting)[0] in (401, 503)


async def test_health_says_authenticated_or_insecure_development(
    secured: RunningBot, bot: RunningBot, http: aiohttp.ClientSession
) -> None:
    for running, mode in ((secured, "authenticated"), (bot, "insecure-development")):
        async with http.get(running.url.replace("/api/messages", "/healthz")) as response:
            assert (await response.json())["mode"] == mode


@pytest.fixture
def no_bot_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}")
    for name in (
        "MicrosoftAppId",
        "MicrosoftAppPassword",
        "MicrosoftAppType",
        "MicrosoftAppTenantId",
        "SWITCHBOARD_INSECURE_DEVELOPMENT",
        "SWITCHBOARD_CONFIG",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("no_bot_credentials")
def test_serve_without_bot_credentials_refuses_to_start_and_says_what_to_set(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["serve", "--port", "0"]) == 1
    said = " ".join(capsys.readouterr().err.split())
    assert "MicrosoftAppId" in said
    assert "--insecure-development" in said


@pytest.mark.usefixtures("no_bot_credentials")
def test_the_insecure_development_mode_refuses_to_listen_beyond_loopback(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--insecure-development", "--host", "0.0.0.0", "--port", "0"]) == 1
    assert "loopback only" in " ".join(capsys.readouterr().err.split())


@pytest.mark.usefixtures("no_bot_credentials")
def test_the_insecure_development_mode_refuses_a_configured_app_id(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MicrosoftAppId", APP_ID)
    monkeypatch.setenv("SWITCHBOARD_INSECURE_DEVELOPMENT", "1")
    assert main(["serve", "--port", "0"]) == 1
    assert "MicrosoftAppId is set" in " ".join(capsys.readouterr().err.split())
