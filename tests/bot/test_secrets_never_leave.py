"""A token endpoint that quotes the request back puts the client secret into its error text: the operator's
card, the log and the CLI's output carry that error without the secret."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import aiohttp
import pytest
from aiohttp import web

from bot.app import create_app
from bot.cli.main import main
from bot.http_server import bot_runner
from cards.reading import card_text
from inventory.store.engine import Store
from inventory.teams.stand_in.app import ServerOptions
from inventory.teams.stand_in.server import RunningServer, start_graph_server
from tests.support import db
from tests.support.bot_harness import RecordingConnector
from tests.support.bot_world import MEGAN, bot_settings, client_for, contoso_teams

CONFIGURED_SECRET = "Qx7~tenant.secret/with+chars=0123456789"  # what the operator configured, and wrong
ACCEPTED_SECRET = "the-one-entra-would-accept"


@pytest.fixture
async def echoing_graph() -> AsyncIterator[RunningServer]:
    options = ServerOptions(expected_client_secret=ACCEPTED_SECRET, token_errors_echo_request=True)
    server = await start_graph_server(contoso_teams(), options=options)
    try:
        yield server
    finally:
        await server.stop()


def leaks(text: str) -> list[str]:
    forms = (CONFIGURED_SECRET, quote(CONFIGURED_SECRET, safe=""), quote(CONFIGURED_SECRET))
    return [form for form in forms if form in text]


async def test_the_operator_card_and_the_log_show_the_refusal_without_the_secret(
    echoing_graph: RunningServer,
    inventory: Store,
    connector: RecordingConnector,
    http: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = bot_settings()
    tenant = replace(echoing_graph.tenant_config("contoso"), client_secret=CONFIGURED_SECRET)
    app = create_app(replace(settings, tenants=(tenant,)), store=inventory, run_jobs=False)
    runner = bot_runner(app)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        megan = client_for(MEGAN, http, f"http://127.0.0.1:{runner.addresses[0][1]}/api/messages", connector)
        before = await db.snapshot(inventory)
        await megan.say("sync")
        card = await connector.wait_for_card(lambda card: "token endpoint refused" in card_text(card))
    finally:
        await runner.cleanup()

    shown = json.dumps(card)
    assert "AADSTS7000215" in shown  # the operator still reads what Entra said...
    assert leaks(shown) == []  # ...without the secret it quoted
    assert "AADSTS7000215" in caplog.text  # the log too records the refusal
    assert leaks(caplog.text) == []
    assert leaks(json.dumps([sent.body for sent in connector.sent])) == []
    after = await db.snapshot(inventory)
    assert (after.numbers, after.audit_events, after.teams_operations) == (
        before.numbers,
        before.audit_events,
        before.teams_operations,
    )


async def test_the_cli_prints_the_refusal_without_the_secret(
    echoing_graph: RunningServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "switchboard.toml"
    config.write_text(
        f"""
[[tenants]]
name = "contoso"
display_name = "Contoso"
entra_tenant_id = "contoso-tenant"
client_id = "switchboard"
graph_base_url = "{echoing_graph.graph_base_url}"
authority_host = "{echoing_graph.url}"
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("SWITCHBOARD_CONFIG", str(config))
    monkeypatch.setenv("SWITCHBOARD_CONTOSO_CLIENT_SECRET", CONFIGURED_SECRET)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    await asyncio.to_thread(main, ["db", "upgrade"])
    capsys.readouterr()

    code = await asyncio.to_thread(main, ["sync", "--tenant", "contoso"])
    captured = capsys.readouterr()

    assert code != 0
    assert "AADSTS7000215" in captured.out + captured.err
    assert leaks(captured.out + captured.err) == []
