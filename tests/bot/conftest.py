"""A running bot over a simulated Teams tenant, a recording connector, and operators who talk to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from bot.app import create_app
from inventory.config import OperatorConfig, Role, Settings, TenantConfig
from inventory.model import Actor
from inventory.numbers import parse_range
from inventory.services.imports import import_range
from inventory.store.engine import Store
from inventory.teams.simulated import SimAccount, SimNumber, SimulatedPhoneSystem, SimulatedTenant
from tests.bot.harness import Member, RecordingConnector, TeamsClient

OLIVIA = Member("29:olivia", "aaaaaaaa-0000-4000-8000-000000000001", "Olivia Operator", "olivia@contoso.test")
MEGAN = Member("29:megan", "aaaaaaaa-0000-4000-8000-000000000002", "Megan Bowen", "megan@contoso.test")
VICTOR = Member("29:victor", "aaaaaaaa-0000-4000-8000-000000000003", "Victor Viewer", "victor@contoso.test")
STRANGER = Member("29:stranger", "aaaaaaaa-0000-4000-8000-000000000009", "Sam Stranger", "sam@fabrikam.test")
POLICIES = ("US-Unrestricted", "US-Local")


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


def bot_settings() -> Settings:
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
    )


@pytest.fixture
def teams() -> SimulatedTenant:
    return contoso_teams()


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
    actor = Actor("cli:setup", "setup")
    from inventory.ports import SystemClock

    await import_range(
        store,
        "contoso",
        parse_range("+12065550100-+12065550199"),
        actor=actor,
        clock=SystemClock(),
        location="Seattle",
        carrier="Contoso Telecom",
        range_label="SEA-DR",
    )
    return store


@pytest.fixture
async def bot_url(inventory: Store, teams: SimulatedTenant) -> AsyncIterator[str]:
    app = create_app(
        bot_settings(),
        store=inventory,
        phone_systems={"contoso": SimulatedPhoneSystem(teams)},
        inline_seconds=3.0,
        run_jobs=False,
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/api/messages"
    finally:
        await runner.cleanup()


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
