"""Fixtures: a running bot over a simulated Teams tenant, a recording connector, and operators who talk to it
(the world they live in is `tests.support.bot_world`)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import aiohttp
import pytest
from aiohttp import web

from bot.adapter import BotConnection
from bot.app import create_app
from bot.http_server import bot_runner
from cards.reading import card_text
from inventory.config import Settings
from inventory.e164 import parse_range
from inventory.model import Actor
from inventory.ports.clock import Clock, SystemClock
from inventory.services.imports import import_range
from inventory.store.engine import Store
from inventory.teams.simulation import SimulatedPhoneSystem, SimulatedTenant
from tests.support.bot_harness import RecordingConnector, TeamsClient
from tests.support.bot_world import (
    FAST_POLLS,
    MEGAN,
    OLIVIA,
    STRANGER,
    VICTOR,
    BotStarter,
    RunningBot,
    bot_settings,
    client_for,
    contoso_teams,
)


@pytest.fixture
def teams() -> SimulatedTenant:
    return contoso_teams()


@pytest.fixture
def phone(teams: SimulatedTenant) -> SimulatedPhoneSystem:
    """The bot's view of the simulated tenant; `phone.requests` lists every Graph request it made."""
    return SimulatedPhoneSystem(teams, tuning=FAST_POLLS)


@pytest.fixture
async def connector() -> AsyncIterator[RecordingConnector]:
    recording = RecordingConnector(members={m.id: m for m in (OLIVIA, MEGAN, VICTOR, STRANGER)})
    await recording.start()
    try:
        yield recording
    finally:
        await recording.stop()


@pytest.fixture
async def inventory(store: Store) -> Store:
    """The carrier's Direct Routing range, imported: Teams knows only the two assigned numbers of it."""
    await import_range(
        store,
        "contoso",
        parse_range("+12065550100-+12065550199"),
        actor=Actor("cli:setup", "setup"),
        clock=SystemClock(),
        location="Seattle",
        carrier="Contoso Telecom",
        range_label="SEA-DR",
    )
    return store


@pytest.fixture
async def start_bot(inventory: Store, phone: SimulatedPhoneSystem) -> AsyncIterator[BotStarter]:
    """Starts a bot replica over the test's store and simulated tenant; call it again for another replica."""
    async with AsyncExitStack() as stack:

        async def start(
            *,
            settings: Settings | None = None,
            inline_seconds: float = 3.0,
            clock: Clock | None = None,
            notify_interval: float = 2.0,
            connection: BotConnection | None = None,
        ) -> RunningBot:
            app = create_app(
                settings or bot_settings(),
                store=inventory,
                phone_systems={"contoso": phone},
                clock=clock,
                inline_seconds=inline_seconds,
                run_jobs=False,
                notify_interval=notify_interval,
                connection=connection,
            )
            runner = bot_runner(app)
            await runner.setup()
            stack.push_async_callback(runner.cleanup)
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            return RunningBot(f"http://127.0.0.1:{runner.addresses[0][1]}/api/messages", app)

        yield start


@pytest.fixture
async def bot(start_bot: BotStarter) -> RunningBot:
    return await start_bot()


@pytest.fixture
async def onboarding_bot(start_bot: BotStarter) -> RunningBot:
    """A bot whose tenant contoso has onboarding suggestions on (`onboarding = true`)."""
    base = bot_settings()
    tenants = tuple(dataclasses.replace(t, onboarding=True) if t.name == "contoso" else t for t in base.tenants)
    return await start_bot(settings=dataclasses.replace(base, tenants=tenants))


@pytest.fixture
async def onboarding_channel(
    http: aiohttp.ClientSession, onboarding_bot: RunningBot, connector: RecordingConnector
) -> dict[str, TeamsClient]:
    """Olivia, Megan and Victor in the channel Olivia made contoso's (`notify here`), by first name."""
    clients = {
        m.name.split()[0].lower(): client_for(m, http, onboarding_bot.url, connector, "channel")
        for m in (OLIVIA, MEGAN, VICTOR)
    }
    await clients["olivia"].say("tenant contoso")
    await clients["olivia"].say("notify here")
    return clients


@pytest.fixture
async def voice_ops(http: aiohttp.ClientSession, bot_url: str, connector: RecordingConnector) -> TeamsClient:
    """Olivia (an admin) in the team channel that hears about contoso."""
    olivia = client_for(OLIVIA, http, bot_url, connector, "channel")
    await olivia.say("tenant contoso")
    await olivia.say("notify here")
    assert "hears about changes in contoso" in card_text(connector.last_card())
    return olivia


@pytest.fixture
def bot_url(bot: RunningBot) -> str:
    return bot.url


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def olivia(http: aiohttp.ClientSession, bot_url: str, connector: RecordingConnector) -> TeamsClient:
    return client_for(OLIVIA, http, bot_url, connector)


@pytest.fixture
def megan(http: aiohttp.ClientSession, bot_url: str, connector: RecordingConnector) -> TeamsClient:
    return client_for(MEGAN, http, bot_url, connector)


@pytest.fixture
def victor(http: aiohttp.ClientSession, bot_url: str, connector: RecordingConnector) -> TeamsClient:
    return client_for(VICTOR, http, bot_url, connector)


@pytest.fixture
def stranger(http: aiohttp.ClientSession, bot_url: str, connector: RecordingConnector) -> TeamsClient:
    return client_for(STRANGER, http, bot_url, connector)
