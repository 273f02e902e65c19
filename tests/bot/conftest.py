"""A running bot over a simulated Teams tenant, a recording connector, and operators who talk to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp import web

from bot.app import create_app
from inventory.config import OperatorConfig, Role, Settings, TenantConfig
from inventory.e164 import parse_range
from inventory.model import Actor
from inventory.ports.clock import Clock, SystemClock
from inventory.services.imports import import_range
from inventory.store.engine import Store
from inventory.teams.retry import GraphTuning
from inventory.teams.simulation import SimAccount, SimNumber, SimulatedPhoneSystem, SimulatedTenant
from tests.bot.harness import Member, RecordingConnector, TeamsClient

OLIVIA = Member("29:olivia", "aaaaaaaa-0000-4000-8000-000000000001", "Olivia Operator", "olivia@contoso.test")
MEGAN = Member("29:megan", "aaaaaaaa-0000-4000-8000-000000000002", "Megan Bowen", "megan@contoso.test")
VICTOR = Member("29:victor", "aaaaaaaa-0000-4000-8000-000000000003", "Victor Viewer", "victor@contoso.test")
STRANGER = Member("29:stranger", "aaaaaaaa-0000-4000-8000-000000000009", "Sam Stranger", "sam@fabrikam.test")
POLICIES = ("US-Unrestricted", "US-Local")
# Teams finishes an operation at once here; poll it quickly too, so an assignment takes milliseconds, not 1 s.
FAST_POLLS = GraphTuning(poll_first_delay_seconds=0.01, poll_cap_seconds=0.2)


def contoso_teams() -> SimulatedTenant:
    tenant = SimulatedTenant(
        name="contoso",
        accounts=[
            SimAccount("obj-adele", "adele@contoso.test", "Adele Vance", enterprise_voice=True),
            SimAccount("obj-alex", "alex@contoso.test", "Alex Wilber", enterprise_voice=True),
            SimAccount("obj-bob", "bob@contoso.test", "Bob Kelly", enterprise_voice=True),
            SimAccount(
                "obj-aa", "mainline@contoso.test", "Main Line", account_type="resourceAccount", enterprise_voice=True
            ),
        ],
        numbers=[SimNumber("+12065559000", "callingPlan", city="Seattle", capabilities=["userAssignment"])],
        policies={name: f"pol-{i}" for i, name in enumerate(POLICIES)},
    )
    tenant.assign_directly("+12065550150", "obj-bob")
    tenant.assign_directly("+12065550199", "obj-aa")
    return tenant


def bot_settings(*, app_id: str = "", app_password: str = "") -> Settings:
    return Settings(
        tenants=(
            TenantConfig(name="contoso", display_name="Contoso", allowed_policies=POLICIES, default_policy="US-Local"),
            TenantConfig(name="fabrikam", display_name="Fabrikam"),
        ),
        operators=(
            OperatorConfig(OLIVIA.aad_object_id, Role.ADMIN, ("*",)),
            OperatorConfig(MEGAN.aad_object_id, Role.OPERATOR, ("contoso",)),
            OperatorConfig(VICTOR.aad_object_id, Role.VIEWER, ("contoso",)),
        ),
        app_id=app_id,
        app_password=app_password,
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


@dataclass(frozen=True)
class RunningBot:
    """One bot replica: its /api/messages address and its aiohttp application."""

    url: str
    app: web.Application

    @property
    def base(self) -> str:
        return self.url.removesuffix("/api/messages")


BotStarter = Callable[..., Awaitable[RunningBot]]


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
        ) -> RunningBot:
            app = create_app(
                settings or bot_settings(),
                store=inventory,
                phone_systems={"contoso": phone},
                clock=clock,
                inline_seconds=inline_seconds,
                run_jobs=False,
                notify_interval=notify_interval,
            )
            runner = web.AppRunner(app, access_log=None)
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
def bot_url(bot: RunningBot) -> str:
    return bot.url


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def client_for(
    member: Member,
    http: aiohttp.ClientSession,
    bot_url: str,
    connector: RecordingConnector,
    conversation: str = "personal",
) -> TeamsClient:
    return TeamsClient(http, bot_url, connector, member, conversation)


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
